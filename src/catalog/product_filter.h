// The product list's query parameters (document §3.1, CONTRACT §5), validated
// with every error collected.
#pragma once

#include "catalog/product_query.h"
#include "http/pagination.h"
#include "http/request.h"

namespace ecom::catalog {

struct ProductFilter : ProductQuery {
  http::Page page;
};

// Throws ApiError 400 (with `errors`) on any invalid parameter.
ProductFilter parse_product_filter(const http::Request& req);

}  // namespace ecom::catalog
