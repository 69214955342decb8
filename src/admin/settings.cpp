// Store admin: settings — taxRate, shippingFlat, freeShippingThreshold (checkout)
// and theme, seo (what /public/tenant-config returns).
#include "admin/input.h"
#include "admin/routes.h"
#include "common/error.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_writer.h"
#include "settings/settings_repository.h"

namespace ecom::admin {
namespace {

// taxRate keeps up to four decimals; trailing zeros dropped ("0.15", "0.0825").
std::string rate_text(int64_t units) {
  std::string rate = format_scaled(units, 4);
  while (rate.find('.') != std::string::npos && (rate.back() == '0' || rate.back() == '.')) rate.pop_back();
  return rate.empty() ? "0" : rate;
}

void write_settings(Context& ctx) {
  auto s = settings::find_settings(ctx.tenant_db(), ctx.tenant());
  if (!s) throw http::not_found("Settings not found.");
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.key("taxRate").raw(rate_text(s->pricing.tax_rate));
  w.key("shippingFlat").money(s->pricing.shipping_flat);
  w.key("freeShippingThreshold").money(s->pricing.free_shipping_threshold);
  w.key("theme").raw(s->appearance.theme_json);
  w.key("seo").raw(s->appearance.seo_json);
  w.end_object();
}

void get(Context& ctx) {
  write_settings(ctx);
}

// PATCH /api/admin/settings
void update(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  settings::SettingsChanges ch;
  ch.tax_rate = read_decimal(r, v, "taxRate", false, 4, 10000);
  ch.shipping_flat = read_decimal(r, v, "shippingFlat", false, 2, 99'999'999);
  ch.free_shipping_threshold = read_decimal(r, v, "freeShippingThreshold", false, 2, 9'999'999'999);
  ch.theme_json = read_object_json(r, v, "theme");
  ch.seo_json = read_object_json(r, v, "seo");
  v.throw_if_any();
  settings::update_settings(ctx.tenant_db(), ctx.tenant(), ch);
  write_settings(ctx);
}

}  // namespace

void add_settings_routes(http::Router& r) {
  r.add("GET", "/api/admin/settings", get, {.tenant = true, .auth = http::Auth::kAdmin});
  r.add("PATCH", "/api/admin/settings", update,
        {.tenant = true, .auth = http::Auth::kAdmin, .json_body = http::JsonBody::kRequired,
         .changes_catalog = true});  // theme and SEO of /public/tenant-config
}

}  // namespace ecom::admin
