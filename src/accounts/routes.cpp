#include "accounts/routes.h"

#include "accounts/account_repository.h"
#include "auth/access_token.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/money.h"
#include "common/strings.h"
#include "common/validation.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "http/pagination.h"

namespace ecom::accounts {
namespace {

constexpr int64_t kMaxFailedLogins = 10;
constexpr size_t kMinPassword = 8, kMaxPassword = 128, kMaxEmail = 254;

// Login and register attempts per client address (this host's shared table), taken before any
// database or hashing work.
void limit_address(Context& ctx) {
  const auto& cfg = ctx.services.config;
  auth::Throttle* th = auth::throttle();
  if (!th) return;
  auto v = th->take(ctx.client_key(), cfg.auth_attempts_per_minute, cfg.auth_attempts_burst, clock::mono_ms());
  if (!v.allowed)
    throw http::too_many_requests("Too many sign-in or registration attempts from this address; retry after " +
                                      std::to_string(v.retry_after) + " seconds.",
                                  v.retry_after);
}

// Leave room for everything else: at most hash_concurrency(cfg) hashes run at once on this
// host. A permit lost with its worker is reclaimed once the worker is gone or the hold is
// older than any request may run.
auth::HashPermit hash_permit(Context& ctx) {
  const auto& cfg = ctx.services.config;
  int64_t stale_s = cfg.request_timeout > 0 ? cfg.request_timeout + 5 : 300;
  return auth::HashPermit(auth::throttle(), hash_concurrency(cfg), stale_s * 1000);
}

ApiError hashing_busy() {
  return http::unavailable("Too many passwords are being checked right now; retry in a second.", 1);
}

void check_password(const std::optional<std::string>& pw, const char* field, Validator& v) {
  if (!pw) return;
  size_t n = utf8_length(*pw);
  if (n < kMinPassword) v.add(field, "The password must be at least 8 characters long.");
  else if (n > kMaxPassword) v.add(field, "The password must be at most 128 characters long.");
}

void write_account(http::JsonWriter& w, const Account& a) {
  w.begin_object();
  w.field("id", a.id);
  w.field("email", a.email);
  if (a.has_name) w.field("name", a.name);
  else w.key("name").null();
  w.field("role", a.role);
  w.field("createdAt", a.created_at);
  w.end_object();
}

// POST /api/auth/register {email, password, name?}
void register_account(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto email = r.string("email", true);
  auto password = r.string("password", true);
  auto name = r.string("name", false);
  if (email && !valid_email(std::string(trim(*email)))) v.add("email", "email must be a valid address.");
  check_password(password, "password", v);
  if (name && (trim(*name).empty() || utf8_length(trim(*name)) > 200)) v.add("name", "name must be 1-200 characters.");
  v.throw_if_any();
  std::string normalized = to_lower(trim(*email));
  std::optional<std::string> clean_name;
  if (name) clean_name = std::string(trim(*name));
  limit_address(ctx);
  auto permit = hash_permit(ctx);
  if (!permit.granted()) throw hashing_busy();
  std::string hash = auth::password_hash(*password, ctx.services.config.password_iterations);
  auto a = insert_customer(ctx.tenant_db(), ctx.tenant(), normalized, clean_name, hash);
  if (!a) throw http::conflict("Conflict", "An account with this email already exists.");
  ctx.res.status = http::status::kCreated;
  ctx.res.add_header("Location", "/api/auth/me");
  http::JsonWriter w(ctx.res.body);
  write_account(w, *a);
}

// POST /api/auth/login {email, password}
void login(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto email = r.string("email", true);
  auto password = r.string("password", true);
  std::string normalized;
  if (email) {
    normalized = to_lower(trim(*email));
    // Registration takes at most 254 bytes (valid_email), so a longer one matches no account;
    // refused whole rather than cut, which could split a character.
    if (normalized.size() > kMaxEmail) v.add("email", "email must be at most 254 bytes long.");
  }
  v.throw_if_any();
  limit_address(ctx);
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  const auto& cfg = ctx.services.config;

  // Recorded first, counted with its own row: parallel guesses cannot all pass the limit.
  auto attempt = record_attempt(c, t, normalized);
  if (attempt.count > kMaxFailedLogins) {
    forget_attempt(c, t, attempt.id);
    throw http::too_many_requests("Too many failed sign-ins for this email; retry after " +
                                        std::to_string(attempt.retry_after) + " seconds.",
                                    attempt.retry_after);
  }
  auto permit = hash_permit(ctx);
  if (!permit.granted()) {
    forget_attempt(c, t, attempt.id);
    throw hashing_busy();
  }
  auto account = find_by_email(c, t, normalized);
  // An unknown email costs one KDF run too, so timing does not tell which it was.
  bool ok = account && !account->password_hash.empty()
                ? auth::password_verify(*password, account->password_hash)
                : (auth::password_verify(*password, auth::password_dummy_hash(cfg.password_iterations)), false);
  // The attempt's row stays: it is the failure.
  if (!ok) throw http::unauthorized("The email or password is incorrect.", http::challenge::kBearer);
  clear_failures(c, t, normalized);
  // Raise the cost of old hashes as they are used.
  if (auth::password_iterations(account->password_hash).value_or(0) < cfg.password_iterations)
    update_password_hash(c, t, account->id, auth::password_hash(*password, cfg.password_iterations));

  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("accessToken", auth::mint_access_token(cfg, account->id, t.slug, account->role));
  w.field("tokenType", "Bearer");
  w.field("expiresIn", auth::kAccessTokenSeconds);
  w.end_object();
  ctx.res.add_header("Cache-Control", "no-store");
}

// GET /api/auth/me
void me(Context& ctx) {
  auto a = find_by_id(ctx.tenant_db(), ctx.tenant(), ctx.principal->account_id);
  if (!a) throw http::unauthorized("The account no longer exists.", http::challenge::kInvalidToken);
  http::JsonWriter w(ctx.res.body);
  write_account(w, *a);
}

// POST /api/auth/activate-account {token, password, confirmPassword}
void activate(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto token = r.string("token", true);
  auto password = r.string("password", true);
  auto confirm = r.string("confirmPassword", true);
  check_password(password, "password", v);
  if (password && confirm && *password != *confirm) v.add("confirmPassword", "The passwords do not match.");
  v.throw_if_any();
  auto found = find_activation(ctx.tenant_db(), ctx.tenant(), *token);
  if (!found) throw ApiError(400, "Bad Request", "The activation token is invalid.", {{"token", {"Invalid token."}}});
  if (found->used) throw http::conflict("Conflict", "This activation token was already used.");
  if (found->expired)
    throw ApiError(400, "Bad Request", "The activation token has expired.", {{"token", {"Expired token."}}});
  auto permit = hash_permit(ctx);
  if (!permit.granted()) throw hashing_busy();
  std::string hash = auth::password_hash(*password, ctx.services.config.password_iterations);
  if (!activate_account(ctx.tenant_db(), ctx.tenant(), found->account_id, hash))
    throw http::conflict("Conflict", "This activation token was already used.");
  http::JsonWriter w(ctx.res.body);
  w.begin_object().field("success", true).field("message", "Account activated; sign in with your new password.").end_object();
}

}  // namespace

void add_routes(http::Router& r) {
  const http::RouteOptions form{.tenant = true, .json_body = http::JsonBody::kRequired};
  r.add("POST", "/api/auth/register", register_account, form);
  r.add("POST", "/api/auth/login", login, form);
  r.add("POST", "/api/auth/activate-account", activate, form);
  r.add("GET", "/api/auth/me", me, {.tenant = true, .auth = http::Auth::kCustomer});
}

}  // namespace ecom::accounts
