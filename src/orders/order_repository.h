// A store's orders and their lines (tables `orders` and `order_items`): every
// statement on them is here. Every table is named with the store's schema.
// Functions return values or domain outcomes; database failures stay db::Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/money.h"
#include "db/connection.h"
#include "orders/order_status.h"
#include "tenancy/tenant.h"

namespace ecom::orders {

// products.stock is an INT: cancelling never puts a product's stock above this.
inline constexpr int64_t kMaxProductStock = 2'147'483'647;

struct OrderLine {
  std::string product_id, product_name;
  money::Cents price = 0;  // unit price when ordered
  int64_t quantity = 0;
  money::Cents subtotal = 0;
};

// One order with its lines. Times are ISO 8601 UTC.
struct Order {
  std::string id, order_number;
  OrderStatus status = OrderStatus::Pending;
  std::string created_at;
  std::string updated_at;  // find_by_id only
  std::string email, phone, shipping_address, payment_method;
  money::Cents subtotal = 0, tax = 0, shipping = 0, total = 0;
  std::optional<std::string> customer_id, customer_name;  // find_by_id only (name: the account's)
  std::vector<OrderLine> lines;                           // in line order
};

// A row of an order list, with the number of units ordered.
struct OrderSummary {
  std::string id, order_number;
  OrderStatus status = OrderStatus::Pending;
  std::string created_at;
  std::string email;                       // list_orders only
  std::optional<std::string> customer_id;  // list_orders only
  money::Cents total = 0;
  int64_t item_count = 0;
};

// The order whose id is `id`, when it was placed by one of the two owners ("customer:<id>" or
// "session:<id>", see cart::Owner::key); nullopt otherwise.
std::optional<Order> find_for_owners(db::Connection& c, const tenancy::Tenant& t, const std::string& id,
                                     const std::string& owner, const std::string& other_owner);

// The order whose id is `id`, with its customer's id and name (the admin's view); nullopt when none.
std::optional<Order> find_by_id(db::Connection& c, const tenancy::Tenant& t, const std::string& id);

// Every order of the store matching the filter, newest first. Times are "YYYY-MM-DD HH:MM:SS" UTC,
// both ends included.
struct OrderFilter {
  std::optional<std::string> customer_id = std::nullopt;  // one customer's orders (the customer's own list)
  std::optional<OrderStatus> status = std::nullopt;
  std::optional<std::string> created_from = std::nullopt, created_to = std::nullopt;
};
int64_t count_orders(db::Connection& c, const tenancy::Tenant& t, const OrderFilter& f);
std::vector<OrderSummary> list_orders(db::Connection& c, const tenancy::Tenant& t, const OrderFilter& f,
                                      int64_t limit, int64_t offset);

// An admin's status change, in one transaction: the order row locked, the move checked
// (can_move), and for CANCELLED the ordered units put back in stock (products locked in id
// order, as place-order does). A refusal changes nothing.
enum class StatusChangeError { None, NotFound, IllegalTransition, StockLimit };
struct StatusChange {
  StatusChangeError error = StatusChangeError::None;
  OrderStatus from = OrderStatus::Pending;  // IllegalTransition: the order's current status
  std::string product_id;                  // StockLimit: the product whose stock would pass kMaxProductStock
};
StatusChange change_status(db::Connection& c, const tenancy::Tenant& t, const std::string& id, OrderStatus to);

// Whether any order holds a line of this product.
bool product_was_ordered(db::Connection& c, const tenancy::Tenant& t, const std::string& product_id);

// --- Place-order (inside its transaction) ---

// What an idempotency key is checked against: the order holding it and who placed it how.
struct KeyedOrder {
  std::string id, order_number;
  OrderStatus status = OrderStatus::Pending;
  std::string created_at;  // ISO 8601 UTC
  money::Cents total = 0;
  std::string request_hash, owner;
};
std::optional<KeyedOrder> find_by_idempotency_key(db::Connection& c, const tenancy::Tenant& t,
                                                  const std::string& key);

struct NewOrder {
  std::string id, order_number, idempotency_key, request_hash, owner;
  std::optional<std::string> session_id, customer_id;
  OrderStatus status = OrderStatus::Pending;
  std::string email, phone, shipping_address, payment_method;
  money::Cents subtotal = 0, tax = 0, shipping = 0, total = 0;
  int64_t created_at = 0;  // unix time, also the first updated_at
};
// KeyTaken: another order holds the idempotency key; NumberTaken: another holds the order number.
enum class InsertOrderOutcome { Inserted, KeyTaken, NumberTaken };
InsertOrderOutcome insert_order(db::Connection& c, const tenancy::Tenant& t, const NewOrder& o);

struct NewOrderLine {
  std::string product_id, product_name;
  money::Cents price = 0;
  int64_t quantity = 0;
};
// order_items.line_no is a SMALLINT: no order holds more lines than this.
inline constexpr size_t kMaxOrderLines = 32767;
// Writes the lines numbered from 1 in the given order (at most kMaxOrderLines).
void insert_lines(db::Connection& c, const tenancy::Tenant& t, const std::string& order_id,
                  const std::vector<NewOrderLine>& lines);

}  // namespace ecom::orders
