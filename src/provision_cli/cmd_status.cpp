// status SLUG: a store and its provisioning steps.
#include <cstdio>

#include "provision_cli/cli.h"

namespace ecom::provision_cli {

int cmd_status(CliContext& ctx) {
  auto t = ctx.p->store().find_by_slug(ctx.args[0]);
  if (!t) {
    print_error(ctx, "no store with slug '" + ctx.args[0] + "'");
    return kExitFailure;
  }
  auto steps = ctx.p->store().steps(t->id);
  if (ctx.json) {
    print_json(tenant_json(*t, &steps));
    return kExitOk;
  }
  std::printf("%s  %s  plan %s  status %s  schema %s  created %s\n", t->slug.c_str(), t->name.c_str(),
              t->plan_name.c_str(), t->status.c_str(), t->schema.c_str(), t->created_at.c_str());
  for (const auto& s : steps) {
    std::printf("  %-16s %-10s %s -> %s  %s\n", s.step.c_str(), s.status.c_str(),
                s.started_at.value_or("-").c_str(), s.completed_at.value_or("-").c_str(),
                s.error_message ? s.error_message->c_str() : s.log.value_or("").c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
