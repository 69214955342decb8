// The per-session limit on place-order attempts (CONTRACT §7: more than 10 in an
// hour → 429 with Retry-After). Attempts are rows in the store's schema, so every
// worker sees the same count. This file holds every statement on checkout_attempts.
#pragma once

#include <cstdint>
#include <string>

#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::checkout {

inline constexpr int64_t kMaxAttemptsPerHour = 10;

// The owner's attempts in the last hour, the one just recorded included.
struct AttemptWindow {
  int64_t count = 0;
  int64_t retry_after = 3600;  // seconds until the oldest leaves the window
  bool over_limit() const { return count > kMaxAttemptsPerHour; }
};

// Records this attempt and counts the window it falls in.
AttemptWindow record_attempt(db::Connection& c, const tenancy::Tenant& t, const std::string& owner_key);

// Housekeeping (ecom-provision gc): deletes the attempts older than the window; returns how many.
int64_t delete_old_attempts(db::Connection& c, const tenancy::Tenant& t);

}  // namespace ecom::checkout
