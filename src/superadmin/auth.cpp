#include "superadmin/auth.h"

#include <ctime>

#include "auth/jwt.h"
#include "common/error.h"
#include "common/uuid.h"
#include "http/errors.h"

namespace ecom::superadmin {

void require_superadmin(Context& ctx) {
  auto unauthorized = [](const char* detail) { return http::unauthorized(detail, http::challenge::kSuperadmin); };
  auto token = auth::bearer_token(ctx.req.header("authorization"));
  if (!token) throw unauthorized("A super-admin token is required (Authorization: Bearer <token>).");
  const auto& cfg = ctx.services.config;
  int64_t now = std::time(nullptr);
  auto v = auth::jwt_verify(*token, cfg.superadmin_token_secret, "superadmin", now);
  if (v.ok()) {
    const std::string* role = v.claims->str("role");
    if (role && *role == "superadmin") return;
    throw http::forbidden("This token does not carry the superadmin role.");
  }
  // A valid customer or store-admin token: authenticated, but not allowed here.
  if (auth::jwt_verify(*token, cfg.access_token_secret, "access", now).ok())
    throw http::forbidden("This token does not carry the superadmin role.");
  throw unauthorized(v.error == auth::JwtError::Expired ? "The token has expired." : "The token is invalid.");
}

std::string mint_superadmin_token(const Config& cfg, int64_t ttl_seconds) {
  int64_t now = std::time(nullptr);
  auth::Claims c;
  c.strings = {{"sub", "superadmin"}, {"role", "superadmin"}, {"typ", "superadmin"}, {"jti", uuid::v4()}};
  c.numbers = {{"iat", now}, {"exp", now + ttl_seconds}};
  return auth::jwt_sign(c, cfg.superadmin_token_secret);
}

}  // namespace ecom::superadmin
