// refresh: tells the ecom-fcgi master of this host that stores changed, for changes made to the
// control database by hand (a status, a plan, a feature set by SQL), which the workers would
// otherwise see only once their cached lookups expire (tenancy.cache_ttl_ms). The commands that
// change stores do this themselves. Other hosts' masters are not reached: their workers see the
// change within tenancy.cache_ttl_ms.
// Exit 0 when the master answered or none runs here (nothing to tell), 1 when it did not answer.
#include <cstdio>

#include "provision_cli/cli.h"

namespace ecom::provision_cli {

int cmd_refresh(CliContext& ctx) {
  Notified n = notify_master(ctx.cfg);
  switch (n) {
    case Notified::Told:
      if (!ctx.json) std::puts("ecom-fcgi told: its workers look every store up again");
      break;
    case Notified::NotRunning:
      if (!ctx.json) std::puts("no ecom-fcgi runs here (server.pid_file): nothing to tell");
      break;
    case Notified::NoAnswer:
      print_error(ctx, "ecom-fcgi did not answer within 2 s; its workers see the change within tenancy.cache_ttl_ms");
      return kExitFailure;
  }
  if (ctx.json) print_json("{\"told\":" + std::string(n == Notified::Told ? "true" : "false") + "}");
  return kExitOk;
}

}  // namespace ecom::provision_cli
