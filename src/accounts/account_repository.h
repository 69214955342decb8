// Accounts of one store (customers and its admins), failed-login records and
// admin activation tokens. Every table is named with the store's schema.
#pragma once

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

// Throws db::Error (Duplicate when the email is taken).
Account insert_customer(db::Connection& c, const tenancy::Tenant& t, const std::string& email,
                        const std::optional<std::string>& name, const std::string& password_hash);
void update_password_hash(db::Connection& c, const tenancy::Tenant& t, const std::string& id,
                          const std::string& hash);

// Failed logins of `email` in the last 15 minutes, and seconds until the oldest leaves the window.
struct FailureWindow {
  int64_t count = 0;
  int64_t retry_after = 0;
};
FailureWindow recent_failures(db::Connection& c, const tenancy::Tenant& t, const std::string& email);
void record_failure(db::Connection& c, const tenancy::Tenant& t, const std::string& email);
void clear_failures(db::Connection& c, const tenancy::Tenant& t, const std::string& email);

}  // namespace ecom::accounts
