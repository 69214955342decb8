// list: every store, oldest first.
#include <cstdio>

#include "provision_cli/cli.h"

namespace ecom::provision_cli {

int cmd_list(CliContext& ctx) {
  std::string out = "[";
  int64_t offset = 0;
  bool first = true;
  if (!ctx.json) std::printf("%-32s %-12s %-20s %s\n", "SLUG", "PLAN", "STATUS", "SCHEMA");
  for (;;) {
    auto page = ctx.p->store().list(500, offset);
    for (const auto& t : page) {
      if (ctx.json) {
        if (!first) out += ",";
        out += tenant_json(t, nullptr);
        first = false;
      } else {
        std::printf("%-32s %-12s %-20s %s\n", t.slug.c_str(), t.plan_name.c_str(), t.status.c_str(),
                    t.schema.c_str());
      }
    }
    if (page.size() < 500) break;
    offset += 500;
  }
  if (ctx.json) print_json(out + "]");
  return kExitOk;
}

}  // namespace ecom::provision_cli
