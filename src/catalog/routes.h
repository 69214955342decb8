// Public catalog (document §3): products list/detail and categories.
#pragma once

#include "http/router.h"

namespace ecom::catalog {
void add_routes(http::Router& r);
}
