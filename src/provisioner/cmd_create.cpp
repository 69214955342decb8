// create SLUG NAME PLANCODE: a store, provisioned now.
#include <cstdio>

#include "provisioner/cli.h"

namespace ecom::provisioner {

int cmd_create(CliContext& ctx) {
  auto t = ctx.p->create(ctx.args[0], ctx.args[1], ctx.args[2]);
  if (ctx.json) {
    auto steps = ctx.p->store().steps(t.id);
    print_json(tenant_json(t, &steps));
  } else {
    std::printf("store %s created: %s, schema %s\n", t.slug.c_str(), t.status.c_str(), t.schema.c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provisioner
