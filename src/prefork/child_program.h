// What a child of the master runs after the fork, as the application declares it
// (src/app/main_fcgi.cpp): init steps, run in order in the fresh process, each given the
// child's own copy of the configuration (a step may complete it: the agent reads its secret
// there), then the child's body. A step that fails ends the child with exit code 1 and
// "<role>: <its error>" in the log.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/config.h"
#include "prefork/worker.h"

namespace ecom::prefork {

// False (with `error`) ends the child. A step that can do without logs and returns true.
using InitStep = std::function<bool(Config& config, std::string& error)>;
using InitChain = std::vector<InitStep>;

// A worker: its init chain, then the application, built once (after the chain) and serving
// every request of that process.
struct WorkerProgram {
  InitChain init;
  std::function<RequestHandler(const Config& config)> application;
};

// The provisioning agent: its init chain, then its accept loop on its own socket. Without
// `serve`, the master runs no agent.
struct AgentProgram {
  InitChain init;
  std::function<int(const Config& config, int agent_fd)> serve;
};

// In a freshly forked child: the program with `config`; returns the exit code.
int run_worker(const WorkerProgram& program, int listen_fd, int slot, const Config& config);
int run_agent(const AgentProgram& program, int agent_fd, const Config& config);

}  // namespace ecom::prefork
