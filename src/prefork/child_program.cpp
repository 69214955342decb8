#include "prefork/child_program.h"

#include "common/log.h"
#include "prefork/scoreboard.h"

namespace ecom::prefork {
namespace {

bool run_init(const InitChain& chain, Config& config, const char* role) {
  for (const InitStep& step : chain) {
    std::string error;
    if (!step(config, error)) {
      log::error(std::string(role) + ": " + error);
      return false;
    }
  }
  return true;
}

}  // namespace

int run_worker(const WorkerProgram& program, int listen_fd, int slot, const Config& config) {
  set_own_slot(slot);  // before the application is built: its services may publish there
  Config own = config;
  if (!run_init(program.init, own, "worker")) return 1;
  RequestHandler handle = program.application(own);  // per worker: connections, caches
  return worker_run(worker_options(own, listen_fd, slot), handle);
}

int run_agent(const AgentProgram& program, int agent_fd, const Config& config) {
  Config own = config;
  if (!run_init(program.init, own, "provisioning agent")) return 1;
  int code = program.serve(own, agent_fd);
  wipe(own.admin_password);  // a secret the init chain may have read
  return code;
}

}  // namespace ecom::prefork
