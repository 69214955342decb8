#include "cart/cart_repository.h"

#include <algorithm>

#include "catalog/product_repository.h"
#include "common/uuid.h"
#include "db/retry.h"

namespace ecom::cart {
namespace {

// Thrown inside a cart transaction to roll it back; the caller returns the error.
struct Refused {
  CartError error;
};

// Runs `body` in a transaction (retried on deadlock); a refusal rolls it back and is returned.
template <typename F>
std::optional<CartError> refusable_transaction(db::Connection& c, F&& body) {
  try {
    db::retry_transaction(c, [&] {
      body();
      return 0;
    });
    return std::nullopt;
  } catch (const Refused& r) {
    return r.error;
  }
}

int64_t cart_quantity(db::Connection& c, const tenancy::Tenant& t, const std::string& cart_id) {
  auto r = c.query("SELECT COALESCE(SUM(quantity), 0) FROM " + t.table("cart_items") + " WHERE cart_id = ?",
                   {cart_id});
  return r.next() ? r.i64(0) : 0;
}

// Throws Refused when a line may not hold `new_quantity` of a product or the cart `cart_total_after`
// items. `cart_total_before` lets a change that lowers the cart's total pass even when the cart is
// already above the limit (e.g. after a plan downgrade).
void check_quantity(const std::string& product_name, int64_t stock, int64_t new_quantity, int64_t cart_total_before,
                    int64_t cart_total_after, int64_t max_items) {
  if (new_quantity > stock) {
    throw Refused{{.kind = CartErrorKind::InsufficientStock, .product_name = product_name, .stock = stock,
                   .quantity = new_quantity}};
  }
  if (cart_total_after > max_items && cart_total_after > cart_total_before)
    throw Refused{{.kind = CartErrorKind::LimitExceeded, .quantity = cart_total_after, .max_items = max_items}};
}

void touch(db::Connection& c, const tenancy::Tenant& t, const std::string& cart_id) {
  c.exec("UPDATE " + t.table("carts") + " SET updated_at = UTC_TIMESTAMP() WHERE id = ?", {cart_id});
}

}  // namespace

int64_t Cart::item_count() const {
  int64_t n = 0;
  for (const auto& l : lines) n += l.quantity;
  return n;
}

money::WideCents Cart::subtotal() const {
  // Prices come from DECIMAL(12,2) (< 2^40 cents) and quantities from INT (< 2^31): each
  // product is below 2^71, so no number of lines a cart can hold reaches 2^127.
  money::WideCents s = 0;
  for (const auto& l : lines) s += money::times(l.price, l.quantity);
  return s;
}

std::optional<Cart> load_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o) {
  // Lines are put in order here, not by ORDER BY: sorting rows that carry an image URL (a
  // VARCHAR(2048)) made MariaDB build an on-disk temporary table for every cart read.
  auto r = c.query(
      "SELECT c.id, c.session_id, i.id, i.product_id, p.name, i.unit_price, i.quantity, p.stock, p.is_active, "
      "JSON_VALUE(p.image_urls, '$[0]'), i.created_at "
      "FROM " + t.table("carts") + " c LEFT JOIN " + t.table("cart_items") + " i ON i.cart_id = c.id LEFT JOIN " +
          t.table("products") + " p ON p.id = i.product_id WHERE c." + o.column() + " = ?",
      {o.value()});
  std::optional<Cart> cart;
  std::vector<std::pair<std::string, CartLine>> lines;  // (created_at, line), sorted below
  while (r.next()) {
    if (!cart) {
      cart.emplace();
      cart->id = r.str(0);
      cart->session_id = r.is_null(1) ? "" : r.str(1);
    }
    if (r.is_null(2)) continue;
    CartLine l;
    l.id = r.str(2);
    l.product_id = r.str(3);
    l.product_name = r.str(4);
    l.price = money::parse(r.str(5)).value_or(0);
    l.quantity = r.i64(6);
    l.stock = r.i64(7);
    l.available = r.i64(8) != 0;
    l.image = r.is_null(9) ? "" : r.str(9);
    lines.emplace_back(r.str(10), std::move(l));
  }
  // Oldest first; lines added in the same second by id (the order ORDER BY created_at, id gave).
  std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.id < b.second.id;
  });
  for (auto& [created, line] : lines) cart->lines.push_back(std::move(line));
  return cart;
}

std::optional<std::string> lock_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o) {
  auto r = c.query("SELECT id FROM " + t.table("carts") + " WHERE " + o.column() + " = ? FOR UPDATE", {o.value()});
  if (!r.next()) return std::nullopt;
  return r.str(0);
}

std::string lock_or_create_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o) {
  if (auto id = lock_cart(c, t, o)) return *id;
  // Two first adds may race: the unique session key lets exactly one insert win.
  c.exec("INSERT IGNORE INTO " + t.table("carts") + " (id, " + o.column() + ") VALUES (?, ?)", {uuid::v4(), o.value()});
  auto id = lock_cart(c, t, o);
  if (!id) throw std::runtime_error("cart vanished while being created");
  return *id;
}

std::optional<CartError> add_item(db::Connection& c, const tenancy::Tenant& t, const Owner& o,
                                  const CartChange& ch) {
  return refusable_transaction(c, [&] {
    // One statement creates the cart or marks it updated, and locks it either way (undone
    // with the rest if the product is unknown); one more reads everything the checks need.
    c.exec("INSERT INTO " + t.table("carts") + " (id, " + o.column() +
               ") VALUES (?, ?) ON DUPLICATE KEY UPDATE updated_at = UTC_TIMESTAMP()",
           {uuid::v4(), o.value()});
    auto r = c.query("SELECT c.id, p.is_active, p.stock, p.final_price, p.name, i.id, i.quantity, "
                     "(SELECT COALESCE(SUM(a.quantity), 0) FROM " + t.table("cart_items") + " a WHERE a.cart_id = c.id) "
                     "FROM " + t.table("carts") + " c LEFT JOIN " + t.table("products") + " p ON p.id = ? LEFT JOIN " +
                         t.table("cart_items") + " i ON i.cart_id = c.id AND i.product_id = p.id WHERE c." +
                         o.column() + " = ?",
                     {ch.product_id, o.value()});
    if (!r.next()) throw std::runtime_error("cart vanished while being created");
    if (r.is_null(1) || r.i64(1) != 1) throw Refused{{.kind = CartErrorKind::ProductNotFound}};
    std::string cart_id = r.str(0);
    int64_t stock = r.i64(2);
    money::Cents final_price = money::parse(r.str(3)).value_or(0);
    std::string name = r.str(4);
    std::string line_id = r.is_null(5) ? "" : r.str(5);
    int64_t old_quantity = r.is_null(6) ? 0 : r.i64(6);
    int64_t before = r.i64(7);
    int64_t new_quantity = old_quantity + ch.quantity;
    check_quantity(name, stock, new_quantity, before, before + ch.quantity, ch.max_cart_items);
    if (line_id.empty()) {
      c.exec("INSERT INTO " + t.table("cart_items") +
                 " (id, cart_id, product_id, unit_price, quantity) VALUES (?, ?, ?, ?, ?)",
             {uuid::v4(), cart_id, ch.product_id, money::format(final_price), new_quantity});
    } else {
      c.exec("UPDATE " + t.table("cart_items") + " SET quantity = ? WHERE id = ?", {new_quantity, line_id});
    }
  });
}

std::optional<CartError> update_item(db::Connection& c, const tenancy::Tenant& t, const Owner& o,
                                     const CartChange& ch) {
  return refusable_transaction(c, [&] {
    auto cart_id = lock_cart(c, t, o);
    if (!cart_id) throw Refused{{.kind = CartErrorKind::ItemNotFound}};
    auto line = c.query("SELECT product_id, quantity FROM " + t.table("cart_items") + " WHERE id = ? AND cart_id = ?",
                        {ch.item_id, *cart_id});
    if (!line.next()) throw Refused{{.kind = CartErrorKind::ItemNotFound}};
    std::string product_id = line.str(0);
    int64_t old_quantity = line.i64(1);
    auto p = catalog::find_product_state(c, t, product_id);
    if (!p || !p->active)
      throw Refused{{.kind = CartErrorKind::ProductUnavailable, .product_name = p ? p->name : ""}};
    int64_t before = cart_quantity(c, t, *cart_id);
    check_quantity(p->name, p->stock, ch.quantity, before, before - old_quantity + ch.quantity, ch.max_cart_items);
    c.exec("UPDATE " + t.table("cart_items") + " SET quantity = ? WHERE id = ?", {ch.quantity, ch.item_id});
    touch(c, t, *cart_id);
  });
}

bool remove_item(db::Connection& c, const tenancy::Tenant& t, const Owner& o, const std::string& item_id) {
  return db::retry_transaction(c, [&] {
    auto cart_id = lock_cart(c, t, o);
    if (!cart_id) return false;
    bool removed =
        c.exec("DELETE FROM " + t.table("cart_items") + " WHERE id = ? AND cart_id = ?", {item_id, *cart_id}) > 0;
    if (removed) touch(c, t, *cart_id);
    return removed;
  });
}

void delete_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o) {
  c.exec("DELETE FROM " + t.table("carts") + " WHERE " + o.column() + " = ?", {o.value()});
}

void remove_product_from_carts(db::Connection& c, const tenancy::Tenant& t, const std::string& product_id) {
  c.exec("DELETE FROM " + t.table("cart_items") + " WHERE product_id = ?", {product_id});
}

int64_t delete_idle_guest_carts(db::Connection& c, const tenancy::Tenant& t) {
  return static_cast<int64_t>(c.exec("DELETE FROM " + t.table("carts") +
                                     " WHERE customer_id IS NULL AND updated_at < UTC_TIMESTAMP() - INTERVAL 30 DAY"));
}

int64_t merge_guest_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o, int64_t max_cart_items) {
  if (!o.is_customer() || o.session_id.empty()) return 0;
  // Cheap check first: most authenticated calls have nothing to merge.
  auto guest = c.query("SELECT id FROM " + t.table("carts") + " WHERE session_id = ?", {o.session_id});
  if (!guest.next()) return 0;
  return db::retry_transaction(c, [&]() -> int64_t {
    // Lock order: the customer's cart, then the guest's (every writer locks one cart,
    // except this, which always takes the customer's first).
    std::string mine = lock_or_create_cart(c, t, o);
    auto g = c.query("SELECT id FROM " + t.table("carts") + " WHERE session_id = ? AND customer_id IS NULL FOR UPDATE",
                     {o.session_id});
    if (!g.next()) return 0;
    std::string guest_id = g.str(0);
    int64_t total = cart_quantity(c, t, mine), moved = 0;
    auto lines = c.query("SELECT i.product_id, i.unit_price, i.quantity, p.stock, p.is_active FROM " +
                             t.table("cart_items") + " i JOIN " + t.table("products") +
                             " p ON p.id = i.product_id WHERE i.cart_id = ? ORDER BY i.created_at, i.id",
                         {guest_id});
    struct GuestLine {
      std::string product_id, price;
      int64_t quantity, stock;
      bool active;
    };
    std::vector<GuestLine> gl;
    while (lines.next())
      gl.push_back({lines.str(0), lines.str(1), lines.i64(2), lines.i64(3), lines.i64(4) != 0});
    for (const auto& l : gl) {
      if (!l.active) continue;
      auto existing = c.query("SELECT id, quantity FROM " + t.table("cart_items") + " WHERE cart_id = ? AND product_id = ?",
                              {mine, l.product_id});
      std::string line_id;
      int64_t have = 0;
      if (existing.next()) {
        line_id = existing.str(0);
        have = existing.i64(1);
      }
      // Quantities add up, capped by stock and by what the cart limit leaves.
      int64_t add = std::min({l.quantity, std::max<int64_t>(0, l.stock - have), std::max<int64_t>(0, max_cart_items - total)});
      if (add <= 0) continue;
      if (line_id.empty())
        c.exec("INSERT INTO " + t.table("cart_items") + " (id, cart_id, product_id, unit_price, quantity) VALUES (?, ?, ?, ?, ?)",
               {uuid::v4(), mine, l.product_id, l.price, add});
      else
        c.exec("UPDATE " + t.table("cart_items") + " SET quantity = quantity + ? WHERE id = ?", {add, line_id});
      total += add;
      moved += add;
    }
    c.exec("DELETE FROM " + t.table("carts") + " WHERE id = ?", {guest_id});
    touch(c, t, mine);
    return moved;
  });
}

}  // namespace ecom::cart
