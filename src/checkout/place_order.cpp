#include "checkout/place_order.h"

#include <openssl/rand.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "cart/cart_repository.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/uuid.h"
#include "db/retry.h"

namespace ecom::checkout {
namespace {

struct Line {
  std::string product_id, name;
  money::Cents price = 0;
  int64_t quantity = 0;
};

// An order already holding this idempotency key: the same request again (replay)
// or a conflict.
// The order columns (id, order_number, total, status, created_at, request_hash, owner) from
// column `at` of the current row.
PlacedOrder replay_of(const db::Rows& r, int at, const cart::Owner& owner, const OrderRequest& req) {
  if (r.str(at + 5) != req.request_hash || r.str(at + 6) != owner.key())
    throw ApiError::Conflict("Idempotency key conflict",
                             "This Idempotency-Key was already used for a different order request.");
  PlacedOrder o;
  o.id = r.str(at);
  o.order_number = r.str(at + 1);
  o.total = money::parse(r.str(at + 2)).value_or(0);
  o.status = r.str(at + 3);
  o.created_at = clock::iso_from_sql(r.str(at + 4));
  o.replayed = true;
  return o;
}

constexpr const char* kOrderColumns = "id, order_number, total, status, created_at, request_hash, owner";

std::optional<PlacedOrder> existing_order(db::Connection& c, const tenancy::Tenant& t, const cart::Owner& owner,
                                          const OrderRequest& req) {
  auto r = c.query(std::string("SELECT ") + kOrderColumns + " FROM " + t.table("orders") + " WHERE idempotency_key = ?",
                   {req.idempotency_key});
  if (!r.next()) return std::nullopt;
  return replay_of(r, 0, owner, req);
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", '" : "'") + names[i] + "'";
  return s;
}

// Thrown inside the transaction when another request committed this key first.
struct KeyTakenMeanwhile {};

// Lines per statement when locking products and writing order lines: a statement may hold at
// most 65,535 placeholders (an order line takes 7).
constexpr size_t kBatch = 1000;
// order_items.line_no is a SMALLINT: whatever maxProductsPerOrder says, no order holds more lines.
constexpr size_t kMaxLines = 32767;

// "?, ?, ..." (n marks).
std::string marks(size_t n, const char* one = "?") {
  std::string s;
  for (size_t i = 0; i < n; ++i) (s += i ? ", " : "") += one;
  return s;
}

PlacedOrder place_once(db::Connection& c, const tenancy::Tenant& t, const cart::Owner& owner,
                       const OrderRequest& req, const OrderLimits& limits, const StoreSettings& settings) {
  // One round trip: the cart, locked (this serialises every order of the cart), its lines, and
  // an order that already holds this idempotency key (read after the lock is granted).
  auto rows = c.query("SELECT c.id, i.product_id, i.unit_price, i.quantity, o.id, o.order_number, o.total, o.status, "
                      "o.created_at, o.request_hash, o.owner FROM " + t.table("carts") + " c LEFT JOIN " +
                          t.table("orders") + " o ON o.idempotency_key = ? LEFT JOIN " + t.table("cart_items") +
                          " i ON i.cart_id = c.id WHERE c." + owner.column() + " = ? ORDER BY i.product_id FOR UPDATE",
                      {req.idempotency_key, owner.value()});
  std::optional<std::string> cart_id;
  std::vector<Line> lines;
  int64_t item_count = 0;
  while (rows.next()) {
    if (!cart_id) {
      cart_id = rows.str(0);
      if (!rows.is_null(4)) return replay_of(rows, 4, owner, req);
    }
    if (rows.is_null(1)) continue;
    lines.push_back({rows.str(1), "", money::parse(rows.str(2)).value_or(0), rows.i64(3)});
    item_count += lines.back().quantity;
  }
  if (!cart_id)  // no cart at all: the key may still name an order (a replay after the cart went)
    if (auto o = existing_order(c, t, owner, req)) return *o;
  if (lines.empty()) throw ApiError::BadRequest("The cart is empty.");
  if (static_cast<int64_t>(lines.size()) > limits.max_products_per_order)
    throw ApiError(400, "Order limit exceeded",
                   "An order may hold at most " + std::to_string(limits.max_products_per_order) +
                       " different products (maxProductsPerOrder).");
  if (lines.size() > kMaxLines)
    throw ApiError(400, "Order limit exceeded",
                   "An order may hold at most " + std::to_string(kMaxLines) + " different products.");
  if (item_count > limits.max_cart_items)
    throw ApiError(400, "Order limit exceeded",
                   "An order may hold at most " + std::to_string(limits.max_cart_items) + " items (maxCartItems).");

  // Lock every product of the order, always in id order (the lines are sorted by product id,
  // so batch after batch keeps that order).
  struct Stock {
    std::string name;
    int64_t stock;
    bool active;
  };
  std::map<std::string, Stock> stock;
  for (size_t from = 0; from < lines.size(); from += kBatch) {
    size_t n = std::min(kBatch, lines.size() - from);
    std::vector<db::Param> ids;
    for (size_t i = from; i < from + n; ++i) ids.emplace_back(lines[i].product_id);
    auto prows = c.query("SELECT id, name, stock, is_active FROM " + t.table("products") + " WHERE id IN (" +
                             marks(n) + ") ORDER BY id FOR UPDATE",
                         ids);
    while (prows.next()) stock[prows.str(0)] = {prows.str(1), prows.i64(2), prows.i64(3) != 0};
  }

  std::vector<std::string> short_of, unavailable;
  money::WideCents subtotal = 0;
  for (auto& l : lines) {
    auto it = stock.find(l.product_id);
    if (it == stock.end() || !it->second.active) {
      unavailable.push_back(it == stock.end() ? l.product_id : it->second.name);
      continue;
    }
    l.name = it->second.name;
    if (l.quantity > it->second.stock) short_of.push_back(l.name);
    subtotal += money::times(l.price, l.quantity);
  }
  if (!unavailable.empty())
    throw ApiError::Conflict("Product unavailable", "No longer available: " + join_names(unavailable) + ".");
  if (!short_of.empty())
    throw ApiError::Conflict("Insufficient stock", "Not enough stock for " + join_names(short_of) + ".");
  // Before anything is written: 400 when the order's amounts would not fit their columns.
  Totals totals = order_totals(subtotal, settings);

  for (const auto& l : lines)
    c.exec("UPDATE " + t.table("products") + " SET stock = stock - ?, updated_at = UTC_TIMESTAMP() WHERE id = ?",
           {l.quantity, l.product_id});

  PlacedOrder o;
  o.id = uuid::v4();
  o.status = "PENDING";
  o.total = totals.total;
  int64_t now = std::time(nullptr);
  o.created_at = clock::iso_from_time(now);
  for (int attempt = 0;; ++attempt) {
    o.order_number = make_order_number(now);
    try {
      c.exec("INSERT INTO " + t.table("orders") +
                 " (id, order_number, idempotency_key, request_hash, owner, session_id, customer_id, status, email,"
                 " phone, shipping_address, payment_method, subtotal, tax, shipping, total, created_at, updated_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
             {o.id, o.order_number, req.idempotency_key, req.request_hash, owner.key(),
              owner.session_id.empty() ? db::Param(nullptr) : db::Param(owner.session_id),
              owner.is_customer() ? db::Param(owner.customer_id) : db::Param(nullptr), req.email,
              req.phone, req.shipping_address, req.payment_method, money::format(totals.subtotal),
              money::format(totals.tax), money::format(totals.shipping), money::format(totals.total), now, now});
      break;
    } catch (const db::Error& e) {
      if (e.is_duplicate_of("uq_orders_idempotency")) throw KeyTakenMeanwhile{};
      if (!e.is_duplicate_of("uq_orders_number") || attempt >= 8) throw;
    }
  }
  int64_t line_no = 0;
  for (size_t from = 0; from < lines.size(); from += kBatch) {
    size_t n = std::min(kBatch, lines.size() - from);
    std::vector<db::Param> params;
    for (size_t i = from; i < from + n; ++i) {
      const Line& l = lines[i];
      params.insert(params.end(), {o.id, ++line_no, l.product_id, l.name, money::format(l.price), l.quantity,
                                   money::format_wide(money::times(l.price, l.quantity))});
    }
    c.exec("INSERT INTO " + t.table("order_items") +
               " (order_id, line_no, product_id, product_name, unit_price, quantity, subtotal) VALUES " +
               marks(n, "(?, ?, ?, ?, ?, ?, ?)"),
           params);
  }
  c.exec("DELETE FROM " + t.table("cart_items") + " WHERE cart_id = ?", {*cart_id});
  c.exec("UPDATE " + t.table("carts") + " SET updated_at = UTC_TIMESTAMP() WHERE id = ?", {*cart_id});
  return o;
}

}  // namespace

std::string make_order_number(int64_t unix_time) {
  std::time_t tt = static_cast<std::time_t>(unix_time);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char date[16];
  strftime(date, sizeof date, "%Y%m%d", &tm);
  uint32_t r = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1) r = static_cast<uint32_t>(std::rand());
  char out[32];
  std::snprintf(out, sizeof out, "ORD-%s-%06u", date, r % 1000000u);
  return out;
}

PlacedOrder place_order(db::Connection& c, const tenancy::Tenant& t, const cart::Owner& owner,
                        const OrderRequest& req, const OrderLimits& limits, const StoreSettings& settings) {
  try {
    return db::retry_transaction(c, [&] { return place_once(c, t, owner, req, limits, settings); });
  } catch (const KeyTakenMeanwhile&) {
    // Another owner's request committed this key while ours was in flight.
    if (auto o = existing_order(c, t, owner, req)) return *o;
    throw ApiError::Conflict("Idempotency key conflict", "This Idempotency-Key was already used.");
  }
}

}  // namespace ecom::checkout
