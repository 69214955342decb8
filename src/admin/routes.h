// The store admin API under /api/admin/ (CONTRACT §9): role admin only
// (401 without a valid token, 403 for a customer).
#pragma once

#include "http/router.h"

namespace ecom::admin {

void add_product_routes(http::Router& r);
void add_category_routes(http::Router& r);
void add_order_routes(http::Router& r);
void add_settings_routes(http::Router& r);

inline void add_routes(http::Router& r) {
  add_product_routes(r);
  add_category_routes(r);
  add_order_routes(r);
  add_settings_routes(r);
}

}  // namespace ecom::admin
