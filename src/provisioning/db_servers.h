// The database servers that hold store schemas (the control database's db_servers): listing,
// adding, draining, removing, and placing a new store. Credentials are never kept here (see
// common/config.h, [db_server.NAME]).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

namespace ecom::provisioning {

inline constexpr const char* kServerActive = "active";
inline constexpr const char* kServerDraining = "draining";

struct DbServer {
  int64_t id = 0;
  std::string name, url, state;
  int64_t capacity = 0;
  int64_t stores = 0;  // stores whose schema it holds (any status)
  bool is_default = false;
  int64_t free() const { return capacity - stores; }
};

// Every server, by id.
std::vector<DbServer> list_db_servers(db::Connection& control);
std::optional<DbServer> find_db_server(db::Connection& control, const std::string& name);

enum class ServerChange { Done, NotFound, Exists, NotEmpty, IsDefault };
ServerChange add_db_server(db::Connection& control, const std::string& name, const std::string& url,
                           int64_t capacity);
ServerChange set_db_server_state(db::Connection& control, const std::string& name, const char* state);
ServerChange set_db_server_capacity(db::Connection& control, const std::string& name, int64_t capacity);
// Only a server that holds no store, and never the default server.
ServerChange remove_db_server(db::Connection& control, const std::string& name);

// Where a new store goes: `requested` (by name) when given, else the active server with the most
// free capacity (ties: the default server, then the oldest).
struct Placement {
  enum Outcome { Placed, Unknown, Draining, Full } outcome = Full;
  DbServer server;
  std::string message;  // why not, when not Placed
};
Placement place_store(db::Connection& control, const std::string& requested = "");

// A URL the connector understands: unix:///path or tcp://host:port.
bool valid_db_url(const std::string& url);

}  // namespace ecom::provisioning
