// Accounts of one store (customers and its admins), failed-login records and
// admin activation tokens. Every table is named with the store's schema.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::accounts {

struct Account {
  std::string id, email, name, role, password_hash, created_at;
  bool has_name = false;
};

std::optional<Account> find_by_email(db::Connection& c, const tenancy::Tenant& t, const std::string& email);
std::optional<Account> find_by_id(db::Connection& c, const tenancy::Tenant& t, const std::string& id);

// The account's current role ("customer" | "admin"); nullopt when there is no such account.
std::optional<std::string> role_of(db::Connection& c, const tenancy::Tenant& t, const std::string& id);

// The new customer; nullopt when the email is taken.
std::optional<Account> insert_customer(db::Connection& c, const tenancy::Tenant& t, const std::string& email,
                                       const std::optional<std::string>& name, const std::string& password_hash);
void update_password_hash(db::Connection& c, const tenancy::Tenant& t, const std::string& id,
                          const std::string& hash);

// An admin invited by activation token (kept only as its SHA-256).
struct Activation {
  std::string account_id;
  bool used = false;     // the account was activated already
  bool expired = false;  // the token's time ran out
};
std::optional<Activation> find_activation(db::Connection& c, const tenancy::Tenant& t, const std::string& token);
// Sets the first password of an account not activated yet; false when it was activated meanwhile.
bool activate_account(db::Connection& c, const tenancy::Tenant& t, const std::string& id, const std::string& password_hash);

// Store admins that have activated their account (ecom-provision gc lists stores with none).
int64_t count_activated_admins(db::Connection& c, const tenancy::Tenant& t);

// Login attempts of `email` in the last 15 minutes. An attempt is recorded (as a failure) before
// the password is checked and counted with its own row, so parallel guesses cannot all see a
// count below the limit: at most the limit's worth of rows can ever be counted under it.
struct FailureWindow {
  int64_t id = 0;           // this attempt's row
  int64_t count = 0;        // rows in the window, this one included
  int64_t retry_after = 0;  // seconds until the oldest leaves the window
};
FailureWindow record_attempt(db::Connection& c, const tenancy::Tenant& t, const std::string& email);
// Removes one attempt's row (an attempt refused before its password was checked).
void forget_attempt(db::Connection& c, const tenancy::Tenant& t, int64_t id);
void clear_failures(db::Connection& c, const tenancy::Tenant& t, const std::string& email);
// Housekeeping (ecom-provision gc): deletes the attempts older than the window; returns how many.
int64_t delete_old_failures(db::Connection& c, const tenancy::Tenant& t);

}  // namespace ecom::accounts
