// The cart and product statements of place-order (document §5.2), run inside its
// transaction: the cart and its lines locked, the ordered products locked in id
// order, stock taken, the cart emptied. The order itself is written through
// orders/order_repository.h. Every table is named with the store's schema.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/money.h"
#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::checkout {

// Names a cart: the carts column ("customer_id" or "session_id", cart::Owner::column) and its value.
struct CartKey {
  const char* column;
  std::string value;
};

struct CartLineToOrder {
  std::string product_id;
  money::Cents price = 0;  // the cart's price (at time of adding)
  int64_t quantity = 0;
};

struct LockedCart {
  std::string id;
  std::vector<CartLineToOrder> lines;  // by product id
};

// The cart, locked (every order of the cart waits here), with its lines; nullopt when none.
std::optional<LockedCart> lock_cart(db::Connection& c, const tenancy::Tenant& t, const CartKey& key);

struct ProductStock {
  std::string name;
  int64_t stock = 0;
  bool active = false;
};
// The products of these ids (sorted), locked in id order; a missing id has no entry.
std::map<std::string, ProductStock> lock_products(db::Connection& c, const tenancy::Tenant& t,
                                                  const std::vector<std::string>& sorted_ids);

void take_stock(db::Connection& c, const tenancy::Tenant& t, const std::string& product_id, int64_t quantity);

// Removes every line of the cart (the cart row stays).
void empty_cart(db::Connection& c, const tenancy::Tenant& t, const std::string& cart_id);

}  // namespace ecom::checkout
