// Catalog reads for one store. Every query names the store's schema (see
// tenancy::Tenant::table). The unfiltered product list is one query (its total is the
// maintained counter catalog_stats.active_products); a filtered one is two (count + page).
// Images and categories are aggregated in the page query; category counts are maintained
// on write (category_counts, sql/tenant/0004_catalog_counts.sql).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/product_filter.h"
#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::catalog {

struct ProductRow {
  std::string id, name, description;
  money::Cents price = 0, final_price = 0;
  int64_t discount_hundredths = 0;
  int64_t stock = 0;
  bool active = true;
  std::string attributes_json;  // a JSON object
  std::string images_json;      // a JSON array of strings
  std::string categories_json;  // a JSON array of {id, name}
};

struct ProductPage {
  std::vector<ProductRow> items;
  int64_t total_count = 0;
};

struct CategoryRow {
  std::string id, name, description;
  int64_t product_count = 0;
};

ProductPage list_products(db::Connection& c, const tenancy::Tenant& t, const ProductFilter& f);
// Active product by id, or false.
bool find_active_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id, ProductRow& out);
std::vector<CategoryRow> list_categories(db::Connection& c, const tenancy::Tenant& t);

}  // namespace ecom::catalog
