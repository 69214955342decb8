#include "checkout/pricing.h"

namespace ecom::checkout {

Totals compute_totals(money::Cents subtotal, const StoreSettings& s) {
  Totals t;
  t.subtotal = subtotal;
  t.tax = money::apply_rate(subtotal, s.tax_rate, 4);
  t.shipping = subtotal > s.free_shipping_threshold ? 0 : s.shipping_flat;
  t.total = t.subtotal + t.tax + t.shipping;
  return t;
}

StoreSettings load_settings(db::Connection& c, const tenancy::Tenant& t) {
  StoreSettings s;
  auto r = c.query("SELECT tax_rate, shipping_flat, free_shipping_threshold FROM " + t.table("settings") +
                   " WHERE id = 1");
  if (r.next()) {
    s.tax_rate = money::parse_scaled(r.str(0), 4).value_or(s.tax_rate);
    s.shipping_flat = money::parse(r.str(1)).value_or(s.shipping_flat);
    s.free_shipping_threshold = money::parse(r.str(2)).value_or(s.free_shipping_threshold);
  }
  return s;
}

}  // namespace ecom::checkout
