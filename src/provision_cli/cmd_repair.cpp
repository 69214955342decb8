// repair SLUG: re-run whatever is missing (schema, pending migrations, seed).
#include <cstdio>

#include "provision_cli/cli.h"

namespace ecom::provision_cli {

int cmd_repair(CliContext& ctx) {
  auto t = ctx.p->repair(ctx.args[0]);
  if (ctx.json) {
    auto steps = ctx.p->store().steps(t.id);
    print_json(tenant_json(t, &steps));
  } else {
    std::printf("store %s repaired: %s\n", t.slug.c_str(), t.status.c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
