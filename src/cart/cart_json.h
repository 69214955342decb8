// CartDto (document §4.1) and its lines (also the quote's items, without the image).
#pragma once

#include "cart/cart_repository.h"
#include "http/json_writer.h"

namespace ecom::cart {

void write_cart(http::JsonWriter& w, const Cart& c);
void write_cart_line(http::JsonWriter& w, const CartLine& l, bool with_image);

}  // namespace ecom::cart
