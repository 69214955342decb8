// A store's admin account, invited by a one-time activation token (valid 48 h).
// Only the token's SHA-256 is stored; the token itself goes to whoever created
// the store (init's or the super admin's response, or ecom-provision's output)
// and is never logged.
#pragma once

#include <string>

#include "db/connection.h"

namespace ecom::provisioning {

// 32 random bytes, base64url.
std::string new_activation_token();

// Creates the admin account `email` in `schema` with the token hash, or gives a
// new token to an admin that has not activated yet. Throws ProvisionError when an
// activated account already uses the email.
void invite_admin(db::Connection& admin, const std::string& schema, const std::string& email,
                  const std::string& token_hash);

}  // namespace ecom::provisioning
