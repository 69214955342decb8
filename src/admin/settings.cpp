// Store admin: settings — taxRate, shippingFlat, freeShippingThreshold (checkout)
// and theme, seo (what /public/tenant-config returns).
#include "admin/input.h"
#include "admin/routes.h"
#include "core/context.h"
#include "auth/access_token.h"
#include "common/error.h"
#include "http/json_writer.h"

namespace ecom::admin {
namespace {

void write_settings(Context& ctx) {
  auto r = ctx.tenant_db().query("SELECT tax_rate, shipping_flat, free_shipping_threshold, theme, seo FROM " +
                                 ctx.tenant().table("settings") + " WHERE id = 1");
  if (!r.next()) throw ApiError::NotFound("Settings not found.");
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  // taxRate keeps up to four decimals; trailing zeros dropped ("0.15", "0.0825").
  std::string rate = r.str(0);
  while (rate.find('.') != std::string::npos && (rate.back() == '0' || rate.back() == '.')) rate.pop_back();
  w.key("taxRate").raw(rate.empty() ? "0" : rate);
  w.key("shippingFlat").money(money::parse(r.str(1)).value_or(0));
  w.key("freeShippingThreshold").money(money::parse(r.str(2)).value_or(0));
  w.key("theme").raw(r.str(3));
  w.key("seo").raw(r.str(4));
  w.end_object();
}

void get(Context& ctx) {
  auth::require_admin(ctx);
  write_settings(ctx);
}

// PATCH /api/admin/settings
void update(Context& ctx) {
  auth::require_admin(ctx);
  auto body = http::parse_json_body(ctx.req.body);
  Validator v;
  http::ObjectReader r(body.get(), v);
  auto tax = read_decimal(r, v, "taxRate", false, 4, 10000);
  auto flat = read_decimal(r, v, "shippingFlat", false, 2, 99'999'999);
  auto threshold = read_decimal(r, v, "freeShippingThreshold", false, 2, 9'999'999'999);
  auto theme = read_object_json(r, v, "theme");
  auto seo = read_object_json(r, v, "seo");
  v.throw_if_any();
  std::string set = "updated_at = UTC_TIMESTAMP()";
  std::vector<db::Param> params;
  auto add = [&](const char* col, std::string value) {
    set += std::string(", ") + col + " = ?";
    params.emplace_back(std::move(value));
  };
  if (tax) add("tax_rate", format_scaled(*tax, 4));
  if (flat) add("shipping_flat", format_scaled(*flat, 2));
  if (threshold) add("free_shipping_threshold", format_scaled(*threshold, 2));
  if (theme) add("theme", *theme);
  if (seo) add("seo", *seo);
  ctx.tenant_db().exec("UPDATE " + ctx.tenant().table("settings") + " SET " + set + " WHERE id = 1", params);
  write_settings(ctx);
}

}  // namespace

void add_settings_routes(http::Router& r) {
  r.add("GET", "/api/admin/settings", get, {.tenant = true});
  r.add("PATCH", "/api/admin/settings", update, {.tenant = true});
}

}  // namespace ecom::admin
