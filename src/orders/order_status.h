// An order's status and the moves between them (CONTRACT §9):
//   PENDING → PAID → SHIPPED → DELIVERED, and CANCELLED from PENDING or PAID.
// A new order is PENDING. The names are what the API shows and the orders.status
// column holds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ecom::orders {

enum class OrderStatus { Pending, Paid, Shipped, Delivered, Cancelled };

// "PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED".
std::string_view to_string(OrderStatus s);

// The status of that name (exact, upper case), or nullopt.
std::optional<OrderStatus> parse_order_status(std::string_view name);

// Every name in order, for messages: "PENDING, PAID, SHIPPED, DELIVERED or CANCELLED".
const std::string& order_status_names();

// Whether an admin may move an order from `from` to `to` (staying put is not a move).
bool can_move(OrderStatus from, OrderStatus to);

}  // namespace ecom::orders
