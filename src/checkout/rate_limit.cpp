#include "checkout/rate_limit.h"

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

int64_t delete_old_attempts(db::Connection& c, const tenancy::Tenant& t) {
  return static_cast<int64_t>(c.exec("DELETE FROM " + t.table("checkout_attempts") +
                                     " WHERE attempted_at < UTC_TIMESTAMP(3) - INTERVAL 1 HOUR"));
}

}  // namespace ecom::checkout
