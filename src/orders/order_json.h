// Orders as JSON: the shopper's and the admin's views of one order, and the rows
// of their order lists (CONTRACT §7, §9).
#pragma once

#include "http/json_writer.h"
#include "orders/order_repository.h"

namespace ecom::orders {

// The key "items" and the array of the order's lines [{productId, productName, price,
// quantity, subtotal}], in line order.
void write_order_lines(http::JsonWriter& w, const std::vector<OrderLine>& lines);

// GET /api/orders/{orderId}: {orderId, orderNumber, status, createdAt, email, phone,
// shippingAddress, paymentMethod, subtotal, tax, shipping, total, items}.
void write_order(http::JsonWriter& w, const Order& o);

// GET /api/admin/orders/{id}: as the shopper's, with updatedAt and customer {id, name, email, phone}.
void write_admin_order(http::JsonWriter& w, const Order& o);

// A row of GET /api/orders: {orderId, orderNumber, status, createdAt, total, itemCount}.
void write_order_summary(http::JsonWriter& w, const OrderSummary& s);

// A row of GET /api/admin/orders: {orderId, orderNumber, status, createdAt, email, total,
// customerId, itemCount}.
void write_admin_order_summary(http::JsonWriter& w, const OrderSummary& s);

}  // namespace ecom::orders
