#include "admin/product_removal.h"

#include "cart/cart_repository.h"
#include "catalog/product_repository.h"
#include "db/retry.h"
#include "orders/order_repository.h"

namespace ecom::admin {

Removal remove_product(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  return db::retry_transaction(c, [&] {
    if (!catalog::lock_product(c, t, id)) return Removal::NotFound;
    if (orders::product_was_ordered(c, t, id)) {
      catalog::deactivate_product(c, t, id);
      return Removal::Deactivated;
    }
    cart::remove_product_from_carts(c, t, id);
    catalog::delete_product(c, t, id);
    return Removal::Deleted;
  });
}

}  // namespace ecom::admin
