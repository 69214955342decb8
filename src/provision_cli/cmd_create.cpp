// create SLUG NAME PLANCODE [--admin-email EMAIL]: a store, provisioned now.
// With --admin-email the store's admin is invited and the activation token printed. With
// --server NAME it goes to that database server (exit 2 when there is none, 1 when it is
// draining), else to the active one with the most free capacity.
#include <cstdio>

#include "provision_cli/cli.h"

namespace ecom::provision_cli {

int cmd_create(CliContext& ctx) {
  std::string admin_email, server;
  for (size_t i = 0; i < ctx.flags.size(); ++i) {
    if (ctx.flags[i] == "--admin-email" && i + 1 < ctx.flags.size()) {
      admin_email = ctx.flags[++i];
    } else if (ctx.flags[i] == "--server" && i + 1 < ctx.flags.size()) {
      server = ctx.flags[++i];
    } else {
      std::fputs("usage: ecom-provision create SLUG NAME PLANCODE [--admin-email EMAIL] [--server NAME]\n", stderr);
      return kExitUsage;
    }
  }
  std::string token;
  auto t = ctx.p->create(ctx.args[0], ctx.args[1], ctx.args[2], admin_email, &token, server);
  if (ctx.json) {
    auto steps = ctx.p->store().steps(t.id);
    std::string out = tenant_json(t, &steps);
    if (!token.empty()) out.insert(out.size() - 1, ",\"adminActivationToken\":\"" + token + "\"");
    print_json(out);
  } else {
    std::printf("store %s created: %s, schema %s on database server %s\n", t.slug.c_str(), t.status.c_str(),
                t.schema.c_str(), t.server_name.c_str());
    if (!token.empty()) std::printf("admin activation token (48 hours): %s\n", token.c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
