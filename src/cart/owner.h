// Who a cart (and an order) belongs to: a signed-in customer (a valid access
// token of this store), else a guest session named by X-Session-Id
// (CONTRACT §6: 8–128 chars of [A-Za-z0-9_-]).
#pragma once

#include <string>

#include "core/context.h"

namespace ecom::cart {

struct Owner {
  std::string customer_id;  // empty for a guest
  std::string session_id;   // X-Session-Id when valid (a customer may send none)

  bool is_customer() const { return !customer_id.empty(); }
  // "customer:<id>" or "session:<id>" — what orders and rate limits are recorded under.
  std::string key() const { return is_customer() ? "customer:" + customer_id : "session:" + session_id; }
  // The carts column and value that name this owner's cart.
  const char* column() const { return is_customer() ? "customer_id" : "session_id"; }
  const std::string& value() const { return is_customer() ? customer_id : session_id; }
};

bool valid_session_id(const std::string& s);

// The request's owner. Throws ApiError 401 for an invalid token, 400 when a
// guest's X-Session-Id is missing or invalid.
Owner require_owner(Context& ctx);

// require_owner, and for a customer who also names a guest cart by X-Session-Id,
// that cart merged into the customer's first (cart and checkout endpoints).
Owner require_cart_owner(Context& ctx);

}  // namespace ecom::cart
