// gc: housekeeping, safe to run at any time (cron runs it nightly):
//   - sign-ups whose confirmation token expired unconfirmed (their slugs become free);
//   - guest carts idle for 30 days, in every store;
//   - place-order attempts older than the rate limit's one-hour window.
#include <cstdio>

#include "db/identifier.h"
#include "http/json_writer.h"
#include "provisioner/cli.h"
#include "tenancy/tenant.h"

namespace ecom::provisioner {

int cmd_gc(CliContext& ctx) {
  auto& p = *ctx.p;
  int64_t expired = p.store().delete_expired_pending();
  int64_t carts = 0, attempts = 0, failed = 0;
  for (const auto& t : p.store().list_with_status({tenancy::state::kReady, tenancy::state::kSuspended})) {
    try {
      auto& c = p.admin(t.server_url);
      std::string s = db::quote_identifier(t.schema);
      carts += static_cast<int64_t>(c.exec("DELETE FROM " + s + ".carts WHERE customer_id IS NULL AND "
                                           "updated_at < UTC_TIMESTAMP() - INTERVAL 30 DAY"));
      attempts += static_cast<int64_t>(
          c.exec("DELETE FROM " + s + ".checkout_attempts WHERE attempted_at < UTC_TIMESTAMP(3) - INTERVAL 1 HOUR"));
    } catch (const std::exception& e) {
      ++failed;
      std::fprintf(stderr, "ecom-provision: gc %s: %s\n", t.slug.c_str(), e.what());
    }
  }
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object()
        .field("expiredInits", expired)
        .field("idleCarts", carts)
        .field("oldCheckoutAttempts", attempts)
        .field("failedStores", failed)
        .end_object();
    print_json(out);
  } else {
    std::printf("%lld expired sign-up(s), %lld idle guest cart(s), %lld old checkout attempt(s) removed\n",
                static_cast<long long>(expired), static_cast<long long>(carts), static_cast<long long>(attempts));
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace ecom::provisioner
