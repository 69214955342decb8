#include "accounts/admin_access.h"

#include "accounts/account_repository.h"
#include "auth/access_token.h"
#include "http/errors.h"

namespace ecom::accounts {

Principal require_admin(Context& ctx) {
  Principal p = auth::require_principal(ctx);
  if (p.role != "admin") throw http::forbidden("This requires the store's admin role.");
  auto role = role_of(ctx.tenant_db(), ctx.tenant(), p.account_id);
  if (!role) throw http::unauthorized("The account no longer exists.", http::challenge::kInvalidToken);
  if (*role != "admin") throw http::forbidden("This requires the store's admin role.");
  return p;
}

}  // namespace ecom::accounts
