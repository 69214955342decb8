// Shopping cart (document §4, CONTRACT §6).
#pragma once

#include "http/router.h"

namespace ecom::cart {
void add_routes(http::Router& r);
}
