// ProductDto and CategoryDto as JSON (document §3).
#pragma once

#include "catalog/product_repository.h"
#include "http/json_writer.h"

namespace ecom::catalog {

void write_product(http::JsonWriter& w, const ProductRow& p);
void write_category(http::JsonWriter& w, const CategoryRow& c);

}  // namespace ecom::catalog
