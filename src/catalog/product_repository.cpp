#include "catalog/product_repository.h"

#include "common/clock.h"
#include "common/uuid.h"
#include "db/retry.h"

namespace ecom::catalog {
namespace {

// The public catalog shows active categories as {id, name}; the admin every linked one, with isActive.
enum class View { Public, Admin };

constexpr int kColumns = 11;  // the columns read_product reads for View::Public; extra ones follow

std::string select_columns(const tenancy::Tenant& t, View view, const std::string& extra = {}) {
  const bool admin = view == View::Admin;
  return std::string("SELECT p.id, p.name, p.description, p.price, p.discount, p.final_price, p.stock, "
                     "p.is_active, p.attributes, p.image_urls, "
                     "(SELECT JSON_ARRAYAGG(JSON_OBJECT('id', c.id, 'name', c.name") +
         (admin ? ", 'isActive', c.is_active = 1" : "") + ") ORDER BY c.name, c.id) FROM " +
         t.table("product_categories") + " pc JOIN " + t.table("categories") + " c ON c.id = pc.category_id" +
         (admin ? "" : " AND c.is_active = 1") + " WHERE pc.product_id = p.id)" +
         (admin ? ", p.created_at, p.updated_at" : "") + extra + " FROM " + t.table("products") + " p ";
}

ProductRow read_product(db::Rows& r, View view) {
  ProductRow p;
  p.id = r.str(0);
  p.name = r.str(1);
  p.description = r.str(2);
  p.price = money::parse(r.str(3)).value_or(0);
  p.discount_hundredths = money::parse(r.str(4)).value_or(0);
  p.final_price = money::parse(r.str(5)).value_or(0);
  p.stock = r.i64(6);
  p.active = r.i64(7) != 0;
  p.attributes_json = r.str(8);
  p.images_json = r.is_null(9) ? "[]" : r.str(9);
  p.categories_json = r.is_null(10) ? "[]" : r.str(10);
  if (view == View::Admin) {
    p.created_at = clock::iso_from_sql(r.str(11));
    p.updated_at = clock::iso_from_sql(r.str(12));
  }
  return p;
}

// WHERE clause and its parameters for the public catalog.
std::string where_clause(const tenancy::Tenant& t, const ProductQuery& q, std::vector<db::Param>& params) {
  std::string w = "WHERE p.is_active = 1";
  if (q.search) {
    w += " AND p.name LIKE ? ESCAPE '\\\\'";
    params.emplace_back(like_contains_pattern(*q.search));
  }
  if (q.category_id) {
    w += " AND EXISTS (SELECT 1 FROM " + t.table("product_categories") + " fpc JOIN " + t.table("categories") +
         " fc ON fc.id = fpc.category_id AND fc.is_active = 1 WHERE fpc.product_id = p.id AND fpc.category_id = ?)";
    params.emplace_back(*q.category_id);
  }
  if (q.min_price) {
    w += " AND p.final_price >= CAST(? AS DECIMAL(14,2))";
    params.emplace_back(money::format(*q.min_price));
  }
  if (q.max_price) {
    w += " AND p.final_price <= CAST(? AS DECIMAL(14,2))";
    params.emplace_back(money::format(*q.max_price));
  }
  return w;
}

// WHERE clause and its parameters for the admin's list.
std::string admin_where_clause(const tenancy::Tenant& t, const AdminProductQuery& q, std::vector<db::Param>& params) {
  std::string w = "WHERE 1 = 1";
  if (q.search) {
    w += " AND p.name LIKE ? ESCAPE '\\\\'";
    params.emplace_back(like_contains_pattern(*q.search));
  }
  if (q.category_id) {
    w += " AND EXISTS (SELECT 1 FROM " + t.table("product_categories") +
         " fpc WHERE fpc.product_id = p.id AND fpc.category_id = ?)";
    params.emplace_back(*q.category_id);
  }
  if (q.active) {
    w += " AND p.is_active = ?";
    params.emplace_back(static_cast<int64_t>(*q.active ? 1 : 0));
  }
  return w;
}

const char* order_clause(Sort s) {
  switch (s) {
    case Sort::Price: return " ORDER BY p.final_price, p.id";
    case Sort::PriceDesc: return " ORDER BY p.final_price DESC, p.id";
    case Sort::Newest: return " ORDER BY p.created_at DESC, p.id";
    case Sort::Name: break;
  }
  return " ORDER BY p.name, p.id";
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

void replace_links(db::Connection& c, const tenancy::Tenant& t, const std::string& id, const ProductChanges& in) {
  if (in.image_urls) replace_images(c, t, id, *in.image_urls);
  if (in.category_ids) replace_categories(c, t, id, *in.category_ids);
}

}  // namespace

std::string like_contains_pattern(const std::string& term) {
  std::string p = "%";
  for (char c : term) {
    if (c == '\\' || c == '%' || c == '_') p.push_back('\\');
    p.push_back(c);
  }
  p.push_back('%');
  return p;
}

ProductPage list_products(db::Connection& c, const tenancy::Tenant& t, const ProductQuery& q, int64_t limit,
                          int64_t offset) {
  ProductPage page;
  std::vector<db::Param> params;
  std::string where = where_clause(t, q, params);
  const bool unfiltered = params.empty();

  if (!unfiltered) {
    auto count = c.query("SELECT COUNT(*) FROM " + t.table("products") + " p " + where, params);
    if (count.next()) page.total_count = count.i64(0);
    if (page.total_count <= offset) return page;  // past the end: no second query
  }
  // Unfiltered, the total is the maintained counter, read in the page query itself: one round trip.
  std::string sql = select_columns(t, View::Public,
                                   unfiltered ? ", (SELECT s.active_products FROM " + t.table("catalog_stats") +
                                                    " s WHERE s.id = 1)"
                                              : std::string());
  params.emplace_back(limit);
  params.emplace_back(offset);
  auto rows = c.query(sql + where + order_clause(q.sort) + " LIMIT ? OFFSET ?", params);
  while (rows.next()) {
    if (unfiltered) page.total_count = rows.i64(kColumns);
    page.items.push_back(read_product(rows, View::Public));
  }
  if (unfiltered && page.items.empty()) {  // past the end (or an empty store): the counter alone
    auto count = c.query("SELECT active_products FROM " + t.table("catalog_stats") + " WHERE id = 1");
    if (count.next()) page.total_count = count.i64(0);
  }
  return page;
}

bool find_active_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id, ProductRow& out) {
  auto rows = c.query(select_columns(t, View::Public) + "WHERE p.id = ? AND p.is_active = 1", {id});
  if (!rows.next()) return false;
  out = read_product(rows, View::Public);
  return true;
}

ProductPage list_all_products(db::Connection& c, const tenancy::Tenant& t, const AdminProductQuery& q, int64_t limit,
                              int64_t offset) {
  ProductPage page;
  std::vector<db::Param> params;
  std::string where = admin_where_clause(t, q, params);
  auto count = c.query("SELECT COUNT(*) FROM " + t.table("products") + " p " + where, params);
  page.total_count = count.next() ? count.i64(0) : 0;
  if (page.total_count <= offset) return page;  // past the end: no second query
  params.emplace_back(limit);
  params.emplace_back(offset);
  auto rows = c.query(select_columns(t, View::Admin) + where + " ORDER BY p.name, p.id LIMIT ? OFFSET ?", params);
  while (rows.next()) page.items.push_back(read_product(rows, View::Admin));
  return page;
}

std::optional<ProductRow> find_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query(select_columns(t, View::Admin) + "WHERE p.id = ?", {id});
  if (!r.next()) return std::nullopt;
  return read_product(r, View::Admin);
}

bool product_exists(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query("SELECT 1 FROM " + t.table("products") + " WHERE id = ?", {id});
  return r.next();
}

std::string create_product(db::Connection& c, const tenancy::Tenant& t, const ProductChanges& in) {
  std::string id = uuid::v4();
  db::retry_transaction(c, [&] {
    c.exec("INSERT INTO " + t.table("products") +
               " (id, name, description, price, discount, stock, is_active, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           {id, in.name.value_or(""), in.description.value_or(""), money::format(in.price.value_or(0)),
            money::format(in.discount_hundredths.value_or(0)), in.stock.value_or(0),
            static_cast<int64_t>(in.active.value_or(true) ? 1 : 0), in.attributes_json.value_or("{}")});
    replace_links(c, t, id, in);
    return 0;
  });
  return id;
}

void update_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id, const ProductChanges& in) {
  db::retry_transaction(c, [&] {
    std::string set = "updated_at = UTC_TIMESTAMP()";
    std::vector<db::Param> params;
    auto add = [&](const char* col, db::Param p) {
      set += std::string(", ") + col + " = ?";
      params.push_back(std::move(p));
    };
    if (in.name) add("name", *in.name);
    if (in.description) add("description", *in.description);
    if (in.price) add("price", money::format(*in.price));
    if (in.discount_hundredths) add("discount", money::format(*in.discount_hundredths));
    if (in.active) add("is_active", static_cast<int64_t>(*in.active ? 1 : 0));
    if (in.attributes_json) add("attributes", *in.attributes_json);
    params.emplace_back(id);
    c.exec("UPDATE " + t.table("products") + " SET " + set + " WHERE id = ?", params);
    replace_links(c, t, id, in);
    return 0;
  });
}

bool set_stock(db::Connection& c, const tenancy::Tenant& t, const std::string& id, int64_t stock) {
  // No row changed also when the stock and the second were the same: then the product exists.
  return c.exec("UPDATE " + t.table("products") + " SET stock = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?",
                {stock, id}) != 0 ||
         product_exists(c, t, id);
}

bool lock_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  return c.query("SELECT 1 FROM " + t.table("products") + " WHERE id = ? FOR UPDATE", {id}).next();
}

void deactivate_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  c.exec("UPDATE " + t.table("products") + " SET is_active = 0, updated_at = UTC_TIMESTAMP() WHERE id = ?", {id});
}

void delete_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  c.exec("DELETE FROM " + t.table("products") + " WHERE id = ?", {id});
}

std::optional<ProductState> find_product_state(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query("SELECT is_active, stock, final_price, name FROM " + t.table("products") + " WHERE id = ?", {id});
  if (!r.next()) return std::nullopt;
  return ProductState{r.i64(0) != 0, r.i64(1), money::parse(r.str(2)).value_or(0), r.str(3)};
}

}  // namespace ecom::catalog
