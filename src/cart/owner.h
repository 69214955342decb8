// Who a cart (and an order) belongs to: a signed-in customer (a valid access
// token of this store), else a guest session named by X-Session-Id
// (CONTRACT §6: 8–128 chars of [A-Za-z0-9_-]).
#pragma once

#include <string>

#include "cart/cart_owner.h"
#include "core/context.h"

namespace ecom::cart {

bool valid_session_id(const std::string& s);

// The request's owner. Throws ApiError 401 for an invalid token, 400 when a
// guest's X-Session-Id is missing or invalid.
Owner require_owner(Context& ctx);

// require_owner, and for a customer who also names a guest cart by X-Session-Id,
// that cart merged into the customer's first (cart and checkout endpoints).
Owner require_cart_owner(Context& ctx);

}  // namespace ecom::cart
