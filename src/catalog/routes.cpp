#include "catalog/routes.h"

#include "catalog/category_repository.h"
#include "catalog/product_filter.h"
#include "catalog/product_json.h"
#include "catalog/product_repository.h"
#include "common/error.h"
#include "common/uuid.h"
#include "core/answer.h"
#include "core/context.h"
#include "http/errors.h"

namespace ecom::catalog {
namespace {

void render_list(Context& ctx, const ProductFilter& f) {
  ProductPage page = list_products(ctx.tenant_db(), ctx.tenant(), f, f.page.page_size, f.page.offset());
  ctx.res.body.reserve(512 + page.items.size() * 700);
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.key("items").begin_array();
  for (const auto& p : page.items) write_product(w, p);
  w.end_array();
  http::write_page_fields(w, f.page, page.total_count);
  w.end_object();
}

// GET /api/catalog/products
void list(Context& ctx) {
  ProductFilter f = parse_product_filter(ctx.req);  // 400 before the cache: never kept
  serve_cached(ctx, 'l', canonical_key(f), [&] { render_list(ctx, f); });
}

// GET /api/catalog/products/{id}
void detail(Context& ctx) {
  const std::string& raw = ctx.req.param("id");
  if (!uuid::is_valid(raw)) throw http::not_found("Product not found.");
  std::string id = uuid::normalize(raw);
  serve_cached(ctx, 'd', id, [&] {
    ProductRow p;
    if (!find_active_product(ctx.tenant_db(), ctx.tenant(), id, p)) throw http::not_found("Product not found.");
    http::JsonWriter w(ctx.res.body);
    write_product(w, p);
  });
}

// GET /api/catalog/categories
void categories(Context& ctx) {
  serve_cached(ctx, 'c', "", [&] {
    auto rows = list_categories(ctx.tenant_db(), ctx.tenant());
    http::JsonWriter w(ctx.res.body);
    w.begin_array();
    for (const auto& c : rows) write_category(w, c);
    w.end_array();
  });
}

}  // namespace

void add_routes(http::Router& r) {
  r.add("GET", "/api/catalog/products", list, {.tenant = true, .features = {"catalog"}});
  r.add("GET", "/api/catalog/products/{id}", detail, {.tenant = true, .features = {"catalog"}});
  r.add("GET", "/api/catalog/categories", categories,
        {.tenant = true, .features = {"catalog", "categories"}});
}

}  // namespace ecom::catalog
