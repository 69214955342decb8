// Store admin: categories — list (inactive included), create, update, deactivate.
#include "admin/input.h"
#include "admin/routes.h"
#include "core/context.h"
#include "auth/access_token.h"
#include "common/error.h"
#include "common/uuid.h"
#include "http/json_writer.h"
#include "http/pagination.h"

namespace ecom::admin {
namespace {

// productCount is maintained on write (sql/tenant/0004_catalog_counts.sql).
std::string select_categories(const tenancy::Tenant& t) {
  return "SELECT c.id, c.name, c.description, c.is_active, COALESCE(cc.product_count, 0) FROM " +
         t.table("categories") + " c LEFT JOIN " + t.table("category_counts") + " cc ON cc.category_id = c.id ";
}

void write_row(http::JsonWriter& w, db::Rows& r) {
  w.begin_object();
  w.field("id", r.str(0));
  w.field("name", r.str(1));
  w.field("description", r.str(2));
  w.field("isActive", r.i64(3) != 0);
  w.field("productCount", r.i64(4));
  w.end_object();
}

void write_one(Context& ctx, const std::string& id) {
  auto r = ctx.tenant_db().query(select_categories(ctx.tenant()) + "WHERE c.id = ?", {id});
  if (!r.next()) throw ApiError::NotFound("Category not found.");
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  write_row(w, r);
}

std::string id_param(Context& ctx) {
  const std::string& id = ctx.req.param("id");
  if (!uuid::is_valid(id)) throw ApiError::NotFound("Category not found.");
  return uuid::normalize(id);
}

// GET /api/admin/categories?page&pageSize — inactive included, paginated like every admin list.
void list(Context& ctx) {
  auth::require_admin(ctx);
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  v.throw_if_any();
  auto& c = ctx.tenant_db();
  auto count = c.query("SELECT COUNT(*) FROM " + ctx.tenant().table("categories"));
  int64_t total = count.next() ? count.i64(0) : 0;
  http::JsonWriter w(ctx.res.body);
  http::write_paged(w, page, total, [&] {
    auto r = c.query(select_categories(ctx.tenant()) + "ORDER BY c.name, c.id LIMIT ? OFFSET ?",
                     {page.page_size, page.offset()});
    while (r.next()) write_row(w, r);
  });
}

// POST /api/admin/categories {name, description?}
void create(Context& ctx) {
  auth::require_admin(ctx);
  auto body = http::parse_json_body(ctx.req.body);
  Validator v;
  http::ObjectReader r(body.get(), v);
  auto name = read_text(r, v, "name", true, 200);
  auto description = read_text(r, v, "description", false, 2000, true);
  auto active = r.boolean("isActive", false);
  v.throw_if_any();
  std::string id = uuid::v4();
  ctx.tenant_db().exec("INSERT INTO " + ctx.tenant().table("categories") +
                           " (id, name, description, is_active) VALUES (?, ?, ?, ?)",
                       {id, *name, description.value_or(""), static_cast<int64_t>(active.value_or(true) ? 1 : 0)});
  ctx.res.status = http::status::kCreated;
  ctx.res.add_header("Location", "/api/admin/categories/" + id);
  write_one(ctx, id);
}

// PATCH /api/admin/categories/{id} {name?, description?, isActive?}
void update(Context& ctx) {
  auth::require_admin(ctx);
  std::string id = id_param(ctx);
  auto body = http::parse_json_body(ctx.req.body);
  Validator v;
  http::ObjectReader r(body.get(), v);
  auto name = read_text(r, v, "name", false, 200);
  auto description = read_text(r, v, "description", false, 2000, true);
  auto active = r.boolean("isActive", false);
  v.throw_if_any();
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  auto exists = c.query("SELECT 1 FROM " + t.table("categories") + " WHERE id = ?", {id});
  if (!exists.next()) throw ApiError::NotFound("Category not found.");
  if (name) c.exec("UPDATE " + t.table("categories") + " SET name = ? WHERE id = ?", {*name, id});
  if (description) c.exec("UPDATE " + t.table("categories") + " SET description = ? WHERE id = ?", {*description, id});
  if (active)
    c.exec("UPDATE " + t.table("categories") + " SET is_active = ? WHERE id = ?",
           {static_cast<int64_t>(*active ? 1 : 0), id});
  write_one(ctx, id);
}

// DELETE /api/admin/categories/{id}: deactivates (products keep their links).
void deactivate(Context& ctx) {
  auth::require_admin(ctx);
  std::string id = id_param(ctx);
  auto& c = ctx.tenant_db();
  auto exists = c.query("SELECT 1 FROM " + ctx.tenant().table("categories") + " WHERE id = ?", {id});
  if (!exists.next()) throw ApiError::NotFound("Category not found.");
  c.exec("UPDATE " + ctx.tenant().table("categories") + " SET is_active = 0 WHERE id = ?", {id});
  write_one(ctx, id);
}

}  // namespace

void add_category_routes(http::Router& r) {
  http::RouteOptions t{.tenant = true};
  r.add("GET", "/api/admin/categories", list, t);
  r.add("POST", "/api/admin/categories", create, t);
  r.add("PATCH", "/api/admin/categories/{id}", update, t);
  r.add("DELETE", "/api/admin/categories/{id}", deactivate, t);
}

}  // namespace ecom::admin
