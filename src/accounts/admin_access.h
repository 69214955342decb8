// Who may use the store's admin API: a valid access token with role admin, and
// an account whose current role is still admin (an account removed or demoted
// since the token was issued loses access at once).
#pragma once

#include "core/context.h"

namespace ecom::accounts {

// 401 without a valid token or when the account is gone; 403 for a customer.
Principal require_admin(Context& ctx);

}  // namespace ecom::accounts
