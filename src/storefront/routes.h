// A store's public configuration (document §2) and feature flags (document §6).
#pragma once

#include "http/router.h"

namespace ecom::storefront {
void add_routes(http::Router& r);
}
