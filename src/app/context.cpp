#include "app/context.h"

#include "auth/password.h"

namespace ecom {

Services::Services(const Config& c)
    : config(c),
      pool(db::ConnectOptions{c.db_url, c.db_user, c.db_password, c.control_schema,
                              static_cast<int>(c.db_connect_timeout), static_cast<int>(c.db_read_timeout),
                              static_cast<int>(c.db_write_timeout)}),
      registry(c.tenant_cache_ttl_ms) {
  // Built now rather than on the first unknown-email login, so that login's timing
  // does not tell an unknown email apart (see accounts/routes.cpp).
  auth::password_dummy_hash(c.password_iterations);
}

}  // namespace ecom
