// GET /health, /status and /metrics (document §8, CONTRACT §10).
#pragma once

#include "http/router.h"

namespace ecom::health {
void add_routes(http::Router& r);
}
