#include "orders/routes.h"

#include "core/context.h"
#include "cart/owner.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/money.h"
#include "common/uuid.h"
#include "http/json_writer.h"
#include "orders/order_lines.h"

namespace ecom::orders {
namespace {

// GET /api/orders/{orderId} — for the session or the customer that placed it; anyone else 404.
void get_order(Context& ctx) {
  cart::Owner o = cart::require_owner(ctx);
  const std::string& id = ctx.req.param("orderId");
  if (!uuid::is_valid(id)) throw ApiError::NotFound("Order not found.");
  const auto& t = ctx.tenant();
  auto& c = ctx.tenant_db();
  auto r = c.query("SELECT id, order_number, status, created_at, email, phone, shipping_address, payment_method, "
                   "subtotal, tax, shipping, total FROM " + t.table("orders") + " WHERE id = ? AND owner IN (?, ?)",
                   {uuid::normalize(id), o.key(),
                    o.session_id.empty() ? std::string("-") : "session:" + o.session_id});
  if (!r.next()) throw ApiError::NotFound("Order not found.");
  auto money_of = [&](int col) { return money::parse(r.str(col)).value_or(0); };
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("orderId", r.str(0));
  w.field("orderNumber", r.str(1));
  w.field("status", r.str(2));
  w.field("createdAt", clock::iso_from_sql(r.str(3)));
  w.field("email", r.str(4));
  w.field("phone", r.str(5));
  w.field("shippingAddress", r.str(6));
  w.field("paymentMethod", r.str(7));
  w.key("subtotal").money(money_of(8));
  w.key("tax").money(money_of(9));
  w.key("shipping").money(money_of(10));
  w.key("total").money(money_of(11));
  write_order_lines(w, c, t, r.str(0));
  w.end_object();
}

}  // namespace

void add_routes(http::Router& r) { r.add("GET", "/api/orders/{orderId}", get_order, {.tenant = true}); }

}  // namespace ecom::orders
