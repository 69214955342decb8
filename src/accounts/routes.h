// Customer accounts (CONTRACT §9): register, login, me, activate-account (a
// customer's order history is in orders/).
#pragma once

#include "http/router.h"

namespace ecom::accounts {
void add_routes(http::Router& r);
}
