#include "checkout/rate_limit.h"

#include "common/error.h"

namespace ecom::checkout {

AttemptWindow record_attempt(db::Connection& c, const tenancy::Tenant& t, const std::string& owner_key) {
  c.exec("INSERT INTO " + t.table("checkout_attempts") + " (owner) VALUES (?)", {owner_key});
  auto r = c.query("SELECT COUNT(*), GREATEST(1, CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), "
                   "MIN(attempted_at) + INTERVAL 1 HOUR) / 1000000)) FROM " +
                       t.table("checkout_attempts") +
                       " WHERE owner = ? AND attempted_at > UTC_TIMESTAMP(3) - INTERVAL 1 HOUR",
                   {owner_key});
  AttemptWindow w;
  if (r.next()) {
    w.count = r.i64(0);
    if (!r.is_null(1)) w.retry_after = r.i64(1);
  }
  return w;
}

void record_attempt_or_throw(db::Connection& c, const tenancy::Tenant& t, const std::string& owner_key) {
  AttemptWindow w = record_attempt(c, t, owner_key);
  if (!w.over_limit()) return;
  std::string retry_after = std::to_string(w.retry_after);
  ApiError e(429, "Too Many Requests",
             "More than " + std::to_string(kMaxAttemptsPerHour) +
                 " checkout attempts in an hour from this session; retry after " + retry_after + " seconds.");
  e.headers.emplace_back("Retry-After", retry_after);
  throw e;
}

int64_t delete_old_attempts(db::Connection& c, const tenancy::Tenant& t) {
  return static_cast<int64_t>(c.exec("DELETE FROM " + t.table("checkout_attempts") +
                                     " WHERE attempted_at < UTC_TIMESTAMP(3) - INTERVAL 1 HOUR"));
}

}  // namespace ecom::checkout
