// An order's lines as JSON ("items": [{productId, productName, price, quantity,
// subtotal}]) — shared by the shopper's and the admin's order views.
#pragma once

#include <string>

#include "db/connection.h"
#include "http/json_writer.h"
#include "tenancy/tenant.h"

namespace ecom::orders {

// Writes the key "items" and the array of the order's lines, in line order.
void write_order_lines(http::JsonWriter& w, db::Connection& c, const tenancy::Tenant& t, const std::string& order_id);

}  // namespace ecom::orders
