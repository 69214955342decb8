// A store's products: every statement on `products` and on what belongs to a product
// alone (product_images, product_categories). Every query names the store's schema (see
// tenancy::Tenant::table). The unfiltered public list is one query (its total is the
// maintained counter catalog_stats.active_products); a filtered one is two (count + page).
// Categories are aggregated in the page query; images are read from the product row's copy
// (products.image_urls, kept from product_images by triggers: sql/tenant/0005_product_image_urls.sql)
// and category counts are maintained on write (category_counts, sql/tenant/0004_catalog_counts.sql).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/category_repository.h"
#include "catalog/product_query.h"
#include "common/money.h"
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
  // A JSON array of {id, name}: the public reads list active categories only; the admin
  // reads list every linked category as {id, name, isActive}.
  std::string categories_json;
  std::string created_at, updated_at;  // ISO 8601; admin reads only
};

struct ProductPage {
  std::vector<ProductRow> items;
  int64_t total_count = 0;
};

// --- The public catalog (active products only).
ProductPage list_products(db::Connection& c, const tenancy::Tenant& t, const ProductQuery& q, int64_t limit,
                          int64_t offset);
// Active product by id, or false.
bool find_active_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id, ProductRow& out);

// --- The store admin (inactive products included).
// By name; the page is read only when it is not past the end.
ProductPage list_all_products(db::Connection& c, const tenancy::Tenant& t, const AdminProductQuery& q, int64_t limit,
                              int64_t offset);
std::optional<ProductRow> find_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id);
bool product_exists(db::Connection& c, const tenancy::Tenant& t, const std::string& id);

// What a create or an update sets; an absent field is left as it is (on create: its default).
struct ProductChanges {
  std::optional<std::string> name, description;
  std::optional<std::string> attributes_json;  // a flat JSON object
  std::optional<money::Cents> price;
  std::optional<int64_t> discount_hundredths;
  std::optional<int64_t> stock;  // create only
  std::optional<bool> active;
  std::optional<std::vector<std::string>> image_urls;    // replaces every image, in this order
  std::optional<std::vector<std::string>> category_ids;  // replaces every link; existing categories
};

// name and price are required. Returns the new product's id.
std::string create_product(db::Connection& c, const tenancy::Tenant& t, const ProductChanges& in);
// The product must exist (product_exists); stock is not changed here (set_stock).
void update_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id, const ProductChanges& in);
// False when there is no such product.
bool set_stock(db::Connection& c, const tenancy::Tenant& t, const std::string& id, int64_t stock);

// The steps of removing a product, inside the caller's transaction (admin/product_removal
// decides between them): lock it (false when it does not exist), deactivate it, delete it.
bool lock_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id);
void deactivate_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id);
void delete_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id);

// --- Carts: what a cart change checks (any product, active or not).
struct ProductState {
  bool active = false;
  int64_t stock = 0;
  money::Cents final_price = 0;
  std::string name;
};
std::optional<ProductState> find_product_state(db::Connection& c, const tenancy::Tenant& t, const std::string& id);

}  // namespace ecom::catalog
