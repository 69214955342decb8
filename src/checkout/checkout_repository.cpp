#include "checkout/checkout_repository.h"

#include <algorithm>

namespace ecom::checkout {
namespace {

// Products per locking statement (a statement may hold at most 65,535 placeholders).
constexpr size_t kProductsPerLock = 1000;

// "?, ?, ..." (n marks).
std::string marks(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

}  // namespace

std::optional<LockedCart> lock_cart(db::Connection& c, const tenancy::Tenant& t, const CartKey& key) {
  auto rows = c.query("SELECT c.id, i.product_id, i.unit_price, i.quantity FROM " + t.table("carts") +
                          " c LEFT JOIN " + t.table("cart_items") + " i ON i.cart_id = c.id WHERE c." + key.column +
                          " = ? ORDER BY i.product_id FOR UPDATE",
                      {key.value});
  std::optional<LockedCart> cart;
  while (rows.next()) {
    if (!cart) cart = LockedCart{rows.str(0), {}};
    if (rows.is_null(1)) continue;
    cart->lines.push_back({rows.str(1), money::parse(rows.str(2)).value_or(0), rows.i64(3)});
  }
  return cart;
}

std::map<std::string, ProductStock> lock_products(db::Connection& c, const tenancy::Tenant& t,
                                                  const std::vector<std::string>& sorted_ids) {
  std::map<std::string, ProductStock> stock;
  // Batch after batch keeps the id order, so two orders never deadlock each other.
  for (size_t from = 0; from < sorted_ids.size(); from += kProductsPerLock) {
    size_t n = std::min(kProductsPerLock, sorted_ids.size() - from);
    std::vector<db::Param> ids(sorted_ids.begin() + from, sorted_ids.begin() + from + n);
    auto rows = c.query("SELECT id, name, stock, is_active FROM " + t.table("products") + " WHERE id IN (" +
                            marks(n) + ") ORDER BY id FOR UPDATE",
                        ids);
    while (rows.next()) stock[rows.str(0)] = {rows.str(1), rows.i64(2), rows.i64(3) != 0};
  }
  return stock;
}

void take_stock(db::Connection& c, const tenancy::Tenant& t, const std::string& product_id, int64_t quantity) {
  c.exec("UPDATE " + t.table("products") + " SET stock = stock - ?, updated_at = UTC_TIMESTAMP() WHERE id = ?",
         {quantity, product_id});
}

void empty_cart(db::Connection& c, const tenancy::Tenant& t, const std::string& cart_id) {
  c.exec("DELETE FROM " + t.table("cart_items") + " WHERE cart_id = ?", {cart_id});
  c.exec("UPDATE " + t.table("carts") + " SET updated_at = UTC_TIMESTAMP() WHERE id = ?", {cart_id});
}

}  // namespace ecom::checkout
