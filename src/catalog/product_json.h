// ProductDto and CategoryDto as JSON (document §3), and the store admin's versions (CONTRACT §9).
#pragma once

#include "catalog/category_repository.h"
#include "catalog/product_repository.h"
#include "http/json_writer.h"

namespace ecom::catalog {

void write_product(http::JsonWriter& w, const ProductRow& p);
void write_category(http::JsonWriter& w, const CategoryRow& c);

// The admin's: a product with createdAt and updatedAt; a category with isActive.
void write_admin_product(http::JsonWriter& w, const ProductRow& p);
void write_admin_category(http::JsonWriter& w, const CategoryRow& c);

}  // namespace ecom::catalog
