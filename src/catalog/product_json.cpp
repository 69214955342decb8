#include "catalog/product_json.h"

namespace ecom::catalog {
namespace {

void write_product_fields(http::JsonWriter& w, const ProductRow& p) {
  w.field("id", p.id);
  w.field("name", p.name);
  w.field("description", p.description);
  w.key("price").money(p.price);
  w.key("discount").money(p.discount_hundredths);
  w.key("finalPrice").money(p.final_price);
  w.field("stock", p.stock);
  w.field("isActive", p.active);
  w.key("images").raw(p.images_json);
  w.key("categories").raw(p.categories_json);
  w.key("dynamicAttributes").raw(p.attributes_json);
}

}  // namespace

void write_product(http::JsonWriter& w, const ProductRow& p) {
  w.begin_object();
  write_product_fields(w, p);
  w.end_object();
}

void write_admin_product(http::JsonWriter& w, const ProductRow& p) {
  w.begin_object();
  write_product_fields(w, p);
  w.field("createdAt", p.created_at);
  w.field("updatedAt", p.updated_at);
  w.end_object();
}

void write_category(http::JsonWriter& w, const CategoryRow& c) {
  w.begin_object();
  w.field("id", c.id);
  w.field("name", c.name);
  w.field("description", c.description);
  w.field("productCount", c.product_count);
  w.end_object();
}

void write_admin_category(http::JsonWriter& w, const CategoryRow& c) {
  w.begin_object();
  w.field("id", c.id);
  w.field("name", c.name);
  w.field("description", c.description);
  w.field("isActive", c.active);
  w.field("productCount", c.product_count);
  w.end_object();
}

}  // namespace ecom::catalog
