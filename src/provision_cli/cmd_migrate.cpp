// migrate [--jobs N]: apply pending tenant migrations to every Ready or Suspended store.
// Each store is migrated on its own (its ledger says what is done, its own named lock keeps
// two runners apart); a failure is reported and the rest go on, so an interrupted or partly
// failed run is simply run again. N stores are migrated at once (default 4), each thread with
// its own connections: schema changes wait on the disk more than on the CPU.
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/strings.h"
#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "tenancy/tenant.h"

namespace ecom::provision_cli {

int cmd_migrate(CliContext& ctx) {
  int64_t jobs = 4;
  for (size_t i = 0; i < ctx.flags.size(); ++i) {
    auto n = (ctx.flags[i] == "--jobs" && i + 1 < ctx.flags.size()) ? parse_int(ctx.flags[++i]) : std::nullopt;
    if (!n || *n < 1 || *n > 64) {
      std::fputs("usage: ecom-provision migrate [--jobs N]   (N: 1-64 stores at once, default 4)\n", stderr);
      return kExitUsage;
    }
    jobs = *n;
  }
  auto& p = *ctx.p;
  const auto& migrations = p.tenant_migrations();
  auto tenants = p.store().list_with_status({tenancy::state::kReady, tenancy::state::kSuspended});
  std::atomic<size_t> next{0};
  std::mutex mu;  // guards the counters, the failures and stdout/stderr
  int64_t applied = 0, failed = 0, up_to_date = 0;
  std::string failures_json;
  http::JsonWriter fw(failures_json);
  fw.begin_array();

  auto work = [&] {
    db::ThreadScope scope;
    std::map<std::string, std::unique_ptr<db::Connection>> admins;  // this thread's, per server
    for (size_t i; (i = next.fetch_add(1)) < tenants.size();) {
      const auto& t = tenants[i];
      try {
        auto& conn = admins[t.server_url];
        if (!conn) conn = p.open_admin(t.server_url, t.server_name);
        auto o = db::apply_migrations(*conn, t.schema, migrations);
        std::lock_guard<std::mutex> lock(mu);
        if (o.applied.empty()) ++up_to_date;
        applied += static_cast<int64_t>(o.applied.size());
        if (!ctx.json)
          for (const auto& name : o.applied) std::printf("%s: applied %s\n", t.slug.c_str(), name.c_str());
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        ++failed;
        std::fprintf(stderr, "ecom-provision: %s: %s\n", t.slug.c_str(), e.what());
        fw.begin_object().field("slug", t.slug).field("error", e.what()).end_object();
      }
    }
  };
  std::vector<std::thread> threads;
  size_t n = std::min<size_t>(static_cast<size_t>(jobs), std::max<size_t>(tenants.size(), 1));
  for (size_t i = 0; i < n; ++i) threads.emplace_back(work);
  for (auto& th : threads) th.join();
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

}  // namespace ecom::provision_cli
