// The product list's query parameters (document §3.1, CONTRACT §5), validated
// with every error collected.
#pragma once

#include <optional>
#include <string>

#include "common/money.h"
#include "http/pagination.h"
#include "http/request.h"

namespace ecom::catalog {

enum class Sort { Name, Price, PriceDesc, Newest };

struct ProductFilter {
  std::optional<std::string> search;       // raw substring, case-insensitive
  std::optional<std::string> category_id;  // lowercase UUID
  std::optional<money::Cents> min_price;   // on finalPrice
  std::optional<money::Cents> max_price;
  Sort sort = Sort::Name;
  http::Page page;
};

// Throws ApiError 400 (with `errors`) on any invalid parameter.
ProductFilter parse_product_filter(const http::Request& req);

// "%" and "_" are literals: escapes them (and the escape character) for LIKE ... ESCAPE '\\'.
std::string like_contains_pattern(const std::string& term);

}  // namespace ecom::catalog
