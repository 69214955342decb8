#include "auth/access_token.h"

#include <ctime>

#include "auth/jwt.h"
#include "common/error.h"
#include "common/uuid.h"
#include "http/errors.h"

namespace ecom::auth {
namespace {

ApiError unauthorized(std::string detail) { return http::unauthorized(std::move(detail), http::challenge::kInvalidToken); }

}  // namespace

std::string mint_access_token(const Config& cfg, const std::string& account_id, const std::string& tenant_slug,
                              const std::string& role) {
  int64_t now = std::time(nullptr);
  Claims c;
  c.strings = {{"sub", account_id}, {"tenant", tenant_slug}, {"role", role}, {"typ", "access"}, {"jti", uuid::v4()}};
  c.numbers = {{"iat", now}, {"exp", now + kAccessTokenSeconds}};
  return jwt_sign(c, cfg.access_token_secret);
}

std::optional<Principal> optional_principal(Context& ctx) {
  const std::string* header = ctx.req.header("authorization");
  if (!header) return std::nullopt;
  auto token = bearer_token(header);
  if (!token) throw unauthorized("The Authorization header must be \"Bearer <token>\".");
  auto v = jwt_verify(*token, ctx.services.config.access_token_secret, "access", std::time(nullptr));
  if (!v.ok()) throw unauthorized(v.error == JwtError::Expired ? "The token has expired." : "The token is invalid.");
  const std::string* sub = v.claims->str("sub");
  const std::string* tenant = v.claims->str("tenant");
  const std::string* role = v.claims->str("role");
  if (!sub || !uuid::is_valid(*sub) || !role || (*role != "customer" && *role != "admin"))
    throw unauthorized("The token is invalid.");
  if (!ctx.tenant_ptr || !tenant || *tenant != ctx.tenant().slug)
    throw unauthorized("The token belongs to another store.");
  return Principal{*sub, *role};
}

Principal require_principal(Context& ctx) {
  auto p = optional_principal(ctx);
  if (!p) throw unauthorized("Sign in first: an access token is required (Authorization: Bearer <token>).");
  return *p;
}

}  // namespace ecom::auth
