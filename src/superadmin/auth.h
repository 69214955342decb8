// Super-admin authentication (CONTRACT §8): a Bearer JWT signed with the
// super-admin key and carrying role "superadmin". A valid token of another
// kind (a customer's, signed with the access key) is 403; anything else 401.
#pragma once

#include "core/context.h"

namespace ecom::superadmin {

// Throws ApiError 401/403 unless the request carries a super-admin token.
void require_superadmin(Context& ctx);

// Mints a super-admin token valid for `ttl_seconds` (used by ecom-provision).
std::string mint_superadmin_token(const Config& cfg, int64_t ttl_seconds);

}  // namespace ecom::superadmin
