// Self-service sign-up (document §1, CONTRACT §3): init → confirm → status.
#pragma once

#include "http/router.h"

namespace ecom::provisioning {
void add_routes(http::Router& r);
}
