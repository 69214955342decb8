#include "checkout/rate_limit.h"

#include "common/error.h"

namespace ecom::checkout {

void record_attempt_or_throw(db::Connection& c, const tenancy::Tenant& t, const std::string& owner_key) {
  c.exec("INSERT INTO " + t.table("checkout_attempts") + " (owner) VALUES (?)", {owner_key});
  auto r = c.query("SELECT COUNT(*), GREATEST(1, CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), "
                   "MIN(attempted_at) + INTERVAL 1 HOUR) / 1000000)) FROM " +
                       t.table("checkout_attempts") +
                       " WHERE owner = ? AND attempted_at > UTC_TIMESTAMP(3) - INTERVAL 1 HOUR",
                   {owner_key});
  if (!r.next() || r.i64(0) <= kMaxAttemptsPerHour) return;
  std::string retry_after = std::to_string(r.is_null(1) ? 3600 : r.i64(1));
  ApiError e(429, "Too Many Requests",
             "More than " + std::to_string(kMaxAttemptsPerHour) +
                 " checkout attempts in an hour from this session; retry after " + retry_after + " seconds.");
  e.headers.emplace_back("Retry-After", retry_after);
  throw e;
}

}  // namespace ecom::checkout
