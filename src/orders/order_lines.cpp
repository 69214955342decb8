#include "orders/order_lines.h"

#include "common/money.h"

namespace ecom::orders {

void write_order_lines(http::JsonWriter& w, db::Connection& c, const tenancy::Tenant& t, const std::string& order_id) {
  auto items = c.query("SELECT product_id, product_name, unit_price, quantity, subtotal FROM " +
                           t.table("order_items") + " WHERE order_id = ? ORDER BY line_no",
                       {order_id});
  w.key("items").begin_array();
  while (items.next()) {
    w.begin_object();
    w.field("productId", items.str(0));
    w.field("productName", items.str(1));
    w.key("price").money(money::parse(items.str(2)).value_or(0));
    w.field("quantity", items.i64(3));
    w.key("subtotal").money(money::parse(items.str(4)).value_or(0));
    w.end_object();
  }
  w.end_array();
}

}  // namespace ecom::orders
