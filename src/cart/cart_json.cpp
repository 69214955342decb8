#include "cart/cart_json.h"

namespace ecom::cart {

void write_cart_line(http::JsonWriter& w, const CartLine& l, bool with_image) {
  w.begin_object();
  w.field("id", l.id);
  w.field("productId", l.product_id);
  w.field("productName", l.product_name);
  w.key("price").money(l.price);
  w.field("quantity", l.quantity);
  w.key("subtotal").raw(money::format_wide(money::times(l.price, l.quantity)));
  if (with_image) {
    if (l.image.empty()) w.key("productImage").null();
    else w.field("productImage", l.image);
  }
  w.end_object();
}

void write_cart(http::JsonWriter& w, const Cart& c) {
  w.begin_object();
  w.field("id", c.id);
  if (c.session_id.empty()) w.key("sessionId").null();
  else w.field("sessionId", c.session_id);
  w.key("items").begin_array();
  for (const auto& l : c.lines) write_cart_line(w, l, true);
  w.end_array();
  w.field("itemCount", c.item_count());
  w.key("subtotal").raw(money::format_wide(c.subtotal()));
  w.end_object();
}

}  // namespace ecom::cart
