// A store's settings: every statement on its `settings` table (one row, id = 1; created
// with the schema, sql/tenant/0001_catalog.sql). Checkout reads the pricing, the public
// tenant-config the appearance, the store admin all of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/money.h"
#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::settings {

// What checkout charges (CONTRACT §7); the defaults are the column defaults.
struct Pricing {
  int64_t tax_rate = 1500;  // in 1/10000 (0.1500)
  money::Cents shipping_flat = 1000;
  money::Cents free_shipping_threshold = 10000;
};

// What the storefront shows: JSON objects, "{}" by default.
struct Appearance {
  std::string theme_json = "{}";
  std::string seo_json = "{}";
};

struct Settings {
  Pricing pricing;
  Appearance appearance;
};

// The pricing; the defaults when the row is absent.
Pricing find_pricing(db::Connection& c, const tenancy::Tenant& t);
// The appearance; the defaults when the row is absent.
Appearance find_appearance(db::Connection& c, const tenancy::Tenant& t);
// Everything; nullopt when the row is absent.
std::optional<Settings> find_settings(db::Connection& c, const tenancy::Tenant& t);

// What an update sets; an absent field is left as it is.
struct SettingsChanges {
  std::optional<int64_t> tax_rate;  // in 1/10000
  std::optional<money::Cents> shipping_flat, free_shipping_threshold;
  std::optional<std::string> theme_json, seo_json;  // JSON objects
};

void update_settings(db::Connection& c, const tenancy::Tenant& t, const SettingsChanges& ch);

}  // namespace ecom::settings
