#include "provisioning/routes.h"

#include <ctime>

#include "auth/jwt.h"
#include "common/digest.h"
#include "common/error.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/uuid.h"
#include "common/validation.h"
#include "core/context.h"
#include "db/identifier.h"
#include "http/errors.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "provisioning/admin_invite.h"
#include "provisioning/control_store.h"
#include "provisioning/db_servers.h"
#include "provisioning/signup_limits.h"
#include "provisioning/signup_validation.h"
#include "provisioning/steps_json.h"
#include "tenancy/tenant.h"

namespace ecom::provisioning {
namespace {

constexpr int64_t kConfirmTtlSeconds = 15 * 60;
constexpr const char* kConfirmType = "provision-confirm";

// "Basic" | "Premium" | "Enterprise", any case → plan code.
std::optional<std::string> plan_code_of(const std::string& plan) {
  for (const char* p : {"BASIC", "PREMIUM", "ENTERPRISE"})
    if (iequals(plan, p)) return std::string(p);
  return std::nullopt;
}

void throw_if_refused(const SignupEvent& e) {
  if (e.refused()) throw http::too_many_requests(e.refused()->detail, e.refused()->retry_after);
}

ApiError unauthorized(std::string detail) { return http::unauthorized(std::move(detail), http::challenge::kInvalidToken); }

// POST /provision/tenants/init
void init(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto slug = check_slug(r.string("slug", true), "slug", v);
  auto name = check_name(r.string("name", true), v);
  auto plan_raw = r.string("plan", true);
  std::optional<std::string> plan;
  if (plan_raw) {
    plan = plan_code_of(*plan_raw);
    if (!plan) v.add("plan", "Plan must be one of: Basic, Premium, Enterprise.");
  }
  auto admin_email = r.string("adminEmail", false);
  if (admin_email && !valid_email(*admin_email)) v.add("adminEmail", "adminEmail must be a valid email address.");
  v.throw_if_any();

  const auto& cfg = ctx.services.config;
  std::string client = ctx.client_key();
  SignupEvent event(ctx.control_db(), "init", client, cfg.signup_inits_per_address, cfg.signup_inits_per_hour);
  throw_if_refused(event);
  ControlStore store(ctx.control_db());
  auto placed = place_store(ctx.control_db());
  if (placed.outcome == Placement::Full && placed.has_server) {
    // Every active server is full: the sign-up is taken all the same, on the server least over
    // its capacity, and waits Queued until the provisioner finds room there (ecom-provision run).
    log::info("sign-up: " + *slug + " will wait for room: " + placed.message);
  } else if (placed.outcome != Placement::Placed) {
    log::error("sign-up: " + placed.message);
    throw http::unavailable("No database server can take a new store right now.");
  }
  TenantRecord t;
  t.id = uuid::v4();
  t.slug = *slug;
  t.name = *name;
  t.plan_code = *plan;
  t.schema = db::tenant_schema_name(*slug);
  t.server_id = placed.server.id;
  t.signup_client = client;
  std::string activation_token;
  if (admin_email) {
    // The store's admin activates with this token once the store is Ready; only its hash is kept.
    activation_token = new_activation_token();
    t.admin_email = to_lower(*admin_email);
    t.admin_activation_hash = digest::sha256_hex(activation_token);
  }
  int64_t now = std::time(nullptr);
  store.release_expired_pending(*slug);
  if (!store.insert_pending(t, now + kConfirmTtlSeconds))
    throw http::conflict("Conflict", "The slug '" + *slug + "' is already taken.");
  auth::Claims c;
  c.strings = {{"sub", t.id}, {"slug", t.slug}, {"typ", kConfirmType}, {"jti", uuid::v4()}};
  c.numbers = {{"iat", now}, {"exp", now + kConfirmTtlSeconds}};
  std::string token = auth::jwt_sign(c, cfg.confirm_token_secret);
  event.keep();

  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("provisioningId", t.id);
  w.field("confirmToken", token);
  w.field("next", "/provision/tenants/confirm");
  w.field("message", "Provisioning initialized. Use the confirmation token within 15 minutes to proceed.");
  if (!activation_token.empty()) w.field("adminActivationToken", activation_token);
  w.end_object();
}

// POST /provision/tenants/confirm (Authorization: Bearer <confirmToken>)
void confirm(Context& ctx) {
  auto token = auth::bearer_token(ctx.req.header("authorization"));
  if (!token) throw unauthorized("A confirmation token is required (Authorization: Bearer <confirmToken>).");
  auto v = auth::jwt_verify(*token, ctx.services.config.confirm_token_secret, kConfirmType, std::time(nullptr));
  if (!v.ok()) {
    throw unauthorized(v.error == auth::JwtError::Expired ? "The confirmation token has expired."
                                                         : "The confirmation token is invalid.");
  }
  const std::string* sub = v.claims->str("sub");
  if (!sub || !uuid::is_valid(*sub)) throw unauthorized("The confirmation token is invalid.");
  ControlStore store(ctx.control_db());
  auto t = store.find_by_id(*sub);
  if (!t) throw http::not_found("Tenant not found.");
  const std::string* slug = v.claims->str("slug");
  if (!slug || *slug != t->slug) throw unauthorized("The confirmation token does not match this tenant.");
  auto not_pending = [&] {
    return ApiError::BadRequest("The tenant is not pending confirmation (status: " + t->status + ").");
  };
  if (t->status != tenancy::state::kPendingConfirmation) throw not_pending();
  const auto& cfg = ctx.services.config;
  SignupEvent event(ctx.control_db(), "confirm", ctx.client_key(), cfg.signup_confirms_per_address,
                    cfg.signup_confirms_per_hour);
  throw_if_refused(event);
  switch (store.confirm_and_queue(t->id, cfg.signup_max_queued)) {
    case ControlStore::Confirm::Queued:
      break;
    case ControlStore::Confirm::NotPending:
      throw not_pending();
    case ControlStore::Confirm::QueueFull:
      throw http::too_many_requests("Too many stores are waiting to be built; retry after 60 seconds.", 60);
    case ControlStore::Confirm::Busy:
      throw http::unavailable("Sign-up confirmations are busy; retry in a few seconds.", 5);
  }
  event.keep();

  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("provisioningId", t->id);
  w.field("status", "QUEUED");
  w.field("message", "Provisioning confirmed and queued for processing");
  w.field("statusEndpoint", "/provision/tenants/" + t->id + "/status");
  w.end_object();
}

const char* public_status(const std::string& s) {
  if (s == tenancy::state::kProvisioning) return "Seeding";
  if (s == tenancy::state::kReady || s == tenancy::state::kSuspended) return "Ready";
  if (s == tenancy::state::kFailed) return "Failed";
  return "Pending";  // PendingConfirmation, Queued
}

// GET /provision/tenants/{provisioningId}/status
void status(Context& ctx) {
  const std::string& id = ctx.req.param("provisioningId");
  if (!uuid::is_valid(id)) throw http::not_found("Tenant not found.");
  ControlStore store(ctx.control_db());
  auto t = store.find_by_id(uuid::normalize(id));
  if (!t) throw http::not_found("Tenant not found.");
  auto steps = store.steps(t->id);
  std::string st = public_status(t->status);
  bool ready = st == "Ready";

  http::JsonWriter w(ctx.res.body);
  auto opt = [&](const char* k, const std::optional<std::string>& val) {
    if (val) w.field(k, *val);
    else w.key(k).null();
  };
  w.begin_object();
  w.field("status", st);
  opt("tenantSlug", ready ? std::optional<std::string>(t->slug) : std::nullopt);
  opt("dbName", ready ? std::optional<std::string>(t->schema) : std::nullopt);
  write_steps(w, steps, StepDetail::Public);
  w.end_object();
  ctx.res.add_header("Cache-Control", "no-store");
}

}  // namespace

void add_routes(http::Router& r) {
  r.add("POST", "/provision/tenants/init", init, {.json_body = http::JsonBody::kRequired});
  r.add("POST", "/provision/tenants/confirm", confirm);
  r.add("GET", "/provision/tenants/{provisioningId}/status", status);
}

}  // namespace ecom::provisioning
