// The pre-fork master (PHP-FPM's process manager is the model): opens the
// listening socket, forks the workers, replaces any that die (backing off when
// they keep dying), and stops them gracefully on TERM/INT/QUIT. It never serves
// requests itself.
#pragma once

#include <functional>

#include "common/config.h"

namespace ecom::prefork {

// The body of a worker process, given the inherited listening fd. Its return
// value is the worker's exit code.
using WorkerMain = std::function<int(int listen_fd)>;

// The body of the provisioning agent process, given its own listening fd
// (a unix socket at agent_socket_path(config), mode 0600).
using AgentMain = std::function<int(int agent_fd)>;

// Runs until stopped; returns the master's exit code (0 on a clean stop).
// When `agent_main` is set and an agent socket is configured, one agent process
// is supervised beside the workers.
int master_run(const Config& config, const WorkerMain& worker_main, const AgentMain& agent_main = nullptr);

}  // namespace ecom::prefork
