// A shopper's view of an order (CONTRACT §7): GET /api/orders/{orderId}.
#pragma once

#include "http/router.h"

namespace ecom::orders {
void add_routes(http::Router& r);
}
