// The pre-fork master (PHP-FPM's process manager is the model): opens the
// listening socket, forks the workers (and the provisioning agent), replaces
// any that die (backing off when they keep dying), enforces request_timeout and
// reports slow requests from the scoreboard, reloads on SIGHUP (new workers
// with the new configuration first, then the old ones stop gracefully — the
// socket never closes, so no request is refused) and stops gracefully on
// TERM/INT/QUIT. It never serves requests itself.
#pragma once

#include <functional>

#include "common/config.h"

namespace ecom::prefork {

// The body of a worker process: the inherited listening fd, its scoreboard slot
// and the configuration it was started with. Returns the exit code.
using WorkerMain = std::function<int(int listen_fd, int slot, const Config& config)>;

// The body of the provisioning agent process, given its own listening fd.
using AgentMain = std::function<int(int agent_fd, const Config& config)>;

// Reads the configuration again (SIGHUP).
using ConfigLoader = std::function<ConfigResult()>;

// Runs until stopped; returns the master's exit code (0 on a clean stop).
int master_run(const Config& config, const ConfigLoader& reload, const WorkerMain& worker_main,
               const AgentMain& agent_main);

}  // namespace ecom::prefork
