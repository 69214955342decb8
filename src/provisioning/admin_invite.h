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

// The admin asked for at sign-up, created once while the store is built: its token was handed
// out at `issued_at` ("YYYY-MM-DD HH:MM:SS", UTC) and expires 48 hours after that, however late
// the store is built or repaired. An existing account of that email is left exactly as it is
// (a repair never revives an expired token). Returns whether the account was created.
bool create_signup_admin(db::Connection& admin, const std::string& schema, const std::string& email,
                         const std::string& token_hash, const std::string& issued_at);

}  // namespace ecom::provisioning
