// A shopper's orders (CONTRACT §7, §9): GET /api/orders/{orderId} (the session's or
// customer's order) and GET /api/orders (the signed-in customer's orders).
#pragma once

#include "http/router.h"

namespace ecom::orders {
void add_routes(http::Router& r);
}
