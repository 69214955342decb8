#include "catalog/product_repository.h"

namespace ecom::catalog {
namespace {

constexpr int kColumns = 11;  // the columns read_product reads; extra ones follow

std::string select_columns(const tenancy::Tenant& t, const std::string& extra = {}) {
  return "SELECT p.id, p.name, p.description, p.price, p.discount, p.final_price, p.stock, p.is_active, "
         "p.attributes, "
         "(SELECT JSON_ARRAYAGG(i.url ORDER BY i.position) FROM " + t.table("product_images") +
         " i WHERE i.product_id = p.id), "
         "(SELECT JSON_ARRAYAGG(JSON_OBJECT('id', c.id, 'name', c.name) ORDER BY c.name, c.id) FROM " +
         t.table("product_categories") + " pc JOIN " + t.table("categories") +
         " c ON c.id = pc.category_id AND c.is_active = 1 WHERE pc.product_id = p.id)" +
         extra + " FROM " + t.table("products") + " p ";
}

ProductRow read_product(db::Rows& r) {
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
  return p;
}

// WHERE clause and its parameters for a filter.
std::string where_clause(const tenancy::Tenant& t, const ProductFilter& f, std::vector<db::Param>& params) {
  std::string w = "WHERE p.is_active = 1";
  if (f.search) {
    w += " AND p.name LIKE ? ESCAPE '\\\\'";
    params.emplace_back(like_contains_pattern(*f.search));
  }
  if (f.category_id) {
    w += " AND EXISTS (SELECT 1 FROM " + t.table("product_categories") + " fpc JOIN " + t.table("categories") +
         " fc ON fc.id = fpc.category_id AND fc.is_active = 1 WHERE fpc.product_id = p.id AND fpc.category_id = ?)";
    params.emplace_back(*f.category_id);
  }
  if (f.min_price) {
    w += " AND p.final_price >= CAST(? AS DECIMAL(14,2))";
    params.emplace_back(money::format(*f.min_price));
  }
  if (f.max_price) {
    w += " AND p.final_price <= CAST(? AS DECIMAL(14,2))";
    params.emplace_back(money::format(*f.max_price));
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

}  // namespace

ProductPage list_products(db::Connection& c, const tenancy::Tenant& t, const ProductFilter& f) {
  ProductPage page;
  std::vector<db::Param> params;
  std::string where = where_clause(t, f, params);
  const bool unfiltered = params.empty();

  if (!unfiltered) {
    auto count = c.query("SELECT COUNT(*) FROM " + t.table("products") + " p " + where, params);
    if (count.next()) page.total_count = count.i64(0);
    if (page.total_count <= f.page.offset()) return page;  // past the end: no second query
  }
  // Unfiltered, the total is the maintained counter, read in the page query itself: one round trip.
  std::string sql = select_columns(t, unfiltered ? ", (SELECT s.active_products FROM " + t.table("catalog_stats") +
                                                       " s WHERE s.id = 1)"
                                                 : std::string());
  params.emplace_back(f.page.page_size);
  params.emplace_back(f.page.offset());
  auto rows = c.query(sql + where + order_clause(f.sort) + " LIMIT ? OFFSET ?", params);
  while (rows.next()) {
    if (unfiltered) page.total_count = rows.i64(kColumns);
    page.items.push_back(read_product(rows));
  }
  if (unfiltered && page.items.empty()) {  // past the end (or an empty store): the counter alone
    auto count = c.query("SELECT active_products FROM " + t.table("catalog_stats") + " WHERE id = 1");
    if (count.next()) page.total_count = count.i64(0);
  }
  return page;
}

bool find_active_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id, ProductRow& out) {
  auto rows = c.query(select_columns(t) + "WHERE p.id = ? AND p.is_active = 1", {id});
  if (!rows.next()) return false;
  out = read_product(rows);
  return true;
}

std::vector<CategoryRow> list_categories(db::Connection& c, const tenancy::Tenant& t) {
  std::vector<CategoryRow> out;
  auto rows = c.query("SELECT c.id, c.name, c.description, COALESCE(cc.product_count, 0) FROM " +
                      t.table("categories") + " c LEFT JOIN " + t.table("category_counts") +
                      " cc ON cc.category_id = c.id WHERE c.is_active = 1 ORDER BY c.name, c.id");
  while (rows.next()) out.push_back({rows.str(0), rows.str(1), rows.str(2), rows.i64(3)});
  return out;
}

}  // namespace ecom::catalog
