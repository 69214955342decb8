// Store admin: categories — list (inactive included), create, update, deactivate.
#include "admin/input.h"
#include "admin/routes.h"
#include "catalog/category_repository.h"
#include "catalog/product_json.h"
#include "common/error.h"
#include "common/uuid.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_writer.h"
#include "http/pagination.h"

namespace ecom::admin {
namespace {

void write_one(Context& ctx, const std::string& id) {
  auto category = catalog::find_category(ctx.tenant_db(), ctx.tenant(), id);
  if (!category) throw http::not_found("Category not found.");
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  catalog::write_admin_category(w, *category);
}

std::string id_param(Context& ctx) {
  const std::string& id = ctx.req.param("id");
  if (!uuid::is_valid(id)) throw http::not_found("Category not found.");
  return uuid::normalize(id);
}

// GET /api/admin/categories?page&pageSize — inactive included, paginated like every admin list.
void list(Context& ctx) {
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  v.throw_if_any();
  auto categories = catalog::list_all_categories(ctx.tenant_db(), ctx.tenant(), page.page_size, page.offset());
  http::JsonWriter w(ctx.res.body);
  http::write_paged(w, page, categories.total_count, [&] {
    for (const auto& c : categories.items) catalog::write_admin_category(w, c);
  });
}

// POST /api/admin/categories {name, description?}
void create(Context& ctx) {
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto name = read_text(r, v, "name", true, 200);
  auto description = read_text(r, v, "description", false, 2000, true);
  auto active = r.boolean("isActive", false);
  v.throw_if_any();
  std::string id =
      catalog::create_category(ctx.tenant_db(), ctx.tenant(), *name, description.value_or(""), active.value_or(true));
  ctx.res.status = http::status::kCreated;
  ctx.res.add_header("Location", "/api/admin/categories/" + id);
  write_one(ctx, id);
}

// PATCH /api/admin/categories/{id} {name?, description?, isActive?}
void update(Context& ctx) {
  std::string id = id_param(ctx);
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  catalog::CategoryChanges ch;
  ch.name = read_text(r, v, "name", false, 200);
  ch.description = read_text(r, v, "description", false, 2000, true);
  ch.active = r.boolean("isActive", false);
  v.throw_if_any();
  if (!catalog::update_category(ctx.tenant_db(), ctx.tenant(), id, ch)) throw http::not_found("Category not found.");
  write_one(ctx, id);
}

// DELETE /api/admin/categories/{id}: deactivates (products keep their links).
void deactivate(Context& ctx) {
  std::string id = id_param(ctx);
  catalog::CategoryChanges ch;
  ch.active = false;
  if (!catalog::update_category(ctx.tenant_db(), ctx.tenant(), id, ch)) throw http::not_found("Category not found.");
  write_one(ctx, id);
}

}  // namespace

void add_category_routes(http::Router& r) {
  const http::RouteOptions read{.tenant = true, .auth = http::Auth::kAdmin};
  const http::RouteOptions write{
      .tenant = true, .auth = http::Auth::kAdmin, .json_body = http::JsonBody::kRequired, .changes_catalog = true};
  const http::RouteOptions remove_one{.tenant = true, .auth = http::Auth::kAdmin, .changes_catalog = true};
  r.add("GET", "/api/admin/categories", list, read);
  r.add("POST", "/api/admin/categories", create, write);
  r.add("PATCH", "/api/admin/categories/{id}", update, write);
  r.add("DELETE", "/api/admin/categories/{id}", deactivate, remove_one);
}

}  // namespace ecom::admin
