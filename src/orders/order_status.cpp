#include "orders/order_status.h"

#include <array>
#include <utility>

namespace ecom::orders {
namespace {

constexpr std::array<std::pair<OrderStatus, std::string_view>, 5> kNames = {{
    {OrderStatus::Pending, "PENDING"},
    {OrderStatus::Paid, "PAID"},
    {OrderStatus::Shipped, "SHIPPED"},
    {OrderStatus::Delivered, "DELIVERED"},
    {OrderStatus::Cancelled, "CANCELLED"},
}};

constexpr std::array<std::pair<OrderStatus, OrderStatus>, 5> kMoves = {{
    {OrderStatus::Pending, OrderStatus::Paid},
    {OrderStatus::Paid, OrderStatus::Shipped},
    {OrderStatus::Shipped, OrderStatus::Delivered},
    {OrderStatus::Pending, OrderStatus::Cancelled},
    {OrderStatus::Paid, OrderStatus::Cancelled},
}};

}  // namespace

std::string_view to_string(OrderStatus s) {
  for (const auto& [status, name] : kNames)
    if (status == s) return name;
  return "";
}

std::optional<OrderStatus> parse_order_status(std::string_view name) {
  for (const auto& [status, n] : kNames)
    if (n == name) return status;
  return std::nullopt;
}

const std::string& order_status_names() {
  static const std::string names = [] {
    std::string s;
    for (size_t i = 0; i < kNames.size(); ++i) {
      if (i) s += i + 1 == kNames.size() ? " or " : ", ";
      s += kNames[i].second;
    }
    return s;
  }();
  return names;
}

bool can_move(OrderStatus from, OrderStatus to) {
  for (const auto& move : kMoves)
    if (move.first == from && move.second == to) return true;
  return false;
}

}  // namespace ecom::orders
