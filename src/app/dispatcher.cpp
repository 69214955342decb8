#include "app/dispatcher.h"

#include <unistd.h>

#include <cstdio>

#include "accounts/admin_access.h"
#include "auth/access_token.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/strings.h"
#include "core/answer.h"
#include "health/metrics.h"
#include "http/errors.h"
#include "http/problem.h"
#include "superadmin/auth.h"
#include "tenancy/resolver.h"
#include "tenancy/slug.h"

namespace ecom {

namespace {

bool is_json_content_type(const std::string& ct) {
  std::string_view v = trim(ct);
  size_t semi = v.find(';');
  std::string_view mime = trim(v.substr(0, semi));
  if (iequals(mime, "application/json")) return true;
  // application/*+json (e.g. merge-patch+json) is JSON too.
  return mime.size() > 17 && iequals(mime.substr(0, 12), "application/") &&
         iequals(mime.substr(mime.size() - 5), "+json");
}

void check_body(const http::Request& req, int64_t limit_bytes) {
  if (req.body_too_large) throw http::payload_too_large(limit_bytes);
  if (!req.body.empty() && !is_json_content_type(req.content_type)) {
    throw ApiError(415, "Unsupported Media Type", "Request bodies must be sent as application/json.");
  }
}

void check_query(const http::Request& req) {
  if (req.bad_query_params.empty()) return;
  Validator v;
  for (const auto& p : req.bad_query_params) v.add(p, "The value is not valid percent-encoded UTF-8.");
  v.throw_if_any();
}

ApiError refusal_error(const tenancy::Resolution& r) {
  switch (r.refusal) {
    case tenancy::Refusal::kMissingSlug:
      return http::conflict("Tenant not resolved", "The X-Tenant-Slug header is required.");
    case tenancy::Refusal::kSuspended:
      return {423, "Tenant locked", "The store '" + r.tenant->slug + "' is suspended."};
    case tenancy::Refusal::kMoving: {
      int64_t left_ms = r.tenant->locked_until_ms - clock::mono_ms();
      return http::locked("The store '" + r.tenant->slug + "' is being moved to another database server; "
                          "try again in a moment.", (left_ms + 999) / 1000);
    }
    case tenancy::Refusal::kNotReady:
      return http::conflict("Tenant not ready",
                            "The store '" + r.tenant->slug + "' is not ready (" + r.tenant->status + ").");
    case tenancy::Refusal::kFeatureOff:
      return http::forbidden("The feature '" + r.feature + "' is not enabled for this store.");
    case tenancy::Refusal::kUnknown:
    case tenancy::Refusal::kNone:
      break;
  }
  return http::conflict("Tenant not resolved", "No store matches the X-Tenant-Slug header.");
}

// A database failure the client can retry gets 503 with Retry-After; anything else is a 500.
void write_database_error(const db::Error& e, const http::Request& req, http::Response& res) {
  switch (e.kind()) {
    case db::ErrorKind::Unavailable: health::count_db_error(health::DbErrorKind::kUnavailable); break;
    case db::ErrorKind::Deadlock: health::count_db_error(health::DbErrorKind::kDeadlock); break;
    case db::ErrorKind::LockWait: health::count_db_error(health::DbErrorKind::kLockWait); break;
    default: health::count_db_error(health::DbErrorKind::kOther); break;
  }
  if (e.kind() == db::ErrorKind::Unavailable) {
    log::error("request " + req.request_id + ": database unavailable: " + e.what());
    http::write_problem(res, http::unavailable("The database is unavailable; try again shortly.", 2), req.path);
  } else if (e.kind() == db::ErrorKind::Deadlock || e.kind() == db::ErrorKind::LockWait) {
    log::warn("request " + req.request_id + ": gave up after lock conflicts: " + e.what());
    http::write_problem(res, http::unavailable("The store is busy; try again.", 1), req.path);
  } else {
    log::error("request " + req.request_id + ": database error: " + e.what());
    http::write_problem(res, ApiError(500, "Internal Server Error", "An unexpected error occurred."), req.path);
  }
}

void write_log_line(const http::Request& req, const http::Response& res, const std::string& tenant,
                    double ms) {
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.2fms", ms);
  std::string line = clock::iso_now();
  line += " request id=";
  line += req.request_id;
  // Client input is escaped (log::field): no space or control byte can add fields or lines.
  line += " tenant=";
  line += tenant.empty() ? "-" : tenant;
  line += ' ';
  line += log::field(req.method, 32);
  line += ' ';
  line += log::field(req.path, 4096, log::kPathChars);
  line += ' ';
  line += std::to_string(res.status);
  line += ' ';
  line += dur;
  line += " pid=";
  line += std::to_string(getpid());
  log::raw(line);
}

// A route that writes the catalog bumps the store's generation after its handler returned (its
// transaction committed) — or failed: a refused write costs an extra invalidation, no more.
void run_handler(Context& ctx, const http::Route& route) {
  if (!route.options.changes_catalog || !ctx.tenant_ptr) return route.handler(ctx);
  struct Bump {
    std::shared_ptr<const tenancy::Tenant> t;
    ~Bump() { catalog_changed(*t); }
  } bump{ctx.tenant_ptr};
  route.handler(ctx);
}

}  // namespace

void Dispatcher::resolve_tenant(Context& ctx, const http::RouteOptions& o) {
  auto r = tenancy::resolve(services_.registry, [this]() -> db::Connection& { return services_.control(); },
                            ctx.req.header("x-tenant-slug"), o.features);
  if (r.refusal != tenancy::Refusal::kNone) throw refusal_error(r);
  ctx.tenant_ptr = std::move(r.tenant);
}

// Everything a route declares it needs, checked in order: store, caller, body.
void Dispatcher::prepare(Context& ctx, const http::RouteOptions& o) {
  if (o.tenant) resolve_tenant(ctx, o);
  switch (o.auth) {
    case http::Auth::kNone: break;
    case http::Auth::kCustomer: ctx.principal = auth::require_principal(ctx); break;
    case http::Auth::kAdmin: ctx.principal = accounts::require_admin(ctx); break;
    case http::Auth::kSuperadmin: superadmin::require_superadmin(ctx); break;
  }
  if (o.json_body == http::JsonBody::kRequired ||
      (o.json_body == http::JsonBody::kOptional && !trim(ctx.req.body).empty()))
    ctx.json = http::parse_json_body(ctx.req.body);
}

void Dispatcher::handle(http::Request& req, http::Response& res) {
  double started = clock::mono_seconds();
  Context ctx{req, res, services_, nullptr};
  std::string tenant_for_log;
  try {
    auto m = router_.match(req);
    if (m.kind == http::Match::kNotFound) throw http::not_found("No resource at " + req.method + " " + req.path + ".");
    if (m.kind == http::Match::kMethodNotAllowed) {
      ApiError e(405, "Method Not Allowed", "The method " + req.method + " is not allowed here.");
      e.headers.emplace_back("Allow", m.allow);
      throw e;
    }
    check_body(req, services_.config.max_body_bytes);
    check_query(req);
    if (m.route->options.tenant) {
      // A valid slug is logged as is; anything else escaped (it may hold spaces or control bytes).
      const std::string* slug = req.header("x-tenant-slug");
      if (slug) tenant_for_log = tenancy::valid_slug(*slug) ? *slug : log::field(*slug, 192);
    }
    prepare(ctx, m.route->options);
    run_handler(ctx, *m.route);
  } catch (const ApiError& e) {
    http::write_problem(res, e, req.path);
  } catch (const db::Error& e) {
    write_database_error(e, req, res);
  } catch (const std::exception& e) {
    log::error("request " + req.request_id + ": unhandled error: " + e.what());
    http::write_problem(res, ApiError(500, "Internal Server Error", "An unexpected error occurred."), req.path);
  }
  res.add_header("X-Request-Id", req.request_id);
  double took = clock::mono_seconds() - started;
  health::count_request(req.path, res.status, took);
  write_log_line(req, res, tenant_for_log, took * 1000.0);
}

}  // namespace ecom
