// The per-session limit on place-order attempts (CONTRACT §7: more than 10 in an
// hour → 429 with Retry-After). Attempts are rows in the store's schema, so every
// worker sees the same count.
#pragma once

#include <string>

#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::checkout {

inline constexpr int64_t kMaxAttemptsPerHour = 10;

// Records this attempt, then throws ApiError 429 (with Retry-After) when the
// owner has made more than kMaxAttemptsPerHour in the last hour.
void record_attempt_or_throw(db::Connection& c, const tenancy::Tenant& t, const std::string& owner_key);

}  // namespace ecom::checkout
