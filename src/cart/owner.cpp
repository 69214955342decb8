#include "cart/owner.h"

#include "auth/access_token.h"
#include "cart/cart_repository.h"
#include "common/error.h"

namespace ecom::cart {

bool valid_session_id(const std::string& s) {
  if (s.size() < 8 || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

Owner require_owner(Context& ctx) {
  Owner o;
  const std::string* sid = ctx.req.header("x-session-id");
  bool has_sid = sid && !sid->empty();
  if (has_sid && !valid_session_id(*sid)) {
    throw ApiError(400, "Bad Request", "The X-Session-Id header is invalid.",
                   {{"X-Session-Id", {"X-Session-Id must be 8-128 characters of A-Z, a-z, 0-9, '_' and '-'."}}});
  }
  if (has_sid) o.session_id = *sid;
  if (auto p = auth::optional_principal(ctx)) {
    o.customer_id = p->account_id;
    return o;
  }
  if (!has_sid) {
    throw ApiError(400, "Bad Request", "The X-Session-Id header is required.",
                   {{"X-Session-Id", {"The X-Session-Id header is required."}}});
  }
  return o;
}

Owner require_cart_owner(Context& ctx) {
  Owner o = require_owner(ctx);
  if (o.is_customer() && !o.session_id.empty())
    merge_guest_cart(ctx.tenant_db(), ctx.tenant(), o, ctx.tenant().limit("maxCartItems", 100));
  return o;
}

}  // namespace ecom::cart
