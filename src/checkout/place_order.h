// Placing an order (document §5.2, CONTRACT §7): one transaction that locks the
// cart, honours the idempotency key, locks the products in id order (so two
// orders never deadlock each other), checks and decrements stock for every line,
// writes the order with a snapshot of its lines and empties the cart — all or
// nothing. Deadlocks and lock waits are retried a bounded number of times.
#pragma once

#include <string>

#include "cart/owner.h"
#include "checkout/pricing.h"
#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::checkout {

struct OrderRequest {
  std::string idempotency_key;  // lowercase UUID
  std::string email, phone, shipping_address, payment_method;
  std::string request_hash;  // SHA-256 of the normalised fields above
};

struct PlacedOrder {
  std::string id, order_number, status, created_at;
  money::Cents total = 0;
  bool replayed = false;  // an earlier order with this key, returned again
};

struct OrderLimits {
  int64_t max_cart_items = 100;
  int64_t max_products_per_order = 50;
};

// Throws ApiError 400 (empty cart, limits), 409 (stock, availability, key reused
// with another body or owner).
PlacedOrder place_order(db::Connection& c, const tenancy::Tenant& t, const cart::Owner& owner,
                        const OrderRequest& req, const OrderLimits& limits, const StoreSettings& settings);

// "ORD-YYYYMMDD-XXXXXX" for a UTC time, with 6 random digits.
std::string make_order_number(int64_t unix_time);

}  // namespace ecom::checkout
