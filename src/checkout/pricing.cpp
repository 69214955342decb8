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

std::variant<Totals, AmountTooLarge> order_totals(money::WideCents subtotal, const StoreSettings& s) {
  if (subtotal > money::kMaxAmount) return AmountTooLarge{"subtotal", subtotal};
  // subtotal ≤ 10^12 cents: tax (rate ≤ 99.9999) and shipping cannot overflow 64 bits.
  Totals t = compute_totals(static_cast<money::Cents>(subtotal), s);
  if (t.total > money::kMaxAmount) return AmountTooLarge{"total", t.total};
  return t;
}

StoreSettings load_settings(db::Connection& c, const tenancy::Tenant& t) { return settings::find_pricing(c, t); }

}  // namespace ecom::checkout
