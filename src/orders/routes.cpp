#include "orders/routes.h"

#include "cart/owner.h"
#include "common/error.h"
#include "common/uuid.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_writer.h"
#include "http/pagination.h"
#include "orders/order_json.h"
#include "orders/order_repository.h"

namespace ecom::orders {
namespace {

// GET /api/orders/{orderId} — for the session or the customer that placed it; anyone else 404.
// A customer also sees the orders of the guest session it names.
void get_order(Context& ctx) {
  cart::Owner o = cart::require_owner(ctx);
  const std::string& id = ctx.req.param("orderId");
  if (!uuid::is_valid(id)) throw http::not_found("Order not found.");
  auto order = find_for_owners(ctx.tenant_db(), ctx.tenant(), uuid::normalize(id), o.key(),
                               o.session_id.empty() ? std::string("-") : "session:" + o.session_id);
  if (!order) throw http::not_found("Order not found.");
  http::JsonWriter w(ctx.res.body);
  write_order(w, *order);
}

// GET /api/orders — the signed-in customer's orders, newest first.
void my_orders(Context& ctx) {
  const Principal& p = *ctx.principal;
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  v.throw_if_any();
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  OrderFilter mine{.customer_id = p.account_id};
  int64_t total = count_orders(c, t, mine);
  http::JsonWriter w(ctx.res.body);
  http::write_paged(w, page, total, [&] {
    for (const auto& s : list_orders(c, t, mine, page.page_size, page.offset()))
      write_order_summary(w, s);
  });
}

}  // namespace

void add_routes(http::Router& r) {
  r.add("GET", "/api/orders", my_orders, {.tenant = true, .auth = http::Auth::kCustomer});
  r.add("GET", "/api/orders/{orderId}", get_order, {.tenant = true});
}

}  // namespace ecom::orders
