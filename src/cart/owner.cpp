#include "cart/owner.h"

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
  const std::string* sid = ctx.req.header("x-session-id");
  if (!sid || sid->empty()) {
    throw ApiError(400, "Bad Request", "The X-Session-Id header is required.",
                   {{"X-Session-Id", {"The X-Session-Id header is required."}}});
  }
  if (!valid_session_id(*sid)) {
    throw ApiError(400, "Bad Request", "The X-Session-Id header is invalid.",
                   {{"X-Session-Id", {"X-Session-Id must be 8-128 characters of A-Z, a-z, 0-9, '_' and '-'."}}});
  }
  return Owner{*sid};
}

}  // namespace ecom::cart
