// The route table: every module adds its own routes here, so any endpoint's
// code is one hop from its path.
#include "accounts/routes.h"
#include "admin/routes.h"
#include "app/dispatcher.h"
#include "cart/routes.h"
#include "catalog/routes.h"
#include "checkout/routes.h"
#include "health/routes.h"
#include "orders/routes.h"
#include "provisioning/routes.h"
#include "storefront/routes.h"
#include "superadmin/routes.h"

namespace ecom {

http::Router build_router() {
  http::Router r;
  health::add_routes(r);
  storefront::add_routes(r);
  catalog::add_routes(r);
  cart::add_routes(r);
  checkout::add_routes(r);
  orders::add_routes(r);
  accounts::add_routes(r);
  admin::add_routes(r);
  provisioning::add_routes(r);
  superadmin::add_routes(r);
  return r;
}

}  // namespace ecom
