// Store admin: products (CONTRACT §9). List (inactive included, filters,
// pagination), get, create, update, set stock, delete — a product referenced by
// orders is deactivated, never deleted. Changes are visible to the public
// catalog at once (it reads the same tables; nothing is cached).
#include "admin/routes.h"

#include "admin/input.h"
#include "core/context.h"
#include "auth/access_token.h"
#include "catalog/product_filter.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/strings.h"
#include "common/uuid.h"
#include "db/retry.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "http/pagination.h"

namespace ecom::admin {
namespace {

constexpr int64_t kMaxPriceCents = money::kMaxAmount;  // DECIMAL(12,2): 9,999,999,999.99

std::string select_products(const tenancy::Tenant& t) {
  return "SELECT p.id, p.name, p.description, p.price, p.discount, p.final_price, p.stock, p.is_active, "
         "p.attributes, p.created_at, p.updated_at, "
         "(SELECT JSON_ARRAYAGG(i.url ORDER BY i.position) FROM " + t.table("product_images") +
         " i WHERE i.product_id = p.id), "
         "(SELECT JSON_ARRAYAGG(JSON_OBJECT('id', c.id, 'name', c.name, 'isActive', c.is_active = 1) "
         "ORDER BY c.name, c.id) FROM " + t.table("product_categories") + " pc JOIN " + t.table("categories") +
         " c ON c.id = pc.category_id WHERE pc.product_id = p.id) FROM " + t.table("products") + " p ";
}

void write_row(http::JsonWriter& w, db::Rows& r) {
  auto m = [&](int col) { return money::parse(r.str(col)).value_or(0); };
  w.begin_object();
  w.field("id", r.str(0));
  w.field("name", r.str(1));
  w.field("description", r.str(2));
  w.key("price").money(m(3));
  w.key("discount").money(m(4));
  w.key("finalPrice").money(m(5));
  w.field("stock", r.i64(6));
  w.field("isActive", r.i64(7) != 0);
  w.key("images").raw(r.is_null(11) ? "[]" : r.str(11));
  w.key("categories").raw(r.is_null(12) ? "[]" : r.str(12));
  w.key("dynamicAttributes").raw(r.str(8));
  w.field("createdAt", clock::iso_from_sql(r.str(9)));
  w.field("updatedAt", clock::iso_from_sql(r.str(10)));
  w.end_object();
}

void write_product_or_404(Context& ctx, const std::string& id) {
  auto r = ctx.tenant_db().query(select_products(ctx.tenant()) + "WHERE p.id = ?", {id});
  if (!r.next()) throw ApiError::NotFound("Product not found.");
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  write_row(w, r);
}

std::string product_id_param(Context& ctx) {
  const std::string& id = ctx.req.param("id");
  if (!uuid::is_valid(id)) throw ApiError::NotFound("Product not found.");
  return uuid::normalize(id);
}

bool product_exists(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query("SELECT 1 FROM " + t.table("products") + " WHERE id = ?", {id});
  return r.next();
}

struct ProductInput {
  std::optional<std::string> name, description, attributes;
  std::optional<int64_t> price, discount, stock;
  std::optional<bool> active;
  std::optional<std::vector<std::string>> images, categories;
};

ProductInput read_product(Context& ctx, bool create) {
  auto body = http::parse_json_body(ctx.req.body);
  Validator v;
  http::ObjectReader r(body.get(), v);
  ProductInput in;
  in.name = read_text(r, v, "name", create, 200);
  in.description = read_text(r, v, "description", false, 10000, true);
  in.price = read_decimal(r, v, "price", create, 2, kMaxPriceCents);
  in.discount = read_decimal(r, v, "discount", false, 2, 100);
  if (create) in.stock = r.integer("stock", false, 0, 1'000'000'000);
  else if (r.has("stock")) v.add("stock", "Set stock with PUT /api/admin/products/{id}/stock.");
  in.active = r.boolean("isActive", false);
  in.images = read_urls(r, v, "images");
  in.categories = read_uuids(r, v, "categoryIds");
  in.attributes = read_flat_object(r, v, "dynamicAttributes");
  if (in.categories && !in.categories->empty()) {
    std::string marks = "?";
    std::vector<db::Param> ids{(*in.categories)[0]};
    for (size_t i = 1; i < in.categories->size(); ++i) {
      marks += ", ?";
      ids.emplace_back((*in.categories)[i]);
    }
    auto found = ctx.tenant_db().query(
        "SELECT COUNT(*) FROM " + ctx.tenant().table("categories") + " WHERE id IN (" + marks + ")", ids);
    if (!found.next() || found.i64(0) != static_cast<int64_t>(in.categories->size()))
      v.add("categoryIds", "Every category id must name an existing category.");
  }
  v.throw_if_any();
  return in;
}

void replace_images(db::Connection& c, const tenancy::Tenant& t, const std::string& id,
                    const std::vector<std::string>& urls) {
  c.exec("DELETE FROM " + t.table("product_images") + " WHERE product_id = ?", {id});
  for (size_t i = 0; i < urls.size(); ++i)
    c.exec("INSERT INTO " + t.table("product_images") + " (product_id, position, url) VALUES (?, ?, ?)",
           {id, static_cast<int64_t>(i), urls[i]});
}

void replace_categories(db::Connection& c, const tenancy::Tenant& t, const std::string& id,
                        const std::vector<std::string>& cats) {
  c.exec("DELETE FROM " + t.table("product_categories") + " WHERE product_id = ?", {id});
  for (const auto& cat : cats)
    c.exec("INSERT INTO " + t.table("product_categories") + " (product_id, category_id) VALUES (?, ?)", {id, cat});
}

// GET /api/admin/products?page&pageSize&search&categoryId&isActive
void list(Context& ctx) {
  auth::require_admin(ctx);
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  const auto& t = ctx.tenant();
  std::string where = "WHERE 1 = 1";
  std::vector<db::Param> params;
  if (const std::string* s = ctx.req.query_param("search"); s && !trim(*s).empty()) {
    where += " AND p.name LIKE ? ESCAPE '\\\\'";
    params.emplace_back(catalog::like_contains_pattern(std::string(trim(*s))));
  }
  if (const std::string* c = ctx.req.query_param("categoryId")) {
    if (!uuid::is_valid(*c)) v.add("categoryId", "categoryId must be a UUID.");
    where += " AND EXISTS (SELECT 1 FROM " + t.table("product_categories") +
             " fpc WHERE fpc.product_id = p.id AND fpc.category_id = ?)";
    params.emplace_back(uuid::normalize(*c));
  }
  if (const std::string* a = ctx.req.query_param("isActive")) {
    if (*a != "true" && *a != "false") v.add("isActive", "isActive must be true or false.");
    where += " AND p.is_active = ?";
    params.emplace_back(static_cast<int64_t>(*a == "true" ? 1 : 0));
  }
  v.throw_if_any();
  auto& c = ctx.tenant_db();
  auto count = c.query("SELECT COUNT(*) FROM " + t.table("products") + " p " + where, params);
  int64_t total = count.next() ? count.i64(0) : 0;
  http::JsonWriter w(ctx.res.body);
  http::write_paged(w, page, total, [&] {
    params.emplace_back(page.page_size);
    params.emplace_back(page.offset());
    auto rows = c.query(select_products(t) + where + " ORDER BY p.name, p.id LIMIT ? OFFSET ?", params);
    while (rows.next()) write_row(w, rows);
  });
}

// GET /api/admin/products/{id}
void get(Context& ctx) {
  auth::require_admin(ctx);
  write_product_or_404(ctx, product_id_param(ctx));
}

// POST /api/admin/products
void create(Context& ctx) {
  auth::require_admin(ctx);
  ProductInput in = read_product(ctx, true);
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  std::string id = uuid::v4();
  db::retry_transaction(c, [&] {
    c.exec("INSERT INTO " + t.table("products") +
               " (id, name, description, price, discount, stock, is_active, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           {id, *in.name, in.description.value_or(""), format_scaled(*in.price, 2),
            format_scaled(in.discount.value_or(0), 2), in.stock.value_or(0),
            static_cast<int64_t>(in.active.value_or(true) ? 1 : 0), in.attributes.value_or("{}")});
    if (in.images) replace_images(c, t, id, *in.images);
    if (in.categories) replace_categories(c, t, id, *in.categories);
    return 0;
  });
  ctx.res.status = http::status::kCreated;
  ctx.res.add_header("Location", "/api/admin/products/" + id);
  write_product_or_404(ctx, id);
}

// PATCH /api/admin/products/{id}
void update(Context& ctx) {
  auth::require_admin(ctx);
  std::string id = product_id_param(ctx);
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  if (!product_exists(c, t, id)) throw ApiError::NotFound("Product not found.");
  ProductInput in = read_product(ctx, false);
  db::retry_transaction(c, [&] {
    std::string set = "updated_at = UTC_TIMESTAMP()";
    std::vector<db::Param> params;
    auto add = [&](const char* col, db::Param p) {
      set += std::string(", ") + col + " = ?";
      params.push_back(std::move(p));
    };
    if (in.name) add("name", *in.name);
    if (in.description) add("description", *in.description);
    if (in.price) add("price", format_scaled(*in.price, 2));
    if (in.discount) add("discount", format_scaled(*in.discount, 2));
    if (in.active) add("is_active", static_cast<int64_t>(*in.active ? 1 : 0));
    if (in.attributes) add("attributes", *in.attributes);
    params.emplace_back(id);
    c.exec("UPDATE " + t.table("products") + " SET " + set + " WHERE id = ?", params);
    if (in.images) replace_images(c, t, id, *in.images);
    if (in.categories) replace_categories(c, t, id, *in.categories);
    return 0;
  });
  write_product_or_404(ctx, id);
}

// PUT /api/admin/products/{id}/stock {stock}
void set_stock(Context& ctx) {
  auth::require_admin(ctx);
  std::string id = product_id_param(ctx);
  auto body = http::parse_json_body(ctx.req.body);
  Validator v;
  http::ObjectReader r(body.get(), v);
  auto stock = r.integer("stock", true, 0, 1'000'000'000);
  v.throw_if_any();
  if (ctx.tenant_db().exec("UPDATE " + ctx.tenant().table("products") +
                               " SET stock = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?",
                           {*stock, id}) == 0 &&
      !product_exists(ctx.tenant_db(), ctx.tenant(), id))
    throw ApiError::NotFound("Product not found.");
  write_product_or_404(ctx, id);
}

// DELETE /api/admin/products/{id}
void remove(Context& ctx) {
  auth::require_admin(ctx);
  std::string id = product_id_param(ctx);
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  bool deleted = db::retry_transaction(c, [&] {
    auto p = c.query("SELECT 1 FROM " + t.table("products") + " WHERE id = ? FOR UPDATE", {id});
    if (!p.next()) throw ApiError::NotFound("Product not found.");
    auto used = c.query("SELECT 1 FROM " + t.table("order_items") + " WHERE product_id = ? LIMIT 1", {id});
    if (used.next()) {
      c.exec("UPDATE " + t.table("products") + " SET is_active = 0, updated_at = UTC_TIMESTAMP() WHERE id = ?", {id});
      return false;
    }
    c.exec("DELETE FROM " + t.table("cart_items") + " WHERE product_id = ?", {id});
    c.exec("DELETE FROM " + t.table("products") + " WHERE id = ?", {id});
    return true;
  });
  http::JsonWriter w(ctx.res.body);
  w.begin_object().field("id", id).field("deleted", deleted).field("isActive", false).end_object();
}

}  // namespace

void add_product_routes(http::Router& r) {
  http::RouteOptions t{.tenant = true};
  r.add("GET", "/api/admin/products", list, t);
  r.add("POST", "/api/admin/products", create, t);
  r.add("GET", "/api/admin/products/{id}", get, t);
  r.add("PATCH", "/api/admin/products/{id}", update, t);
  r.add("DELETE", "/api/admin/products/{id}", remove, t);
  r.add("PUT", "/api/admin/products/{id}/stock", set_stock, t);
}

}  // namespace ecom::admin
