// CartDto (document §4.1).
#pragma once

#include "cart/cart_repository.h"
#include "http/json_writer.h"

namespace ecom::cart {

void write_cart(http::JsonWriter& w, const Cart& c);

}  // namespace ecom::cart
