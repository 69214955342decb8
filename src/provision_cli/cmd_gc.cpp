// gc: housekeeping, safe to run at any time (cron runs it nightly):
//   - sign-ups whose confirmation token expired unconfirmed (their slugs become free);
//   - sign-up limit events older than their one-hour window (control database);
//   - guest carts idle for 30 days, in every store;
//   - place-order attempts older than the rate limit's one-hour window;
//   - failed-login records older than the 15-minute lockout window.
// It also lists (deleting nothing) the stores created by sign-up more than
// provisioning.unactivated_signup_days ago whose admin never activated the account: an
// operator decides whether to suspend or delete them.
#include <cstdio>

#include "db/identifier.h"
#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/signup_limits.h"
#include "tenancy/tenant.h"

namespace ecom::provision_cli {

int cmd_gc(CliContext& ctx) {
  auto& p = *ctx.p;
  int64_t expired = p.store().delete_expired_pending();
  int64_t events = provisioning::delete_old_signup_events(p.control());
  int64_t carts = 0, attempts = 0, failures = 0, failed = 0;
  for (const auto& t : p.store().list_with_status({tenancy::state::kReady, tenancy::state::kSuspended})) {
    try {
      auto& c = p.admin(t.server_url);
      std::string s = db::quote_identifier(t.schema);
      carts += static_cast<int64_t>(c.exec("DELETE FROM " + s + ".carts WHERE customer_id IS NULL AND "
                                           "updated_at < UTC_TIMESTAMP() - INTERVAL 30 DAY"));
      attempts += static_cast<int64_t>(
          c.exec("DELETE FROM " + s + ".checkout_attempts WHERE attempted_at < UTC_TIMESTAMP(3) - INTERVAL 1 HOUR"));
      failures += static_cast<int64_t>(
          c.exec("DELETE FROM " + s + ".login_failures WHERE failed_at < UTC_TIMESTAMP(3) - INTERVAL 15 MINUTE"));
    } catch (const std::exception& e) {
      ++failed;
      std::fprintf(stderr, "ecom-provision: gc %s: %s\n", t.slug.c_str(), e.what());
    }
  }

  std::vector<provisioning::TenantRecord> unactivated;
  for (const auto& t : p.store().signups_older_than(ctx.cfg.unactivated_signup_days)) {
    try {
      auto& c = p.admin(t.server_url);
      auto r = c.query("SELECT COUNT(*) FROM " + db::quote_identifier(t.schema) +
                       ".accounts WHERE role = 'admin' AND activated_at IS NOT NULL");
      if (r.next() && r.i64(0) == 0) unactivated.push_back(t);
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
        .field("oldSignupEvents", events)
        .field("idleCarts", carts)
        .field("oldCheckoutAttempts", attempts)
        .field("oldLoginFailures", failures)
        .field("failedStores", failed)
        .field("unactivatedSignupDays", ctx.cfg.unactivated_signup_days);
    w.key("unactivatedSignups").begin_array();
    for (const auto& t : unactivated) {
      w.begin_object().field("slug", t.slug).field("id", t.id).field("status", t.status).field("createdAt", t.created_at);
      if (t.admin_email.empty()) w.key("adminEmail").null();
      else w.field("adminEmail", t.admin_email);
      w.field("signupClient", t.signup_client).end_object();
    }
    w.end_array().end_object();
    print_json(out);
  } else {
    std::printf("%lld expired sign-up(s), %lld idle guest cart(s), %lld old checkout attempt(s) removed\n",
                static_cast<long long>(expired), static_cast<long long>(carts), static_cast<long long>(attempts));
    std::printf("%lld old failed login(s), %lld old sign-up limit record(s) removed\n",
                static_cast<long long>(failures), static_cast<long long>(events));
    std::printf("%zu store(s) from sign-up older than %lld day(s) whose admin never activated%s\n", unactivated.size(),
                static_cast<long long>(ctx.cfg.unactivated_signup_days), unactivated.empty() ? "" : ":");
    for (const auto& t : unactivated)
      std::printf("  %s  %s  created %s  admin %s  from %s\n", t.slug.c_str(), t.status.c_str(), t.created_at.c_str(),
                  t.admin_email.empty() ? "-" : t.admin_email.c_str(), t.signup_client.c_str());
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace ecom::provision_cli
