#include "provisioning/admin_invite.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "auth/base64url.h"
#include "common/strings.h"
#include "common/uuid.h"
#include "db/identifier.h"
#include "provisioning/provisioner.h"

namespace ecom::provisioning {

std::string new_activation_token() {
  unsigned char b[32];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
  return auth::base64url_encode(std::string_view(reinterpret_cast<char*>(b), sizeof b));
}

void invite_admin(db::Connection& admin, const std::string& schema, const std::string& email,
                  const std::string& token_hash) {
  const std::string accounts = db::quote_identifier(schema) + ".accounts";
  std::string normalized = to_lower(trim(email));
  db::Transaction tx(admin);
  auto r = admin.query("SELECT id, activated_at IS NOT NULL, role FROM " + accounts + " WHERE email = ? FOR UPDATE",
                       {normalized});
  if (r.next()) {
    if (r.i64(1)) {
      throw ProvisionError(ProvisionError::SlugTaken,
                           "an activated account already uses " + normalized + "; it cannot be invited again");
    }
    admin.exec("UPDATE " + accounts +
                   " SET role = 'admin', activation_token_hash = ?, activation_expires_at = UTC_TIMESTAMP() + "
                   "INTERVAL 48 HOUR, updated_at = UTC_TIMESTAMP() WHERE id = ?",
               {token_hash, r.str(0)});
  } else {
    admin.exec("INSERT INTO " + accounts +
                   " (id, email, role, activation_token_hash, activation_expires_at) "
                   "VALUES (?, ?, 'admin', ?, UTC_TIMESTAMP() + INTERVAL 48 HOUR)",
               {uuid::v4(), normalized, token_hash});
  }
  tx.commit();
}

bool create_signup_admin(db::Connection& admin, const std::string& schema, const std::string& email,
                         const std::string& token_hash, const std::string& issued_at) {
  const std::string accounts = db::quote_identifier(schema) + ".accounts";
  std::string normalized = to_lower(trim(email));
  db::Transaction tx(admin);
  auto r = admin.query("SELECT id FROM " + accounts + " WHERE email = ? FOR UPDATE", {normalized});
  if (r.next()) return false;
  admin.exec("INSERT INTO " + accounts +
                 " (id, email, role, activation_token_hash, activation_expires_at) "
                 "VALUES (?, ?, 'admin', ?, CAST(? AS DATETIME) + INTERVAL 48 HOUR)",
             {uuid::v4(), normalized, token_hash, issued_at});
  tx.commit();
  return true;
}

}  // namespace ecom::provisioning
