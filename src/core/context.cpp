#include "core/context.h"

#include "http/client_address.h"
#include "prefork/scoreboard.h"

namespace ecom {

Services::Services(const Config& c)
    : config(c),
      pool(db::ConnectOptions{c.db_url, c.db_user, c.db_password, c.control_schema,
                              static_cast<int>(c.db_connect_timeout), static_cast<int>(c.db_read_timeout),
                              static_cast<int>(c.db_write_timeout), static_cast<size_t>(c.db_statement_cache)}),
      registry(c.tenant_cache_ttl_ms, prefork::scoreboard() ? &prefork::scoreboard()->tenancy_generation : nullptr,
               prefork::scoreboard() ? &prefork::scoreboard()->metrics.tenant_cache_hits : nullptr,
               prefork::scoreboard() ? &prefork::scoreboard()->metrics.tenant_cache_misses : nullptr),
      trusted_proxies(net::parse_cidr_list(c.trusted_proxies).value_or(std::vector<net::Cidr>{})),
      answers(static_cast<size_t>(c.catalog_cache_bytes), c.catalog_cache_ttl_ms) {}

db::Connection& Services::server_db(const std::string& name, const std::string& url) {
  auto [user, password] = db_server_app_login(config, name);
  return pool.get(url, user, password);
}

void Services::tenants_changed() {
  registry.clear();
  prefork::announce_tenancy_change();
}

std::string Context::client_key() const {
  auto a = http::client_address(req, services.trusted_proxies);
  return a ? net::limit_key(*a) : "unknown";
}

}  // namespace ecom
