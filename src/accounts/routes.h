// Customer accounts (CONTRACT §9): register, login, me, activate-account, and a
// customer's order history.
#pragma once

#include "http/router.h"

namespace ecom::accounts {
void add_routes(http::Router& r);
}
