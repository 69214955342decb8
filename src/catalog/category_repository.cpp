#include "catalog/category_repository.h"

#include "common/uuid.h"

namespace ecom::catalog {
namespace {

// productCount is maintained on write (sql/tenant/0004_catalog_counts.sql).
std::string select_categories(const tenancy::Tenant& t) {
  return "SELECT c.id, c.name, c.description, c.is_active, COALESCE(cc.product_count, 0) FROM " +
         t.table("categories") + " c LEFT JOIN " + t.table("category_counts") + " cc ON cc.category_id = c.id ";
}

CategoryRow read_category(db::Rows& r) {
  CategoryRow c;
  c.id = r.str(0);
  c.name = r.str(1);
  c.description = r.str(2);
  c.active = r.i64(3) != 0;
  c.product_count = r.i64(4);
  return c;
}

}  // namespace

std::vector<CategoryRow> list_categories(db::Connection& c, const tenancy::Tenant& t) {
  std::vector<CategoryRow> out;
  auto rows = c.query("SELECT c.id, c.name, c.description, COALESCE(cc.product_count, 0) FROM " +
                      t.table("categories") + " c LEFT JOIN " + t.table("category_counts") +
                      " cc ON cc.category_id = c.id WHERE c.is_active = 1 ORDER BY c.name, c.id");
  while (rows.next()) out.push_back({rows.str(0), rows.str(1), rows.str(2), rows.i64(3)});
  return out;
}

CategoryPage list_all_categories(db::Connection& c, const tenancy::Tenant& t, int64_t limit, int64_t offset) {
  CategoryPage page;
  auto count = c.query("SELECT COUNT(*) FROM " + t.table("categories"));
  page.total_count = count.next() ? count.i64(0) : 0;
  if (page.total_count <= offset) return page;  // past the end: no second query
  auto r = c.query(select_categories(t) + "ORDER BY c.name, c.id LIMIT ? OFFSET ?", {limit, offset});
  while (r.next()) page.items.push_back(read_category(r));
  return page;
}

std::optional<CategoryRow> find_category(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query(select_categories(t) + "WHERE c.id = ?", {id});
  if (!r.next()) return std::nullopt;
  return read_category(r);
}

bool categories_exist(db::Connection& c, const tenancy::Tenant& t, const std::vector<std::string>& ids) {
  if (ids.empty()) return true;
  std::string marks = "?";
  std::vector<db::Param> params{ids[0]};
  for (size_t i = 1; i < ids.size(); ++i) {
    marks += ", ?";
    params.emplace_back(ids[i]);
  }
  auto found = c.query("SELECT COUNT(*) FROM " + t.table("categories") + " WHERE id IN (" + marks + ")", params);
  return found.next() && found.i64(0) == static_cast<int64_t>(ids.size());
}

std::string create_category(db::Connection& c, const tenancy::Tenant& t, const std::string& name,
                            const std::string& description, bool active) {
  std::string id = uuid::v4();
  c.exec("INSERT INTO " + t.table("categories") + " (id, name, description, is_active) VALUES (?, ?, ?, ?)",
         {id, name, description, static_cast<int64_t>(active ? 1 : 0)});
  return id;
}

bool update_category(db::Connection& c, const tenancy::Tenant& t, const std::string& id, const CategoryChanges& ch) {
  auto exists = c.query("SELECT 1 FROM " + t.table("categories") + " WHERE id = ?", {id});
  if (!exists.next()) return false;
  std::string set;
  std::vector<db::Param> params;
  auto add = [&](const char* col, db::Param p) {
    set += std::string(set.empty() ? "" : ", ") + col + " = ?";
    params.push_back(std::move(p));
  };
  if (ch.name) add("name", *ch.name);
  if (ch.description) add("description", *ch.description);
  if (ch.active) add("is_active", static_cast<int64_t>(*ch.active ? 1 : 0));
  if (set.empty()) return true;
  params.emplace_back(id);
  c.exec("UPDATE " + t.table("categories") + " SET " + set + " WHERE id = ?", params);
  return true;
}

}  // namespace ecom::catalog
