// What a product list asks the repository for, without the HTTP request it came from
// (the public catalog's filter, catalog/product_filter.h, and the admin's list).
#pragma once

#include <optional>
#include <string>

#include "common/money.h"

namespace ecom::catalog {

enum class Sort { Name, Price, PriceDesc, Newest };

// The public catalog: active products in active categories only.
struct ProductQuery {
  std::optional<std::string> search;       // raw substring, case-insensitive
  std::optional<std::string> category_id;  // lowercase UUID
  std::optional<money::Cents> min_price;   // on finalPrice
  std::optional<money::Cents> max_price;
  Sort sort = Sort::Name;
};

// The store admin's list: inactive products and links to inactive categories included.
struct AdminProductQuery {
  std::optional<std::string> search;       // raw substring, case-insensitive
  std::optional<std::string> category_id;  // lowercase UUID
  std::optional<bool> active;
};

// "%" and "_" are literals: escapes them (and the escape character) for LIKE ... ESCAPE '\\'.
std::string like_contains_pattern(const std::string& term);

}  // namespace ecom::catalog
