#include "orders/order_json.h"

namespace ecom::orders {
namespace {

void nullable_field(http::JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  if (v) w.field(key, *v);
  else w.key(key).null();
}

void write_amounts_and_lines(http::JsonWriter& w, const Order& o) {
  w.field("shippingAddress", o.shipping_address);
  w.field("paymentMethod", o.payment_method);
  w.key("subtotal").money(o.subtotal);
  w.key("tax").money(o.tax);
  w.key("shipping").money(o.shipping);
  w.key("total").money(o.total);
  write_order_lines(w, o.lines);
}

}  // namespace

void write_order_lines(http::JsonWriter& w, const std::vector<OrderLine>& lines) {
  w.key("items").begin_array();
  for (const auto& l : lines) {
    w.begin_object();
    w.field("productId", l.product_id);
    w.field("productName", l.product_name);
    w.key("price").money(l.price);
    w.field("quantity", l.quantity);
    w.key("subtotal").money(l.subtotal);
    w.end_object();
  }
  w.end_array();
}

namespace {

// The fields every view of an order opens with.
template <typename OrderLike>
void write_head(http::JsonWriter& w, const OrderLike& o) {
  w.field("orderId", o.id);
  w.field("orderNumber", o.order_number);
  w.field("status", to_string(o.status));
  w.field("createdAt", o.created_at);
}

}  // namespace

void write_order(http::JsonWriter& w, const Order& o) {
  w.begin_object();
  write_head(w, o);
  w.field("email", o.email);
  w.field("phone", o.phone);
  write_amounts_and_lines(w, o);
  w.end_object();
}

void write_admin_order(http::JsonWriter& w, const Order& o) {
  w.begin_object();
  write_head(w, o);
  w.field("updatedAt", o.updated_at);
  w.key("customer").begin_object();
  nullable_field(w, "id", o.customer_id);
  nullable_field(w, "name", o.customer_name);
  w.field("email", o.email);
  w.field("phone", o.phone);
  w.end_object();
  w.field("email", o.email);
  w.field("phone", o.phone);
  write_amounts_and_lines(w, o);
  w.end_object();
}

void write_order_summary(http::JsonWriter& w, const OrderSummary& s) {
  w.begin_object();
  write_head(w, s);
  w.key("total").money(s.total);
  w.field("itemCount", s.item_count);
  w.end_object();
}

void write_admin_order_summary(http::JsonWriter& w, const OrderSummary& s) {
  w.begin_object();
  write_head(w, s);
  w.field("email", s.email);
  w.key("total").money(s.total);
  nullable_field(w, "customerId", s.customer_id);
  w.field("itemCount", s.item_count);
  w.end_object();
}

}  // namespace ecom::orders
