// Access tokens of a store's customers and admins (CONTRACT §9): JWT HS256 with
// sub (account id), tenant (slug), role (customer | admin), typ "access", iat,
// exp, signed with auth.access_token_secret. A token of one store is refused by
// every other store.
#pragma once

#include <optional>
#include <string>

#include "core/context.h"

namespace ecom::auth {

inline constexpr int64_t kAccessTokenSeconds = 3600;

using ecom::Principal;

std::string mint_access_token(const Config& cfg, const std::string& account_id, const std::string& tenant_slug,
                              const std::string& role);

// The request's principal: nullopt without an Authorization header; throws
// ApiError 401 (with WWW-Authenticate) when a token is present but invalid,
// expired, or for another store.
std::optional<Principal> optional_principal(Context& ctx);

// As above, but a token is required (401 without).
Principal require_principal(Context& ctx);

}  // namespace ecom::auth
