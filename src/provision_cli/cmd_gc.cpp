// gc: housekeeping, safe to run at any time (cron runs it nightly):
//   - sign-ups whose confirmation token expired unconfirmed (their slugs become free);
//   - sign-up limit events older than their one-hour window (control database);
//   - guest carts idle for 30 days, in every store;
//   - place-order attempts older than the rate limit's one-hour window;
//   - failed-login records older than the 15-minute lockout window.
//   - the schemas finished moves left on their source server (`move` without --drop-source).
// It also lists (deleting nothing) the stores created by sign-up more than
// provisioning.unactivated_signup_days ago whose admin never activated the account, and the
// store schemas on any database server that no store owns: an operator decides about them.
#include <cstdio>

#include "accounts/account_repository.h"
#include "cart/cart_repository.h"
#include "checkout/rate_limit.h"
#include "db/identifier.h"
#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/signup_limits.h"
#include "provisioning/store_move.h"
#include "tenancy/tenant.h"

namespace ecom::provision_cli {
namespace {

// What the repositories need to name a store's tables: its schema (the admin connection
// reaches every schema).
tenancy::Tenant schema_of(const provisioning::TenantRecord& r) {
  tenancy::Tenant t;
  t.slug = r.slug;
  t.schema = r.schema;
  t.quoted_schema = db::quote_identifier(r.schema);
  return t;
}

void write_leftovers(http::JsonWriter& w, const std::vector<provisioning::LeftoverSchema>& leftovers) {
  w.key("leftoverSchemas").begin_array();
  for (const auto& l : leftovers)
    w.begin_object()
        .field("server", l.server)
        .field("schema", l.schema)
        .field("reason", l.reason)
        .field("dropped", l.dropped)
        .end_object();
  w.end_array();
}

void print_leftovers(const std::vector<provisioning::LeftoverSchema>& leftovers) {
  std::printf("%zu store schema(s) no store is served from%s\n", leftovers.size(), leftovers.empty() ? "" : ":");
  for (const auto& l : leftovers)
    std::printf("  %s on %s  (%s)%s\n", l.schema.c_str(), l.server.c_str(), l.reason.c_str(),
                l.dropped ? " dropped" : "");
}

}  // namespace

int cmd_gc(CliContext& ctx) {
  auto& p = *ctx.p;
  int64_t expired = p.store().delete_expired_pending();
  int64_t events = provisioning::delete_old_signup_events(p.control());
  int64_t carts = 0, attempts = 0, failures = 0, failed = 0;
  for (const auto& t : p.store().list_with_status({tenancy::state::kReady, tenancy::state::kSuspended})) {
    try {
      auto& c = p.admin(t.server_url, t.server_name);
      tenancy::Tenant store = schema_of(t);
      carts += cart::delete_idle_guest_carts(c, store);
      attempts += checkout::delete_old_attempts(c, store);
      failures += accounts::delete_old_failures(c, store);
    } catch (const std::exception& e) {
      ++failed;
      std::fprintf(stderr, "ecom-provision: gc %s: %s\n", t.slug.c_str(), e.what());
    }
  }

  std::vector<provisioning::TenantRecord> unactivated;
  for (const auto& t : p.store().signups_older_than(ctx.cfg.unactivated_signup_days)) {
    try {
      auto& c = p.admin(t.server_url, t.server_name);
      if (accounts::count_activated_admins(c, schema_of(t)) == 0) unactivated.push_back(t);
    } catch (const std::exception& e) {
      ++failed;
      std::fprintf(stderr, "ecom-provision: gc %s: %s\n", t.slug.c_str(), e.what());
    }
  }

  int64_t unreachable = 0;
  auto leftovers = provisioning::leftover_schemas(p, true, unreachable);
  failed += unreachable;
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
    w.end_array();
    write_leftovers(w, leftovers);
    w.end_object();
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
    print_leftovers(leftovers);
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace ecom::provision_cli
