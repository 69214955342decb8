#include "storefront/routes.h"

#include "core/answer.h"
#include "core/context.h"
#include "http/json_writer.h"
#include "settings/settings_repository.h"
#include "tenancy/features.h"

namespace ecom::storefront {
namespace {

void render_tenant_config(Context& ctx) {
  const auto& t = ctx.tenant();
  settings::Appearance look = settings::find_appearance(ctx.tenant_db(), t);
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("name", t.name);
  w.field("slug", t.slug);
  w.key("theme").raw(look.theme_json);
  w.key("seo").raw(look.seo_json);
  w.key("features").begin_array();
  for (const auto& f : t.features) w.string(f);  // std::set: sorted
  w.end_array();
  w.end_object();
}

// GET /public/tenant-config → {name, slug, theme, seo, features: [snake_case, sorted]}
// (the store's control data, under the tenancy generation, and its settings)
void get_tenant_config(Context& ctx) {
  serve_cached(ctx, 't', "", [&] { render_tenant_config(ctx); });
}

// GET /api/features → {features: {camelCase: bool}, limits: {name: number}}
void get_features(Context& ctx) {
  const auto& t = ctx.tenant();
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.key("features").begin_object();
  for (const char* f : tenancy::kFeatures) w.field(tenancy::snake_to_camel(f), t.has(f));
  w.end_object();
  w.key("limits").begin_object();
  for (const char* l : tenancy::kLimits) w.field(l, t.limit(l, 0));
  w.end_object();
  w.end_object();
}

}  // namespace

void add_routes(http::Router& r) {
  r.add("GET", "/public/tenant-config", get_tenant_config, {.tenant = true});
  r.add("GET", "/api/features", get_features, {.tenant = true});
}

}  // namespace ecom::storefront
