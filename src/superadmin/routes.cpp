#include "superadmin/routes.h"

#include <cmath>

#include "common/error.h"
#include "common/strings.h"
#include "common/validation.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "http/pagination.h"
#include "provisioning/agent.h"
#include "provisioning/control_store.h"
#include "provisioning/db_servers.h"
#include "provisioning/signup_validation.h"
#include "provisioning/steps_json.h"
#include "superadmin/auth.h"
#include "tenancy/features.h"
#include "tenancy/registry.h"
#include "tenancy/slug.h"
#include "tenancy/tenant.h"

namespace ecom::superadmin {
namespace {

using provisioning::ControlStore;
using provisioning::TenantRecord;

// The store as GET /superadmin/tenants/{slug} shows it.
void write_detail(Context& ctx, ControlStore& store, const std::string& slug) {
  auto t = store.find_by_slug(slug);
  if (!t) throw http::not_found("Tenant not found.");
  auto effective = tenancy::load_tenant(ctx.control_db(), slug);
  auto f_over = store.feature_overrides(t->id);
  auto l_over = store.limit_overrides(t->id);
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  provisioning::write_tenant_summary(w, *t);
  w.key("features").begin_object();
  for (const char* f : tenancy::kFeatures) w.field(tenancy::snake_to_camel(f), effective && effective->has(f));
  w.end_object();
  w.key("limits").begin_object();
  for (const char* l : tenancy::kLimits) w.field(l, effective ? effective->limit(l, 0) : 0);
  w.end_object();
  w.key("overrides").begin_object();
  w.key("features").begin_object();
  for (const auto& [f, on] : f_over) w.field(tenancy::snake_to_camel(f), on);
  w.end_object();
  w.key("limits").begin_object();
  for (const auto& [l, val] : l_over) w.field(l, val);
  w.end_object();
  w.end_object();
  w.field("provisioningStatus", t->provisioning_status);
  w.field("suspended", t->suspended);
  provisioning::write_steps(w, store.steps(t->id), provisioning::StepDetail::Full);
  w.end_object();
}

// How long a client waits before asking again when the database servers are full: an operator
// must raise a capacity or add a server first.
constexpr int kFullRetryAfter = 300;

// A `server` no database server is registered under: a validation error of that field.
ApiError unknown_server(const std::string& detail) { return ApiError::Validation({{"server", {detail}}}); }

ApiError from_agent(const provisioning::AgentReply& r, const std::string& slug) {
  if (r.kind == "Invalid") return ApiError::BadRequest(r.error);
  if (r.kind == "PlanNotFound") return http::not_found("Plan not found.");
  if (r.kind == "SlugTaken") return http::conflict("Conflict", "The slug '" + slug + "' is already taken.");
  if (r.kind == "NotFound") return http::not_found("Tenant not found.");
  if (r.kind == "UnknownServer") return unknown_server(r.error);
  if (r.kind == "Unavailable") return http::unavailable("Provisioning is unavailable right now; try again shortly.", 30);
  if (r.kind == "Full") return http::unavailable("No room for a new store: " + r.error + ".", kFullRetryAfter);
  return ApiError(500, "Provisioning Failed", r.error);
}

std::string agent_request(const char* op, const std::string& slug, const std::string& name,
                          const std::string& plan, const std::string& admin_email = "",
                          const std::string& server = "") {
  std::string out;
  http::JsonWriter w(out);
  w.begin_object().field("op", op).field("slug", slug);
  if (!name.empty()) w.field("name", name);
  if (!plan.empty()) w.field("plan", plan);
  if (!admin_email.empty()) w.field("adminEmail", admin_email);
  if (!server.empty()) w.field("server", server);
  w.end_object();
  return out;
}

// A create or repair the agent has not finished within the wait (a busy database server, or
// another operation ahead of it): 202, and the store's own resource tells how it ends.
void write_in_progress(Context& ctx, const std::string& slug, const char* key) {
  const std::string where = "/superadmin/tenants/" + slug;
  ctx.res.status = http::status::kAccepted;
  ctx.res.add_header("Location", where);
  ctx.res.add_header("Retry-After", "2");
  http::JsonWriter w(ctx.res.body);
  w.begin_object()
      .field(key, slug)
      .field("status", tenancy::state::kProvisioning)
      .field("statusEndpoint", where)
      .field("message", "The operation goes on in the background; GET the status endpoint for its outcome.")
      .end_object();
}

// The database server a create names (`server`, optional): registered, and taking new stores.
// Without one, some active server must have room.
std::string requested_server(Context& ctx, const std::optional<std::string>& server) {
  if (!server) {
    // Placed by the agent; when no server takes new stores at all, say so now (503, not a 500).
    auto placed = provisioning::place_store(ctx.control_db());
    if (placed.outcome == provisioning::Placement::Full && placed.has_server)
      throw http::unavailable("No room for a new store: " + placed.message + ".", kFullRetryAfter);
    if (placed.outcome != provisioning::Placement::Placed)
      throw http::unavailable("No database server can take a new store right now.", 30);
    return "";
  }
  auto s = provisioning::find_db_server(ctx.control_db(), *server);
  if (!s) throw unknown_server("No database server is named '" + *server + "'.");
  if (s->state != provisioning::kServerActive)
    throw http::conflict("Conflict", "The database server '" + *server + "' is draining: it takes no new store.");
  if (s->free() <= 0) throw http::unavailable("No room for a new store: " + s->full_message() + ".", kFullRetryAfter);
  return *server;
}

// POST /superadmin/tenants {slug, name, planCode, adminEmail?, server?}
void create(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto slug = provisioning::check_slug(r.string("slug", true), "slug", v);
  auto name = provisioning::check_name(r.string("name", true), v);
  auto plan = r.string("planCode", true);
  auto admin_email = r.string("adminEmail", false);
  if (admin_email && !valid_email(*admin_email)) v.add("adminEmail", "adminEmail must be a valid email address.");
  auto server = r.string("server", false);
  if (server && !valid_db_server_name(*server)) v.add("server", "server must be a database server's name (1-64 of a-z, 0-9, _ and -).");
  v.throw_if_any();
  ControlStore store(ctx.control_db());
  if (!store.find_plan(*plan)) throw http::not_found("Plan '" + *plan + "' not found.");
  if (store.find_by_slug(*slug)) throw http::conflict("Conflict", "The slug '" + *slug + "' is already taken.");
  std::string on = requested_server(ctx, server);
  auto reply = provisioning::agent_call(ctx.services.config,
                                        agent_request("create", *slug, *name, *plan, admin_email.value_or(""), on),
                                        provisioning::agent_wait_seconds(ctx.services.config));
  if (reply.in_progress) return write_in_progress(ctx, *slug, "slug");
  if (!reply.ok) throw from_agent(reply, *slug);
  ctx.res.status = http::status::kCreated;
  ctx.res.add_header("Location", "/superadmin/tenants/" + reply.slug);
  http::JsonWriter w(ctx.res.body);
  w.begin_object().field("slug", reply.slug).field("status", reply.status);
  if (!reply.admin_activation_token.empty()) w.field("adminActivationToken", reply.admin_activation_token);
  w.end_object();
}

// POST /superadmin/tenants/repair {tenant}
void repair(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto slug = r.string("tenant", true);
  v.throw_if_any();
  if (!tenancy::valid_slug(*slug)) throw http::not_found("Tenant not found.");
  auto reply = provisioning::agent_call(ctx.services.config, agent_request("repair", *slug, "", ""),
                                        provisioning::agent_wait_seconds(ctx.services.config));
  if (reply.in_progress) return write_in_progress(ctx, *slug, "tenant");
  if (!reply.ok) throw from_agent(reply, *slug);
  http::JsonWriter w(ctx.res.body);
  w.begin_object().field("tenant", reply.slug).field("status", reply.status).end_object();
}

// GET /superadmin/tenants
void list(Context& ctx) {
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  v.throw_if_any();
  ControlStore store(ctx.control_db());
  int64_t total = store.count();
  auto items = total > page.offset() ? store.list(page.page_size, page.offset()) : std::vector<TenantRecord>{};
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.key("items").begin_array();
  for (const auto& t : items) {
    w.begin_object();
    provisioning::write_tenant_summary(w, t);
    w.end_object();
  }
  w.end_array();
  http::write_page_fields(w, page, total);
  w.end_object();
}

const std::string& slug_param(Context& ctx) {
  const std::string& slug = ctx.req.param("slug");
  if (!tenancy::valid_slug(slug)) throw http::not_found("Tenant not found.");
  return slug;
}

// GET /superadmin/tenants/{slug}
void get(Context& ctx) {
  ControlStore store(ctx.control_db());
  write_detail(ctx, store, slug_param(ctx));
}

// PATCH /superadmin/tenants/{slug} {status?, planCode?, features?, limits?}
void patch(Context& ctx) {
  const std::string& slug = slug_param(ctx);
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  ControlStore store(ctx.control_db());

  auto status = r.string("status", false);
  if (status && *status != tenancy::state::kSuspended && *status != tenancy::state::kReady)
    v.add("status", "status must be Suspended or Ready.");
  auto plan = r.string("planCode", false);
  std::optional<std::string> plan_code;
  if (plan) {
    plan_code = store.find_plan(*plan);
    if (!plan_code) v.add("planCode", "Unknown plan code '" + *plan + "'.");
  }
  std::vector<std::pair<std::string, std::optional<bool>>> features;
  if (const cJSON* f = r.object("features", false)) {
    for (const cJSON* item = f->child; item; item = item->next) {
      std::string key = item->string ? item->string : "";
      auto code = tenancy::feature_from_camel(key);
      if (!code) v.add("features", "Unknown feature '" + key + "'.");
      else if (cJSON_IsNull(item)) features.emplace_back(*code, std::nullopt);
      else if (cJSON_IsBool(item)) features.emplace_back(*code, cJSON_IsTrue(item) != 0);
      else v.add("features", "Feature '" + key + "' must be true, false or null.");
    }
  }
  std::vector<std::pair<std::string, std::optional<int64_t>>> limits;
  if (const cJSON* l = r.object("limits", false)) {
    for (const cJSON* item = l->child; item; item = item->next) {
      std::string key = item->string ? item->string : "";
      double d = item->valuedouble;
      // In range and whole before any conversion: 1e400 (infinity), 1e19 or 2.5 are refused.
      bool whole = cJSON_IsNumber(item) && std::isfinite(d) && d >= 0 && d <= 1e9 && d == std::floor(d);
      if (!tenancy::known_limit(key)) v.add("limits", "Unknown limit '" + key + "'.");
      else if (cJSON_IsNull(item)) limits.emplace_back(key, std::nullopt);
      else if (whole) limits.emplace_back(key, static_cast<int64_t>(d));
      else v.add("limits", "Limit '" + key + "' must be an integer from 0 to 1000000000, or null.");
    }
  }
  v.throw_if_any();

  auto t = store.find_by_slug(slug);
  if (!t) throw http::not_found("Tenant not found.");
  if (status) {
    // Suspension is a flag of its own: "Ready" lifts it, "Suspended" sets it. Neither changes
    // the provisioning status (a Failed store stays Failed until it is repaired).
    bool suspend = *status == tenancy::state::kSuspended;
    if (suspend != t->suspended || t->provisioning_status != tenancy::state::kReady) {
      if (!t->suspended && t->provisioning_status != tenancy::state::kReady)
        throw http::conflict("Conflict", "Only a Ready or Suspended store can change to " + *status +
                                                 " (it is " + t->status + ").");
      if (suspend != t->suspended) store.set_suspended(t->id, suspend);
    }
  }
  if (plan_code) store.set_plan(t->id, *plan_code);
  for (const auto& [f, on] : features) store.set_feature_override(t->id, f, on);
  for (const auto& [l, val] : limits) store.set_limit_override(t->id, l, val);
  ctx.services.tenants_changed();  // every worker of this host sees the change from the next request
  write_detail(ctx, store, slug);
}

}  // namespace

void add_routes(http::Router& r) {
  const http::RouteOptions read{.auth = http::Auth::kSuperadmin};
  const http::RouteOptions write{.auth = http::Auth::kSuperadmin, .json_body = http::JsonBody::kRequired};
  r.add("POST", "/superadmin/tenants", create, write);
  r.add("POST", "/superadmin/tenants/repair", repair, write);
  r.add("GET", "/superadmin/tenants", list, read);
  r.add("GET", "/superadmin/tenants/{slug}", get, read);
  r.add("PATCH", "/superadmin/tenants/{slug}", patch, write);
}

}  // namespace ecom::superadmin
