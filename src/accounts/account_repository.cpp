#include "accounts/account_repository.h"

#include <stdexcept>

#include "common/clock.h"
#include "common/digest.h"
#include "common/uuid.h"

namespace ecom::accounts {
namespace {

const char* kColumns = "SELECT id, email, name, role, COALESCE(password_hash, ''), created_at FROM ";

Account read(db::Rows& r) {
  Account a;
  a.id = r.str(0);
  a.email = r.str(1);
  a.has_name = !r.is_null(2);
  a.name = a.has_name ? r.str(2) : "";
  a.role = r.str(3);
  a.password_hash = r.str(4);
  a.created_at = clock::iso_from_sql(r.str(5));
  return a;
}

}  // namespace

std::optional<Account> find_by_email(db::Connection& c, const tenancy::Tenant& t, const std::string& email) {
  auto r = c.query(std::string(kColumns) + t.table("accounts") + " WHERE email = ?", {email});
  if (!r.next()) return std::nullopt;
  return read(r);
}

std::optional<Account> find_by_id(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query(std::string(kColumns) + t.table("accounts") + " WHERE id = ?", {id});
  if (!r.next()) return std::nullopt;
  return read(r);
}

std::optional<std::string> role_of(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query("SELECT role FROM " + t.table("accounts") + " WHERE id = ?", {id});
  if (!r.next()) return std::nullopt;
  return r.str(0);
}

std::optional<Account> insert_customer(db::Connection& c, const tenancy::Tenant& t, const std::string& email,
                                       const std::optional<std::string>& name, const std::string& password_hash) {
  std::string id = uuid::v4();
  try {
    c.exec("INSERT INTO " + t.table("accounts") +
               " (id, email, name, role, password_hash, activated_at) VALUES (?, ?, ?, 'customer', ?, UTC_TIMESTAMP())",
           {id, email, name ? db::Param(*name) : db::Param(nullptr), password_hash});
  } catch (const db::Error& e) {
    if (e.is_duplicate_of("uq_accounts_email")) return std::nullopt;
    throw;
  }
  auto a = find_by_id(c, t, id);
  if (!a) throw std::runtime_error("account vanished after being created");
  return a;
}

void update_password_hash(db::Connection& c, const tenancy::Tenant& t, const std::string& id,
                          const std::string& hash) {
  c.exec("UPDATE " + t.table("accounts") + " SET password_hash = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?",
         {hash, id});
}

std::optional<Activation> find_activation(db::Connection& c, const tenancy::Tenant& t, const std::string& token) {
  auto r = c.query("SELECT id, activated_at IS NOT NULL, activation_expires_at < UTC_TIMESTAMP() FROM " +
                       t.table("accounts") + " WHERE activation_token_hash = ?",
                   {digest::sha256_hex(token)});
  if (!r.next()) return std::nullopt;
  return Activation{r.str(0), r.i64(1) != 0, r.i64(2) != 0};
}

bool activate_account(db::Connection& c, const tenancy::Tenant& t, const std::string& id, const std::string& password_hash) {
  return c.exec("UPDATE " + t.table("accounts") +
                    " SET password_hash = ?, activated_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP() "
                    "WHERE id = ? AND activated_at IS NULL",
                {password_hash, id}) != 0;
}

int64_t count_activated_admins(db::Connection& c, const tenancy::Tenant& t) {
  auto r = c.query("SELECT COUNT(*) FROM " + t.table("accounts") + " WHERE role = 'admin' AND activated_at IS NOT NULL");
  return r.next() ? r.i64(0) : 0;
}

FailureWindow record_attempt(db::Connection& c, const tenancy::Tenant& t, const std::string& email) {
  c.exec("INSERT INTO " + t.table("login_failures") + " (email) VALUES (?)", {email});
  auto r = c.query("SELECT LAST_INSERT_ID(), COUNT(*), GREATEST(1, CEIL(TIMESTAMPDIFF(MICROSECOND, "
                   "UTC_TIMESTAMP(3), MIN(failed_at) + INTERVAL 15 MINUTE) / 1000000)) FROM " +
                       t.table("login_failures") + " WHERE email = ? AND failed_at > UTC_TIMESTAMP(3) - INTERVAL 15 MINUTE",
                   {email});
  FailureWindow w;
  if (r.next()) {
    w.id = r.i64(0);
    w.count = r.i64(1);
    w.retry_after = r.is_null(2) ? 1 : r.i64(2);
  }
  return w;
}

void forget_attempt(db::Connection& c, const tenancy::Tenant& t, int64_t id) {
  c.exec("DELETE FROM " + t.table("login_failures") + " WHERE id = ?", {id});
}

void clear_failures(db::Connection& c, const tenancy::Tenant& t, const std::string& email) {
  c.exec("DELETE FROM " + t.table("login_failures") + " WHERE email = ?", {email});
}

int64_t delete_old_failures(db::Connection& c, const tenancy::Tenant& t) {
  return static_cast<int64_t>(
      c.exec("DELETE FROM " + t.table("login_failures") + " WHERE failed_at < UTC_TIMESTAMP(3) - INTERVAL 15 MINUTE"));
}

}  // namespace ecom::accounts
