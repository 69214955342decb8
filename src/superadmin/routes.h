// Super-admin management of stores (document §7, CONTRACT §8).
#pragma once

#include "http/router.h"

namespace ecom::superadmin {
void add_routes(http::Router& r);
}
