#include "provisioning/signup_limits.h"

namespace ecom::provisioning {
namespace {

// Seconds until a row created at `oldest` leaves the hour (at least 1).
std::string seconds_left(const std::string& oldest) {
  return "GREATEST(1, CEIL(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), " + oldest +
         " + INTERVAL 1 HOUR) / 1000000))";
}

}  // namespace

SignupEvent::SignupEvent(db::Connection& c, const char* kind, const std::string& client, int64_t per_address,
                         int64_t per_hour)
    : c_(c) {
  c_.exec("INSERT INTO signup_events (kind, client) VALUES (?, ?)", {std::string(kind), client});
  auto r = c_.query("SELECT LAST_INSERT_ID(), COALESCE(SUM(client = ?), 0), COUNT(*), " +
                        seconds_left("MIN(IF(client = ?, created_at, NULL))") + ", " + seconds_left("MIN(created_at)") +
                        " FROM signup_events WHERE kind = ? AND created_at > UTC_TIMESTAMP(3) - INTERVAL 1 HOUR",
                    {client, client, std::string(kind)});
  if (!r.next()) return;
  id_ = r.i64(0);
  int64_t mine = r.i64(1), all = r.i64(2);
  std::string what = std::string(kind) == "init" ? "sign-ups" : "sign-up confirmations";
  if (per_address > 0 && mine > per_address) {
    int64_t retry = r.is_null(3) ? 3600 : r.i64(3);
    refused_ = SignupRefusal{"More than " + std::to_string(per_address) + " " + what +
                                 " in an hour from this address; retry after " + std::to_string(retry) + " seconds.",
                             retry};
  } else if (per_hour > 0 && all > per_hour) {
    int64_t retry = r.is_null(4) ? 3600 : r.i64(4);
    refused_ = SignupRefusal{"The platform takes no more " + what + " this hour; retry after " +
                                 std::to_string(retry) + " seconds.",
                             retry};
  }
  if (refused_) {
    c_.exec("DELETE FROM signup_events WHERE id = ?", {id_});
    id_ = 0;
  }
}

SignupEvent::~SignupEvent() {
  if (keep_ || id_ == 0) return;
  try {
    c_.exec("DELETE FROM signup_events WHERE id = ?", {id_});
  } catch (...) {  // a row left behind only counts against its own client for the hour
  }
}

int64_t delete_old_signup_events(db::Connection& control) {
  return static_cast<int64_t>(
      control.exec("DELETE FROM signup_events WHERE created_at < UTC_TIMESTAMP(3) - INTERVAL 1 HOUR"));
}

}  // namespace ecom::provisioning
