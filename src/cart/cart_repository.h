// Cart reads and writes for one store (every table named with its schema).
// Writers lock the cart row first (SELECT … FOR UPDATE), so concurrent changes
// to one cart — and place-order — are serialised and nothing is lost.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cart/cart_owner.h"
#include "common/money.h"
#include "db/connection.h"
#include "tenancy/tenant.h"

namespace ecom::cart {

struct CartLine {
  std::string id, product_id, product_name, image;  // image: "" when none
  money::Cents price = 0;                            // at time of adding
  int64_t quantity = 0;
  int64_t stock = 0;     // the product's current stock
  bool available = true;  // the product is still active
};

struct Cart {
  std::string id, session_id;
  std::vector<CartLine> lines;
  int64_t item_count() const;
  // Σ price × quantity, exact: a cart may hold more than an order can (checkout refuses it).
  money::WideCents subtotal() const;
};

// The owner's cart with its lines, or nullopt when there is none.
std::optional<Cart> load_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o);

// Inside a transaction: the id of the owner's cart, locked; nullopt when none.
std::optional<std::string> lock_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o);
// Inside a transaction: the id of the owner's cart, created if needed, locked.
std::string lock_or_create_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o);

struct CartChange {
  std::string product_id;      // for add
  std::string item_id;         // for update
  int64_t quantity = 0;        // add: amount to add; update: new quantity
  int64_t max_cart_items = 0;  // the store's limit on the cart's total quantity
};

// Why a cart change was refused (cart/routes.cpp answers each with its Problem Details).
enum class CartErrorKind {
  CartNotFound,        // the owner has no cart
  ItemNotFound,        // no such line in the owner's cart
  ProductNotFound,     // adding a product that is missing or inactive
  ProductUnavailable,  // changing the line of a product since deactivated or deleted
  InsufficientStock,   // the line would hold more than the product's stock
  LimitExceeded,       // the cart would hold more than the store's maxCartItems (and more than before)
};

struct CartError {
  CartErrorKind kind = CartErrorKind::CartNotFound;
  std::string product_name{};  // ProductUnavailable, InsufficientStock
  int64_t stock = 0;         // InsufficientStock
  int64_t quantity = 0;      // InsufficientStock: the line's new quantity; LimitExceeded: the cart's
  int64_t max_items = 0;     // LimitExceeded
};

// Adds to (or creates) the line of a product; nullopt when done. Refused (and nothing
// changed): ProductNotFound, InsufficientStock, LimitExceeded.
[[nodiscard]] std::optional<CartError> add_item(db::Connection& c, const tenancy::Tenant& t, const Owner& o,
                                                const CartChange& ch);
// Sets a line's quantity; nullopt when done. Refused (and nothing changed): ItemNotFound,
// ProductUnavailable, InsufficientStock, LimitExceeded.
[[nodiscard]] std::optional<CartError> update_item(db::Connection& c, const tenancy::Tenant& t, const Owner& o,
                                                   const CartChange& ch);
// Removes a line; false when this cart has no such line.
bool remove_item(db::Connection& c, const tenancy::Tenant& t, const Owner& o, const std::string& item_id);
// A customer's first authenticated call with the X-Session-Id of a guest cart:
// the guest's lines move into the customer's cart (quantities added, capped by
// stock and by `max_cart_items`) and the guest cart is deleted. Returns the
// quantity moved; 0 when there was nothing to merge.
int64_t merge_guest_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o, int64_t max_cart_items);

// Deletes the owner's cart (and its lines).
void delete_cart(db::Connection& c, const tenancy::Tenant& t, const Owner& o);

// Takes a product out of every cart (before the product itself is deleted).
void remove_product_from_carts(db::Connection& c, const tenancy::Tenant& t, const std::string& product_id);

// Housekeeping (ecom-provision gc): deletes the guest carts idle for 30 days; returns how many.
int64_t delete_idle_guest_carts(db::Connection& c, const tenancy::Tenant& t);

}  // namespace ecom::cart
