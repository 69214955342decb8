// The pre-fork master (PHP-FPM's process manager is the model): opens the
// listening socket, forks the workers (and the provisioning agent), replaces
// any that die (backing off when they keep dying), enforces request_timeout and
// reports slow requests from the scoreboard, reloads on SIGHUP (new workers
// with the new configuration first, then the old ones stop gracefully — the
// socket never closes, so no request is refused) and stops gracefully on
// TERM/INT/QUIT. SIGUSR1 reopens the log file (logrotate) in the master and every child,
// restarting none. It never serves requests itself.
//
// Its state: Running → Reloading (SIGHUP; until the old generation's children are gone) →
// Running …, and from either, Stopping (TERM/INT/QUIT; until every child is gone).
#pragma once

#include <functional>

#include "common/config.h"
#include "prefork/child_program.h"

namespace ecom::prefork {

// Reads the configuration again (SIGHUP).
using ConfigLoader = std::function<ConfigResult()>;

// Runs until stopped; returns the master's exit code (0 on a clean stop). `worker` and `agent`
// say what each child runs after the fork (prefork/child_program.h); an agent without `serve`
// means no agent.
int master_run(const Config& config, const ConfigLoader& reload, const WorkerProgram& worker,
               const AgentProgram& agent);

}  // namespace ecom::prefork
