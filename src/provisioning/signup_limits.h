// Self-service sign-up limits ([signup] in the config): inits and confirms per client address
// and per hour for everyone together, counted in the control database's signup_events so that
// every worker of every application host agrees. The super admin's create and
// `ecom-provision create` never come here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.h"

namespace ecom::provisioning {

struct SignupRefusal {
  std::string detail;
  int64_t retry_after = 0;  // seconds
};

// One init or confirm counted in the hour. The event is recorded before it is counted, and
// counted with its own row, so parallel attempts cannot all slip under a limit. A refused
// attempt removes its row at once, and so does one that ends up creating nothing (the
// destructor, unless keep() was called): only what went through fills a window, and one
// client hammering at its own limit never uses up everyone's.
class SignupEvent {
 public:
  // kind: "init" or "confirm". A limit of 0 is no limit.
  SignupEvent(db::Connection& c, const char* kind, const std::string& client, int64_t per_address,
              int64_t per_hour);
  ~SignupEvent();
  SignupEvent(const SignupEvent&) = delete;
  SignupEvent& operator=(const SignupEvent&) = delete;

  const std::optional<SignupRefusal>& refused() const { return refused_; }
  void keep() { keep_ = true; }

 private:
  db::Connection& c_;
  int64_t id_ = 0;
  bool keep_ = false;
  std::optional<SignupRefusal> refused_;
};

// Deletes events older than the hour; returns how many (gc).
int64_t delete_old_signup_events(db::Connection& control);

}  // namespace ecom::provisioning
