// Placing an order (document §5.2, CONTRACT §7): one transaction that locks the
// cart, honours the idempotency key, locks the products in id order (so two
// orders never deadlock each other), checks and decrements stock for every line,
// writes the order with a snapshot of its lines and empties the cart — all or
// nothing. Deadlocks and lock waits are retried a bounded number of times.
// A refused order changes nothing and comes back as an OrderRefused.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "cart/owner.h"
#include "checkout/pricing.h"
#include "db/connection.h"
#include "orders/order_status.h"
#include "tenancy/tenant.h"

namespace ecom::checkout {

struct OrderRequest {
  std::string idempotency_key;  // lowercase UUID
  std::string email, phone, shipping_address, payment_method;
  std::string request_hash;  // SHA-256 of the normalised fields above
};

struct PlacedOrder {
  std::string id, order_number, created_at;
  orders::OrderStatus status = orders::OrderStatus::Pending;
  money::Cents total = 0;
  bool replayed = false;  // an earlier order with this key, returned again
};

struct OrderLimits {
  int64_t max_cart_items = 100;
  int64_t max_products_per_order = 50;
};

enum class PlaceOrderError {
  EmptyCart,
  TooManyProducts,     // more different products than limits.max_products_per_order
  TooManyLines,        // more different products than an order can hold (orders::kMaxOrderLines)
  TooManyItems,        // more units than limits.max_cart_items
  ProductUnavailable,  // a product is gone or inactive
  InsufficientStock,
  KeyReused,           // the key's order was placed with another body or by another owner
  KeyTaken,            // another request took the key while this one was in flight
  AmountTooLarge,      // the subtotal or total would not fit an order (`too_large`)
};

struct OrderRefused {
  PlaceOrderError error;
  int64_t limit = 0;                  // the TooMany* errors: the limit passed
  std::vector<std::string> products;  // ProductUnavailable, InsufficientStock: names (or ids of products gone)
  AmountTooLarge too_large{"total", 0};  // AmountTooLarge: which amount, and what it would be
};

using PlaceOrderResult = std::variant<PlacedOrder, OrderRefused>;

// The order placed (or replayed), or why not.
PlaceOrderResult place_order(db::Connection& c, const tenancy::Tenant& t, const cart::Owner& owner,
                             const OrderRequest& req, const OrderLimits& limits, const StoreSettings& settings);

// "ORD-YYYYMMDD-XXXXXX" for a UTC time, with 6 random digits.
std::string make_order_number(int64_t unix_time);

}  // namespace ecom::checkout
