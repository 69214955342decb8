// Checkout arithmetic (CONTRACT §7), exact in cents:
//   tax = round2(subtotal × taxRate); shipping = 0 when subtotal > threshold, else flat;
//   total = subtotal + tax + shipping.
#pragma once

#include <cstdint>
#include <variant>

#include "common/money.h"
#include "db/connection.h"
#include "settings/settings_repository.h"
#include "tenancy/tenant.h"

namespace ecom::checkout {

// tax_rate (in 1/10000), shipping_flat, free_shipping_threshold.
using StoreSettings = settings::Pricing;

struct Totals {
  money::Cents subtotal = 0, tax = 0, shipping = 0, total = 0;
};

Totals compute_totals(money::Cents subtotal, const StoreSettings& s);

// An amount of an order beyond what its DECIMAL(12,2) columns hold (money::kMaxAmount).
struct AmountTooLarge {
  const char* what;  // "subtotal" | "total"
  money::WideCents amount;
};

// The totals of an order about to be quoted or placed, or the amount that would not fit;
// when subtotal and total fit, every line fits too, as no amount is negative.
std::variant<Totals, AmountTooLarge> order_totals(money::WideCents subtotal, const StoreSettings& s);

// The store's pricing settings (defaults when the row is absent).
StoreSettings load_settings(db::Connection& c, const tenancy::Tenant& t);

}  // namespace ecom::checkout
