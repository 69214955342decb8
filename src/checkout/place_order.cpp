#include "checkout/place_order.h"

#include <openssl/rand.h>

#include <ctime>
#include <stdexcept>

#include "checkout/checkout_repository.h"
#include "common/clock.h"
#include "common/uuid.h"
#include "db/retry.h"
#include "orders/order_repository.h"

namespace ecom::checkout {
namespace {

// A refusal decided inside the transaction: thrown out of it so that it rolls back.
struct Refused {
  OrderRefused refused;
};

// Thrown inside the transaction when another request committed this key first.
struct KeyTakenMeanwhile {};

OrderRefused refusal(PlaceOrderError error, int64_t limit = 0, std::vector<std::string> products = {}) {
  return OrderRefused{error, limit, std::move(products)};
}

// Attempts at a free order number (6 random digits a day) before giving up.
constexpr int kOrderNumberAttempts = 9;

// The order already holding this idempotency key: the same request again (replay), or a
// refusal when it came with another body or from another owner.
PlaceOrderResult replay_of(const orders::KeyedOrder& o, const cart::Owner& owner, const OrderRequest& req) {
  if (o.request_hash != req.request_hash || o.owner != owner.key()) return refusal(PlaceOrderError::KeyReused);
  PlacedOrder p;
  p.id = o.id;
  p.order_number = o.order_number;
  p.total = o.total;
  p.status = o.status;
  p.created_at = o.created_at;
  p.replayed = true;
  return p;
}

std::optional<OrderRefused> check_limits(const std::vector<CartLineToOrder>& lines, const OrderLimits& limits) {
  int64_t item_count = 0;
  for (const auto& l : lines) item_count += l.quantity;
  if (static_cast<int64_t>(lines.size()) > limits.max_products_per_order)
    return refusal(PlaceOrderError::TooManyProducts, limits.max_products_per_order);
  if (lines.size() > orders::kMaxOrderLines)
    return refusal(PlaceOrderError::TooManyLines, static_cast<int64_t>(orders::kMaxOrderLines));
  if (item_count > limits.max_cart_items) return refusal(PlaceOrderError::TooManyItems, limits.max_cart_items);
  return std::nullopt;
}

struct PricedLines {
  std::vector<orders::NewOrderLine> lines;
  money::WideCents subtotal = 0;
};

// The cart's lines with their products locked (in id order: the lines are sorted by product id),
// named and checked: every product still active and in stock.
std::variant<PricedLines, OrderRefused> lock_and_check(db::Connection& c, const tenancy::Tenant& t,
                                                       const std::vector<CartLineToOrder>& cart_lines) {
  std::vector<std::string> ids;
  for (const auto& l : cart_lines) ids.push_back(l.product_id);
  auto stock = lock_products(c, t, ids);
  PricedLines priced;
  std::vector<std::string> short_of, unavailable;
  for (const auto& l : cart_lines) {
    auto it = stock.find(l.product_id);
    if (it == stock.end() || !it->second.active) {
      unavailable.push_back(it == stock.end() ? l.product_id : it->second.name);
      continue;
    }
    if (l.quantity > it->second.stock) short_of.push_back(it->second.name);
    priced.lines.push_back({l.product_id, it->second.name, l.price, l.quantity});
    priced.subtotal += money::times(l.price, l.quantity);
  }
  if (!unavailable.empty()) return refusal(PlaceOrderError::ProductUnavailable, 0, unavailable);
  if (!short_of.empty()) return refusal(PlaceOrderError::InsufficientStock, 0, short_of);
  return priced;
}

orders::NewOrder new_order(const cart::Owner& owner, const OrderRequest& req, const Totals& totals, int64_t now) {
  orders::NewOrder o;
  o.id = uuid::v4();
  o.idempotency_key = req.idempotency_key;
  o.request_hash = req.request_hash;
  o.owner = owner.key();
  if (!owner.session_id.empty()) o.session_id = owner.session_id;
  if (owner.is_customer()) o.customer_id = owner.customer_id;
  o.status = orders::OrderStatus::Pending;
  o.email = req.email;
  o.phone = req.phone;
  o.shipping_address = req.shipping_address;
  o.payment_method = req.payment_method;
  o.subtotal = totals.subtotal;
  o.tax = totals.tax;
  o.shipping = totals.shipping;
  o.total = totals.total;
  o.created_at = now;
  return o;
}

// Writes the order under a fresh order number (another is drawn when one is taken).
void insert_with_number(db::Connection& c, const tenancy::Tenant& t, orders::NewOrder& o) {
  for (int attempt = 1;; ++attempt) {
    o.order_number = make_order_number(o.created_at);
    switch (orders::insert_order(c, t, o)) {
      case orders::InsertOrderOutcome::Inserted:
        return;
      case orders::InsertOrderOutcome::KeyTaken:
        throw KeyTakenMeanwhile{};
      case orders::InsertOrderOutcome::NumberTaken:
        if (attempt >= kOrderNumberAttempts)
          throw std::runtime_error("no free order number after " + std::to_string(attempt) + " attempts");
        break;
    }
  }
}

PlaceOrderResult place_once(db::Connection& c, const tenancy::Tenant& t, const cart::Owner& owner,
                            const OrderRequest& req, const OrderLimits& limits, const StoreSettings& settings) {
  // The cart first, locked: this serialises every order of the cart, so the key is read after
  // any earlier order of this cart committed. Without a cart the key may still name an order
  // (a replay after the cart went).
  auto cart = lock_cart(c, t, CartKey{owner.column(), owner.value()});
  if (auto prior = orders::find_by_idempotency_key(c, t, req.idempotency_key)) return replay_of(*prior, owner, req);
  if (!cart || cart->lines.empty()) return refusal(PlaceOrderError::EmptyCart);
  if (auto refused = check_limits(cart->lines, limits)) return *refused;
  auto checked = lock_and_check(c, t, cart->lines);
  if (auto* refused = std::get_if<OrderRefused>(&checked)) return *refused;
  const PricedLines& priced = std::get<PricedLines>(checked);
  // Before anything is written: refused when the order's amounts would not fit their columns.
  auto totals_or_refusal = order_totals(priced.subtotal, settings);
  if (const auto* too_large = std::get_if<AmountTooLarge>(&totals_or_refusal)) {
    OrderRefused r = refusal(PlaceOrderError::AmountTooLarge);
    r.too_large = *too_large;
    return r;
  }
  const Totals& totals = std::get<Totals>(totals_or_refusal);

  for (const auto& l : priced.lines) take_stock(c, t, l.product_id, l.quantity);
  orders::NewOrder o = new_order(owner, req, totals, std::time(nullptr));
  insert_with_number(c, t, o);
  orders::insert_lines(c, t, o.id, priced.lines);
  empty_cart(c, t, cart->id);

  PlacedOrder placed;
  placed.id = o.id;
  placed.order_number = o.order_number;
  placed.status = o.status;
  placed.total = o.total;
  placed.created_at = clock::iso_from_time(o.created_at);
  return placed;
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

PlaceOrderResult place_order(db::Connection& c, const tenancy::Tenant& t, const cart::Owner& owner,
                             const OrderRequest& req, const OrderLimits& limits, const StoreSettings& settings) {
  try {
    return db::retry_transaction(c, [&] {
      PlaceOrderResult result = place_once(c, t, owner, req, limits, settings);
      if (auto* refused = std::get_if<OrderRefused>(&result)) throw Refused{*refused};
      return result;
    });
  } catch (const Refused& r) {
    return r.refused;
  } catch (const KeyTakenMeanwhile&) {
    // Another owner's request committed this key while ours was in flight.
    if (auto o = orders::find_by_idempotency_key(c, t, req.idempotency_key)) return replay_of(*o, owner, req);
    return refusal(PlaceOrderError::KeyTaken);
  }
}

}  // namespace ecom::checkout
