// Removing a product touches three modules' tables in one transaction: a product that
// orders refer to is deactivated, never deleted; any other is taken out of every cart,
// then deleted.
#pragma once

#include <string>

#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::admin {

enum class Removal { NotFound, Deactivated, Deleted };

Removal remove_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id);

}  // namespace ecom::admin
