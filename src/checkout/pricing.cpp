#include "checkout/pricing.h"

#include "common/error.h"

namespace ecom::checkout {
namespace {

[[noreturn]] void too_large(const std::string& what, money::WideCents amount) {
  throw ApiError(400, "Order total too large",
                 "The order's " + what + " would be " + money::format_wide(amount) + "; an order can total at most " +
                     money::format(money::kMaxAmount) + ". Lower the quantities in the cart.");
}

}  // namespace

Totals compute_totals(money::Cents subtotal, const StoreSettings& s) {
  Totals t;
  t.subtotal = subtotal;
  t.tax = money::apply_rate(subtotal, s.tax_rate, 4);
  t.shipping = subtotal > s.free_shipping_threshold ? 0 : s.shipping_flat;
  t.total = t.subtotal + t.tax + t.shipping;
  return t;
}

Totals order_totals(money::WideCents subtotal, const StoreSettings& s) {
  if (subtotal > money::kMaxAmount) too_large("subtotal", subtotal);
  // subtotal ≤ 10^12 cents: tax (rate ≤ 99.9999) and shipping cannot overflow 64 bits.
  Totals t = compute_totals(static_cast<money::Cents>(subtotal), s);
  if (t.total > money::kMaxAmount) too_large("total", t.total);
  return t;
}

StoreSettings load_settings(db::Connection& c, const tenancy::Tenant& t) { return settings::find_pricing(c, t); }

}  // namespace ecom::checkout
