// Checkout (document §5, CONTRACT §7): quote and place-order.
#pragma once

#include "http/router.h"

namespace ecom::checkout {
void add_routes(http::Router& r);
}
