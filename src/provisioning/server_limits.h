// How many stores a database server holds when no operator said (its derived capacity): from
// the server's own limits, read over SQL, and the number of tables a store has.
#pragma once

#include <cstdint>
#include <string>

#include "db/connection.h"

namespace ecom::provisioning {

// The most stores one server is meant to hold well: what `make bench-stores` grows one MariaDB
// to (10,000 stores of 16 tables each on a 2-core, 24 GB machine; README "Sizing a database
// server" has what it measured). A server whose file
// descriptors do not bound the count derives this capacity; to go beyond it an operator sets a
// capacity of the server's own (`ecom-provision server capacity NAME N`).
inline constexpr int64_t kStoresPerServerTested = 10000;
// The descriptors a server keeps besides its tables' files and its connections: logs, the
// redo and undo files, temporary files, the listening sockets.
inline constexpr int64_t kDescriptorReserve = 200;

struct ServerLimits {
  int64_t open_files_limit = 0;   // descriptors the server process may hold
  int64_t innodb_open_files = 0;  // .ibd files InnoDB keeps open at most
  int64_t max_connections = 0;    // one descriptor each
  int64_t table_open_cache = 0;   // shown for the operator; InnoDB tables keep no descriptor there
};

// The derived capacity. When InnoDB may keep more .ibd files open than the process has
// descriptors left for them (innodb_open_files + max_connections + the reserve exceed
// open_files_limit), opening a table fails with "Too many open files" once about
// (open_files_limit - max_connections - reserve) / tables_per_store stores are in use: that many
// stores (at most kStoresPerServerTested). Otherwise InnoDB closes files before the descriptors
// run out, and the capacity is kStoresPerServerTested.
int64_t derive_capacity(const ServerLimits& limits, int64_t tables_per_store);

// "open_files_limit 45000, innodb_open_files 20000, max_connections 500, table_open_cache 20000,
// 16 tables a store": what a derived capacity was derived from.
std::string describe_limits(const ServerLimits& limits, int64_t tables_per_store);

// The server's limits (any account may read them). Throws db::Error.
ServerLimits read_server_limits(db::Connection& server);
// The base tables of `schema` on `server` (0 when there is no such schema). Throws db::Error.
int64_t count_base_tables(db::Connection& server, const std::string& schema);

}  // namespace ecom::provisioning
