// migrate: apply pending tenant migrations to every Ready or Suspended store.
// Each store is migrated on its own; a failure is reported and the rest go on,
// so an interrupted or partly failed run is simply run again.
#include <cstdio>

#include "http/json_writer.h"
#include "provisioner/cli.h"
#include "tenancy/tenant.h"

namespace ecom::provisioner {

int cmd_migrate(CliContext& ctx) {
  auto& p = *ctx.p;
  const auto& migrations = p.tenant_migrations();
  auto tenants = p.store().list_with_status({tenancy::state::kReady, tenancy::state::kSuspended});
  int64_t applied = 0, failed = 0, up_to_date = 0;
  std::string failures_json;
  http::JsonWriter fw(failures_json);
  fw.begin_array();
  for (const auto& t : tenants) {
    try {
      auto o = db::apply_migrations(p.admin(t.server_url), t.schema, migrations);
      if (o.applied.empty()) ++up_to_date;
      applied += static_cast<int64_t>(o.applied.size());
      if (!ctx.json)
        for (const auto& name : o.applied) std::printf("%s: applied %s\n", t.slug.c_str(), name.c_str());
    } catch (const std::exception& e) {
      ++failed;
      std::fprintf(stderr, "ecom-provision: %s: %s\n", t.slug.c_str(), e.what());
      fw.begin_object().field("slug", t.slug).field("error", e.what()).end_object();
    }
  }
  fw.end_array();
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object()
        .field("tenants", static_cast<int64_t>(tenants.size()))
        .field("applied", applied)
        .field("upToDate", up_to_date)
        .field("failed", failed)
        .key("failures")
        .raw(failures_json)
        .end_object();
    print_json(out);
  } else {
    std::printf("%zu store(s): %lld migration(s) applied, %lld up to date, %lld failed\n", tenants.size(),
                static_cast<long long>(applied), static_cast<long long>(up_to_date), static_cast<long long>(failed));
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace ecom::provisioner
