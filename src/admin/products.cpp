// Store admin: products (CONTRACT §9). List (inactive included, filters,
// pagination), get, create, update, set stock, delete — a product referenced by
// orders is deactivated, never deleted. Changes are visible to the public
// catalog at once (it reads the same tables; nothing is cached).
#include "admin/routes.h"

#include "admin/input.h"
#include "admin/product_removal.h"
#include "catalog/category_repository.h"
#include "catalog/product_json.h"
#include "catalog/product_repository.h"
#include "common/error.h"
#include "common/strings.h"
#include "common/uuid.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "http/pagination.h"

namespace ecom::admin {
namespace {

constexpr int64_t kMaxPriceCents = money::kMaxAmount;  // DECIMAL(12,2): 9,999,999,999.99

void write_product_or_404(Context& ctx, const std::string& id) {
  auto p = catalog::find_product(ctx.tenant_db(), ctx.tenant(), id);
  if (!p) throw http::not_found("Product not found.");
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  catalog::write_admin_product(w, *p);
}

std::string product_id_param(Context& ctx) {
  const std::string& id = ctx.req.param("id");
  if (!uuid::is_valid(id)) throw http::not_found("Product not found.");
  return uuid::normalize(id);
}

catalog::ProductChanges read_product(Context& ctx, bool create) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  catalog::ProductChanges in;
  in.name = read_text(r, v, "name", create, 200);
  in.description = read_text(r, v, "description", false, 10000, true);
  in.price = read_decimal(r, v, "price", create, 2, kMaxPriceCents);
  in.discount_hundredths = read_decimal(r, v, "discount", false, 2, 100);
  if (create) in.stock = r.integer("stock", false, 0, 1'000'000'000);
  else if (r.has("stock")) v.add("stock", "Set stock with PUT /api/admin/products/{id}/stock.");
  in.active = r.boolean("isActive", false);
  in.image_urls = read_urls(r, v, "images");
  in.category_ids = read_uuids(r, v, "categoryIds");
  in.attributes_json = read_flat_object(r, v, "dynamicAttributes");
  if (in.category_ids && !in.category_ids->empty() &&
      !catalog::categories_exist(ctx.tenant_db(), ctx.tenant(), *in.category_ids))
    v.add("categoryIds", "Every category id must name an existing category.");
  v.throw_if_any();
  return in;
}

// GET /api/admin/products?page&pageSize&search&categoryId&isActive
void list(Context& ctx) {
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  catalog::AdminProductQuery q;
  if (const std::string* s = ctx.req.query_param("search"); s && !trim(*s).empty()) q.search = std::string(trim(*s));
  if (const std::string* c = ctx.req.query_param("categoryId")) {
    if (!uuid::is_valid(*c)) v.add("categoryId", "categoryId must be a UUID.");
    q.category_id = uuid::normalize(*c);
  }
  if (const std::string* a = ctx.req.query_param("isActive")) {
    if (*a != "true" && *a != "false") v.add("isActive", "isActive must be true or false.");
    q.active = *a == "true";
  }
  v.throw_if_any();
  auto products = catalog::list_all_products(ctx.tenant_db(), ctx.tenant(), q, page.page_size, page.offset());
  http::JsonWriter w(ctx.res.body);
  http::write_paged(w, page, products.total_count, [&] {
    for (const auto& p : products.items) catalog::write_admin_product(w, p);
  });
}

// GET /api/admin/products/{id}
void get(Context& ctx) {
  write_product_or_404(ctx, product_id_param(ctx));
}

// POST /api/admin/products
void create(Context& ctx) {
  catalog::ProductChanges in = read_product(ctx, true);
  std::string id = catalog::create_product(ctx.tenant_db(), ctx.tenant(), in);
  ctx.res.status = http::status::kCreated;
  ctx.res.add_header("Location", "/api/admin/products/" + id);
  write_product_or_404(ctx, id);
}

// PATCH /api/admin/products/{id}
void update(Context& ctx) {
  std::string id = product_id_param(ctx);
  if (!catalog::product_exists(ctx.tenant_db(), ctx.tenant(), id)) throw http::not_found("Product not found.");
  catalog::ProductChanges in = read_product(ctx, false);
  catalog::update_product(ctx.tenant_db(), ctx.tenant(), id, in);
  write_product_or_404(ctx, id);
}

// PUT /api/admin/products/{id}/stock {stock}
void set_stock(Context& ctx) {
  std::string id = product_id_param(ctx);
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto stock = r.integer("stock", true, 0, 1'000'000'000);
  v.throw_if_any();
  if (!catalog::set_stock(ctx.tenant_db(), ctx.tenant(), id, *stock)) throw http::not_found("Product not found.");
  write_product_or_404(ctx, id);
}

// DELETE /api/admin/products/{id}
void remove(Context& ctx) {
  std::string id = product_id_param(ctx);
  Removal removal = remove_product(ctx.tenant_db(), ctx.tenant(), id);
  if (removal == Removal::NotFound) throw http::not_found("Product not found.");
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("id", id).field("deleted", removal == Removal::Deleted).field("isActive", false);
  w.end_object();
}

}  // namespace

void add_product_routes(http::Router& r) {
  const http::RouteOptions read{.tenant = true, .auth = http::Auth::kAdmin};
  const http::RouteOptions write{
      .tenant = true, .auth = http::Auth::kAdmin, .json_body = http::JsonBody::kRequired, .changes_catalog = true};
  const http::RouteOptions remove_one{.tenant = true, .auth = http::Auth::kAdmin, .changes_catalog = true};
  r.add("GET", "/api/admin/products", list, read);
  r.add("POST", "/api/admin/products", create, write);
  r.add("GET", "/api/admin/products/{id}", get, read);
  r.add("PATCH", "/api/admin/products/{id}", update, write);
  r.add("DELETE", "/api/admin/products/{id}", remove, remove_one);
  r.add("PUT", "/api/admin/products/{id}/stock", set_stock, write);
}

}  // namespace ecom::admin
