// restore FILE [--as NEWSLUG] [--server NAME]: a store from a backup, Ready and served at once.
// Refused, with nothing made, when the slug is taken or the file is no valid backup; a restore
// that fails half-way removes what it made. See provisioning/store_backup.h.
#include <cstdio>

#include "provision_cli/cli.h"
#include "provisioning/store_backup.h"

namespace ecom::provision_cli {
namespace {

constexpr const char* kUsage = "usage: ecom-provision restore FILE [--as NEWSLUG] [--server NAME]\n";

}  // namespace

int cmd_restore(CliContext& ctx) {
  provisioning::RestoreOptions o;
  o.file = ctx.args[0];
  for (size_t i = 0; i < ctx.flags.size(); ++i) {
    const std::string& f = ctx.flags[i];
    bool has_value = i + 1 < ctx.flags.size() && ctx.flags[i + 1].rfind("--", 0) != 0;
    if (f == "--as" && has_value && o.as_slug.empty()) {
      o.as_slug = ctx.flags[++i];
    } else if (f == "--server" && has_value && o.server.empty()) {
      o.server = ctx.flags[++i];
    } else {
      std::fputs(kUsage, stderr);
      return kExitUsage;
    }
  }
  if (o.file.empty()) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  auto r = provisioning::restore_store(*ctx.p, ctx.cfg, o);
  if (ctx.json) {
    auto steps = ctx.p->store().steps(r.store.id);
    std::string out = tenant_json(r.store, &steps);
    std::string extra = ",\"restoredFrom\":{\"slug\":\"" + r.header.slug + "\",\"storeId\":\"" + r.header.store_id +
                        "\",\"migrationLevel\":" + std::to_string(r.header.migration_level) +
                        ",\"migrationsApplied\":" + std::to_string(r.migrations_applied.size()) + "}";
    out.insert(out.size() - 1, extra);
    print_json(out);
  } else {
    std::printf("store %s restored from %s (backup of %s): %s, schema %s\n", r.store.slug.c_str(), o.file.c_str(),
                r.header.slug.c_str(), r.store.status.c_str(), r.store.schema.c_str());
  }
  return kExitOk;
}

}  // namespace ecom::provision_cli
