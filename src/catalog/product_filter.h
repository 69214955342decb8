// The product list's query parameters (document §3.1, CONTRACT §5), validated
// with every error collected.
#pragma once

#include <string>

#include "catalog/product_query.h"
#include "http/pagination.h"
#include "http/request.h"

namespace ecom::catalog {

struct ProductFilter : ProductQuery {
  http::Page page;
};

// Throws ApiError 400 (with `errors`) on any invalid parameter.
ProductFilter parse_product_filter(const http::Request& req);

// The filter in one canonical spelling (the answer cache's key): two requests that parse to the
// same filter — parameters in another order, unknown ones, "10" and "10.00", a UUID in upper
// case, defaults spelt out or not — get the same string, and different filters different ones.
std::string canonical_key(const ProductFilter& f);

}  // namespace ecom::catalog
