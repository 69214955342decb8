#include "cart/routes.h"

#include "cart/cart_json.h"
#include "cart/cart_repository.h"
#include "cart/owner.h"
#include "common/error.h"
#include "common/uuid.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_reader.h"

namespace ecom::cart {
namespace {

constexpr int64_t kMaxQuantity = 1'000'000;

// The one place a cart error becomes a Problem Details response.
ApiError problem(const CartError& e) {
  switch (e.kind) {
    case CartErrorKind::CartNotFound: return http::not_found("Cart not found.");
    case CartErrorKind::ItemNotFound: return http::not_found("Cart item not found.");
    case CartErrorKind::ProductNotFound: return http::not_found("Product not found or not active.");
    case CartErrorKind::ProductUnavailable:
      return http::conflict("Product unavailable", "'" + e.product_name + "' is no longer available.");
    case CartErrorKind::InsufficientStock:
      return http::conflict("Insufficient stock", "Only " + std::to_string(e.stock) + " of '" + e.product_name +
                                                          "' in stock; the cart would hold " +
                                                          std::to_string(e.quantity) + ".");
    case CartErrorKind::LimitExceeded: break;
  }
  return ApiError(400, "Cart limit exceeded",
                  "A cart may hold at most " + std::to_string(e.max_items) + " items (maxCartItems).",
                  {{"quantity", {"The cart would hold " + std::to_string(e.quantity) + " items; maxCartItems is " +
                                 std::to_string(e.max_items) + "."}}});
}

void throw_if_refused(const std::optional<CartError>& e) {
  if (e) throw problem(*e);
}

void respond_with_cart(Context& ctx, const Owner& o) {
  auto cart = load_cart(ctx.tenant_db(), ctx.tenant(), o);
  if (!cart) throw problem({.kind = CartErrorKind::CartNotFound});
  http::JsonWriter w(ctx.res.body);
  write_cart(w, *cart);
}

int64_t max_cart_items(Context& ctx) { return ctx.tenant().limit("maxCartItems", 100); }

// GET /api/cart
void get_cart(Context& ctx) { respond_with_cart(ctx, require_cart_owner(ctx)); }

// POST /api/cart/items {productId, quantity}
void add(Context& ctx) {
  Owner o = require_cart_owner(ctx);
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto product_id = r.string("productId", true);
  if (product_id && !uuid::is_valid(*product_id)) v.add("productId", "productId must be a UUID.");
  auto quantity = r.integer("quantity", true, 1, kMaxQuantity);
  v.throw_if_any();
  throw_if_refused(add_item(ctx.tenant_db(), ctx.tenant(), o,
                            CartChange{uuid::normalize(*product_id), "", *quantity, max_cart_items(ctx)}));
  respond_with_cart(ctx, o);
}

// PUT /api/cart/items/{itemId} {quantity}
void update(Context& ctx) {
  Owner o = require_cart_owner(ctx);
  const std::string& item = ctx.req.param("itemId");
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto quantity = r.integer("quantity", true, 1, kMaxQuantity);
  v.throw_if_any();
  if (!uuid::is_valid(item)) throw problem({.kind = CartErrorKind::ItemNotFound});
  throw_if_refused(update_item(ctx.tenant_db(), ctx.tenant(), o,
                               CartChange{"", uuid::normalize(item), *quantity, max_cart_items(ctx)}));
  respond_with_cart(ctx, o);
}

// DELETE /api/cart/items/{itemId}
void remove(Context& ctx) {
  Owner o = require_cart_owner(ctx);
  const std::string& item = ctx.req.param("itemId");
  if (!uuid::is_valid(item) || !remove_item(ctx.tenant_db(), ctx.tenant(), o, uuid::normalize(item)))
    throw problem({.kind = CartErrorKind::ItemNotFound});
  ctx.res.status = http::status::kNoContent;
}

// DELETE /api/cart
void clear(Context& ctx) {
  Owner o = require_cart_owner(ctx);
  delete_cart(ctx.tenant_db(), ctx.tenant(), o);
  ctx.res.status = http::status::kNoContent;
}

}  // namespace

void add_routes(http::Router& r) {
  http::RouteOptions cart{.tenant = true, .features = {"cart"}};
  r.add("GET", "/api/cart", get_cart, cart);
  r.add("DELETE", "/api/cart", clear, cart);
  http::RouteOptions change = cart;
  change.json_body = http::JsonBody::kRequired;
  r.add("POST", "/api/cart/items", add, change);
  r.add("PUT", "/api/cart/items/{itemId}", update, change);
  r.add("DELETE", "/api/cart/items/{itemId}", remove, cart);
}

}  // namespace ecom::cart
