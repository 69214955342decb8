#include "provisioning/server_limits.h"

#include <algorithm>

namespace ecom::provisioning {

int64_t derive_capacity(const ServerLimits& l, int64_t tables_per_store) {
  const int64_t tables = std::max<int64_t>(1, tables_per_store);
  if (l.innodb_open_files + l.max_connections + kDescriptorReserve <= l.open_files_limit) return kStoresPerServerTested;
  const int64_t left = l.open_files_limit - l.max_connections - kDescriptorReserve;
  return std::clamp<int64_t>(left / tables, 0, kStoresPerServerTested);
}

std::string describe_limits(const ServerLimits& l, int64_t tables_per_store) {
  return "open_files_limit " + std::to_string(l.open_files_limit) + ", innodb_open_files " +
         std::to_string(l.innodb_open_files) + ", max_connections " + std::to_string(l.max_connections) +
         ", table_open_cache " + std::to_string(l.table_open_cache) + ", " + std::to_string(tables_per_store) +
         " tables a store";
}

ServerLimits read_server_limits(db::Connection& c) {
  auto r = c.query("SELECT @@open_files_limit, @@innodb_open_files, @@max_connections, @@table_open_cache");
  ServerLimits l;
  if (r.next()) {
    l.open_files_limit = r.i64(0);
    l.innodb_open_files = r.i64(1);
    l.max_connections = r.i64(2);
    l.table_open_cache = r.i64(3);
  }
  return l;
}

int64_t count_base_tables(db::Connection& c, const std::string& schema) {
  auto r = c.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
                   {schema});
  return r.next() ? r.i64(0) : 0;
}

}  // namespace ecom::provisioning
