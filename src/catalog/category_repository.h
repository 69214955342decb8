// A store's categories: every statement on `categories` (and its maintained counts,
// category_counts, sql/tenant/0004_catalog_counts.sql). Every query names the store's schema.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::catalog {

struct CategoryRow {
  std::string id, name, description;
  int64_t product_count = 0;  // its active products
  bool active = true;
};

struct CategoryPage {
  std::vector<CategoryRow> items;
  int64_t total_count = 0;
};

// The public catalog: active categories, by name.
std::vector<CategoryRow> list_categories(db::Connection& c, const tenancy::Tenant& t);

// The store admin: every category, by name; the page is read only when it is not past the end.
CategoryPage list_all_categories(db::Connection& c, const tenancy::Tenant& t, int64_t limit, int64_t offset);
// Any category by id (inactive included).
std::optional<CategoryRow> find_category(db::Connection& c, const tenancy::Tenant& t, const std::string& id);
// True when every id (distinct) names a category, active or not.
bool categories_exist(db::Connection& c, const tenancy::Tenant& t, const std::vector<std::string>& ids);

struct CategoryChanges {
  std::optional<std::string> name, description;
  std::optional<bool> active;
};

// Returns the new category's id.
std::string create_category(db::Connection& c, const tenancy::Tenant& t, const std::string& name,
                            const std::string& description, bool active);
// False when there is no such category.
bool update_category(db::Connection& c, const tenancy::Tenant& t, const std::string& id, const CategoryChanges& ch);

}  // namespace ecom::catalog
