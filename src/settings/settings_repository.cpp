#include "settings/settings_repository.h"

#include <vector>

namespace ecom::settings {
namespace {

// Units of 1/10000 as a DECIMAL literal: 1500 → "0.1500".
std::string rate_literal(int64_t units) {
  std::string frac = std::to_string(units % 10000);
  frac.insert(frac.begin(), 4 - frac.size(), '0');
  return std::to_string(units / 10000) + "." + frac;
}

// Columns 0-2 of a row: tax_rate, shipping_flat, free_shipping_threshold; a value that does not
// parse keeps its default.
Pricing read_pricing(db::Rows& r) {
  Pricing p;
  p.tax_rate = money::parse_scaled(r.str(0), 4).value_or(p.tax_rate);
  p.shipping_flat = money::parse(r.str(1)).value_or(p.shipping_flat);
  p.free_shipping_threshold = money::parse(r.str(2)).value_or(p.free_shipping_threshold);
  return p;
}

}  // namespace

Pricing find_pricing(db::Connection& c, const tenancy::Tenant& t) {
  auto r = c.query("SELECT tax_rate, shipping_flat, free_shipping_threshold FROM " + t.table("settings") +
                   " WHERE id = 1");
  return r.next() ? read_pricing(r) : Pricing{};
}

Appearance find_appearance(db::Connection& c, const tenancy::Tenant& t) {
  auto r = c.query("SELECT theme, seo FROM " + t.table("settings") + " WHERE id = 1");
  if (!r.next()) return {};
  return {r.str(0), r.str(1)};
}

std::optional<Settings> find_settings(db::Connection& c, const tenancy::Tenant& t) {
  auto r = c.query("SELECT tax_rate, shipping_flat, free_shipping_threshold, theme, seo FROM " + t.table("settings") +
                   " WHERE id = 1");
  if (!r.next()) return std::nullopt;
  return Settings{read_pricing(r), {r.str(3), r.str(4)}};
}

void update_settings(db::Connection& c, const tenancy::Tenant& t, const SettingsChanges& ch) {
  std::string set = "updated_at = UTC_TIMESTAMP()";
  std::vector<db::Param> params;
  auto add = [&](const char* col, std::string value) {
    set += std::string(", ") + col + " = ?";
    params.emplace_back(std::move(value));
  };
  if (ch.tax_rate) add("tax_rate", rate_literal(*ch.tax_rate));
  if (ch.shipping_flat) add("shipping_flat", money::format(*ch.shipping_flat));
  if (ch.free_shipping_threshold) add("free_shipping_threshold", money::format(*ch.free_shipping_threshold));
  if (ch.theme_json) add("theme", *ch.theme_json);
  if (ch.seo_json) add("seo", *ch.seo_json);
  c.exec("UPDATE " + t.table("settings") + " SET " + set + " WHERE id = 1", params);
}

}  // namespace ecom::settings
