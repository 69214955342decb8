#include "app/dispatcher.h"

#include <unistd.h>

#include <cstdio>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/strings.h"
#include "http/problem.h"
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

void check_body(const http::Request& req) {
  if (req.body_too_large) {
    throw ApiError(413, "Payload Too Large", "The request body exceeds the 1 MiB limit.");
  }
  if (!req.body.empty() && !is_json_content_type(req.content_type)) {
    throw ApiError(415, "Unsupported Media Type", "Request bodies must be sent as application/json.");
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

}  // namespace

void Dispatcher::resolve_tenant(Context& ctx, const http::RouteOptions& o) {
  const std::string* slug = ctx.req.header("x-tenant-slug");
  if (!slug || slug->empty())
    throw ApiError::Conflict("Tenant not resolved", "The X-Tenant-Slug header is required.");
  if (!tenancy::valid_slug(*slug))
    throw ApiError::Conflict("Tenant not resolved", "No store matches the X-Tenant-Slug header.");
  auto t = services_.registry.find(services_.control(), *slug);
  if (!t) throw ApiError::Conflict("Tenant not resolved", "No store matches the X-Tenant-Slug header.");
  if (t->status == tenancy::state::kSuspended)
    throw ApiError(423, "Tenant locked", "The store '" + t->slug + "' is suspended.");
  if (t->status != tenancy::state::kReady)
    throw ApiError::Conflict("Tenant not ready", "The store '" + t->slug + "' is not ready (" + t->status + ").");
  ctx.tenant_ptr = t;
  for (const char* f : o.features) {
    if (!t->has(f))
      throw ApiError::Forbidden(std::string("The feature '") + f + "' is not enabled for this store.");
  }
}

void Dispatcher::handle(http::Request& req, http::Response& res) {
  double started = clock::mono_seconds();
  Context ctx{req, res, services_, nullptr};
  std::string tenant_for_log;
  try {
    auto m = router_.match(req);
    if (m.kind == http::Match::kNotFound)
      throw ApiError::NotFound("No resource at " + req.method + " " + req.path + ".");
    if (m.kind == http::Match::kMethodNotAllowed) {
      ApiError e(405, "Method Not Allowed", "The method " + req.method + " is not allowed here.");
      e.headers.emplace_back("Allow", m.allow);
      throw e;
    }
    const auto& o = m.route->options;
    check_body(req);
    if (!req.bad_query_params.empty()) {
      Validator v;
      for (const auto& p : req.bad_query_params) v.add(p, "The value is not valid percent-encoded UTF-8.");
      v.throw_if_any();
    }
    if (o.tenant) {
      // A valid slug is logged as is; anything else escaped (it may hold spaces or control bytes).
      const std::string* slug = req.header("x-tenant-slug");
      if (slug) tenant_for_log = tenancy::valid_slug(*slug) ? *slug : log::field(*slug, 192);
      resolve_tenant(ctx, o);
    }
    m.route->handler(ctx);
  } catch (const ApiError& e) {
    http::write_problem(res, e, req.path);
  } catch (const db::Error& e) {
    if (e.kind() == db::ErrorKind::Unavailable) {
      log::error("request " + req.request_id + ": database unavailable: " + e.what());
      ApiError err = ApiError::Unavailable("The database is unavailable; try again shortly.");
      err.headers.emplace_back("Retry-After", "2");
      http::write_problem(res, err, req.path);
    } else if (e.kind() == db::ErrorKind::Deadlock || e.kind() == db::ErrorKind::LockWait) {
      log::warn("request " + req.request_id + ": gave up after lock conflicts: " + e.what());
      ApiError err = ApiError::Unavailable("The store is busy; try again.");
      err.headers.emplace_back("Retry-After", "1");
      http::write_problem(res, err, req.path);
    } else {
      log::error("request " + req.request_id + ": database error: " + e.what());
      http::write_problem(res, ApiError(500, "Internal Server Error", "An unexpected error occurred."), req.path);
    }
  } catch (const std::exception& e) {
    log::error("request " + req.request_id + ": unhandled error: " + e.what());
    http::write_problem(res, ApiError(500, "Internal Server Error", "An unexpected error occurred."), req.path);
  }
  res.add_header("X-Request-Id", req.request_id);
  write_log_line(req, res, tenant_for_log, (clock::mono_seconds() - started) * 1000.0);
}

}  // namespace ecom
