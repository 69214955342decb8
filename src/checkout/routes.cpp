#include "checkout/routes.h"

#include "cart/cart_json.h"
#include "cart/cart_repository.h"
#include "cart/owner.h"
#include "checkout/place_order.h"
#include "checkout/pricing.h"
#include "checkout/rate_limit.h"
#include "common/digest.h"
#include "common/error.h"
#include "common/strings.h"
#include "common/uuid.h"
#include "common/validation.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_reader.h"
#include "http/json_writer.h"

namespace ecom::checkout {
namespace {

ApiError amount_problem(const AmountTooLarge& a) {
  return {400, "Order total too large",
          std::string("The order's ") + a.what + " would be " + money::format_wide(a.amount) +
              "; an order can total at most " + money::format(money::kMaxAmount) + ". Lower the quantities in the cart."};
}

// POST /api/checkout/quote
void quote(Context& ctx) {
  cart::Owner o = cart::require_cart_owner(ctx);
  if (ctx.body()) {  // {} or nothing; an object if sent (no fields are read yet)
    Validator v;
    http::ObjectReader r(ctx.body(), v);
  }
  auto c = cart::load_cart(ctx.tenant_db(), ctx.tenant(), o);
  if (!c || c->lines.empty()) throw ApiError::BadRequest("The cart is empty.");
  std::string changed;
  for (const auto& l : c->lines) {
    if (!l.available) changed += (changed.empty() ? "'" : ", '") + l.product_name + "' is no longer available";
    else if (l.quantity > l.stock)
      changed += (changed.empty() ? "'" : ", '") + l.product_name + "' has only " + std::to_string(l.stock) +
                 " in stock";
  }
  if (!changed.empty()) throw http::conflict("Product stock changed", changed + ".");
  auto totals_or_refusal = order_totals(c->subtotal(), load_settings(ctx.tenant_db(), ctx.tenant()));
  if (const auto* too_large = std::get_if<AmountTooLarge>(&totals_or_refusal)) throw amount_problem(*too_large);
  const Totals& totals = std::get<Totals>(totals_or_refusal);
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.key("subtotal").money(totals.subtotal);
  w.key("tax").money(totals.tax);
  w.key("shipping").money(totals.shipping);
  w.key("total").money(totals.total);
  w.key("items").begin_array();
  for (const auto& l : c->lines) cart::write_cart_line(w, l, false);
  w.end_array();
  w.end_object();
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", '" : "'") + names[i] + "'";
  return s;
}

// The one place a refused order becomes a Problem.
ApiError problem_of(const OrderRefused& r) {
  switch (r.error) {
    case PlaceOrderError::EmptyCart:
      return ApiError::BadRequest("The cart is empty.");
    case PlaceOrderError::TooManyProducts:
      return ApiError(400, "Order limit exceeded",
                      "An order may hold at most " + std::to_string(r.limit) +
                          " different products (maxProductsPerOrder).");
    case PlaceOrderError::TooManyLines:
      return ApiError(400, "Order limit exceeded",
                      "An order may hold at most " + std::to_string(r.limit) + " different products.");
    case PlaceOrderError::TooManyItems:
      return ApiError(400, "Order limit exceeded",
                      "An order may hold at most " + std::to_string(r.limit) + " items (maxCartItems).");
    case PlaceOrderError::ProductUnavailable:
      return http::conflict("Product unavailable", "No longer available: " + join_names(r.products) + ".");
    case PlaceOrderError::InsufficientStock:
      return http::conflict("Insufficient stock", "Not enough stock for " + join_names(r.products) + ".");
    case PlaceOrderError::KeyReused:
      return http::conflict("Idempotency key conflict",
                                "This Idempotency-Key was already used for a different order request.");
    case PlaceOrderError::AmountTooLarge:
      return amount_problem(r.too_large);
    case PlaceOrderError::KeyTaken:
      break;
  }
  // KeyTaken: another request holds the key and its order is not this request's.
  return http::conflict("Idempotency key conflict", "This Idempotency-Key was already used.");
}

OrderRequest parse_order_request(Context& ctx) {
  Validator v;
  const std::string* header = ctx.req.header("idempotency-key");
  std::string key;
  if (!header || header->empty()) v.add("Idempotency-Key", "The Idempotency-Key header is required.");
  else if (!uuid::is_valid(*header)) v.add("Idempotency-Key", "The Idempotency-Key header must be a UUID.");
  else key = uuid::normalize(*header);

  http::ObjectReader r(ctx.body(), v);
  auto body_key = r.string("idempotencyKey", true);
  auto email = r.string("email", true);
  auto phone = r.string("phone", true);
  auto address = r.string("shippingAddress", true);
  auto method = r.string("paymentMethod", true);
  if (body_key && !key.empty() && (!uuid::is_valid(*body_key) || uuid::normalize(*body_key) != key))
    v.add("idempotencyKey", "idempotencyKey must equal the Idempotency-Key header.");
  if (email && !valid_email(*email)) v.add("email", "email must be a valid address of at most 254 characters.");
  if (phone && !valid_phone(*phone)) v.add("phone", "phone must be 7-20 characters of digits, spaces and +()-.");
  if (address) {
    size_t n = utf8_length(trim(*address));
    if (n < 5 || n > 500) v.add("shippingAddress", "shippingAddress must be 5-500 characters.");
  }
  if (method && *method != "CreditCard" && *method != "PayPal" && *method != "CashOnDelivery")
    v.add("paymentMethod", "paymentMethod must be one of: CreditCard, PayPal, CashOnDelivery.");
  v.throw_if_any();

  OrderRequest o;
  o.idempotency_key = key;
  o.email = *email;
  o.phone = *phone;
  o.shipping_address = std::string(trim(*address));
  o.payment_method = *method;
  // What "the same body" means: the same fields, whatever the JSON's spacing or key order.
  o.request_hash = digest::sha256_hex(o.idempotency_key + '\n' + o.email + '\n' + o.phone + '\n' +
                                  o.shipping_address + '\n' + o.payment_method);
  return o;
}

// POST /api/checkout/place-order
void place(Context& ctx) {
  const auto& t = ctx.tenant();
  cart::Owner o = cart::require_cart_owner(ctx);
  if (!o.is_customer() && !t.has("guest_checkout")) {
    throw http::unauthorized("Guest checkout is disabled for this store; sign in to place an order.",
                             http::challenge::kBearer);
  }
  AttemptWindow attempts = record_attempt(ctx.tenant_db(), t, o.key());
  if (attempts.over_limit()) {
    throw http::too_many_requests("More than " + std::to_string(kMaxAttemptsPerHour) +
                                      " checkout attempts in an hour from this session; retry after " +
                                      std::to_string(attempts.retry_after) + " seconds.",
                                  attempts.retry_after);
  }
  OrderRequest req = parse_order_request(ctx);
  OrderLimits limits{t.limit("maxCartItems", 100), t.limit("maxProductsPerOrder", 50)};
  PlaceOrderResult result = place_order(ctx.tenant_db(), t, o, req, limits, load_settings(ctx.tenant_db(), t));
  if (const auto* refused = std::get_if<OrderRefused>(&result)) throw problem_of(*refused);
  const PlacedOrder& order = std::get<PlacedOrder>(result);
  if (order.replayed) ctx.res.add_header("Idempotent-Replayed", "true");
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("orderId", order.id);
  w.field("orderNumber", order.order_number);
  w.key("total").money(order.total);
  w.field("status", orders::to_string(order.status));
  w.field("createdAt", order.created_at);
  w.end_object();
}

}  // namespace

void add_routes(http::Router& r) {
  r.add("POST", "/api/checkout/quote", quote,
        {.tenant = true, .features = {"checkout"}, .json_body = http::JsonBody::kOptional});
  r.add("POST", "/api/checkout/place-order", place,
        {.tenant = true, .features = {"checkout"}, .json_body = http::JsonBody::kRequired,
         .changes_catalog = true});  // takes stock
}

}  // namespace ecom::checkout
