// Who a cart (and an order) belongs to, as the repositories see it: a signed-in
// customer, else a guest session. Reading it from a request: cart/owner.h.
#pragma once

#include <string>

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

}  // namespace ecom::cart
