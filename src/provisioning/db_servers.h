// The database servers that hold store schemas (the control database's db_servers): listing,
// adding, draining, removing, and placing a new store. Credentials are never kept here (see
// common/config.h, [db_server.NAME]).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "http/json_writer.h"

namespace ecom::provisioning {

inline constexpr const char* kServerActive = "active";
inline constexpr const char* kServerDraining = "draining";

struct DbServer {
  int64_t id = 0;
  std::string name, url, state;
  int64_t capacity = 0;                // the one that counts: configured, else derived
  std::optional<int64_t> configured;   // set by an operator (server add --capacity, server capacity)
  std::optional<int64_t> derived;      // from the server's limits (server_limits.h), when read
  std::string limits;                  // what `derived` was derived from
  std::optional<int64_t> limits_age;   // seconds since the limits were last read (or tried)
  int64_t stores = 0;  // stores placed there (any status, sign-ups waiting to be built included)
  bool is_default = false;
  int64_t free() const { return capacity > stores ? capacity - stores : 0; }
  const char* capacity_source() const { return configured ? "configured" : "derived"; }
  // "database server 'NAME' is full: N stores, capacity M (configured)"
  std::string full_message() const;
};

// Every server, by id.
std::vector<DbServer> list_db_servers(db::Connection& control);
std::optional<DbServer> find_db_server(db::Connection& control, const std::string& name);

enum class ServerChange { Done, NotFound, Exists, NotEmpty, IsDefault };
// A capacity of nullopt: derived from the server's limits.
ServerChange add_db_server(db::Connection& control, const std::string& name, const std::string& url,
                           std::optional<int64_t> capacity);
ServerChange set_db_server_state(db::Connection& control, const std::string& name, const char* state);
ServerChange set_db_server_capacity(db::Connection& control, const std::string& name,
                                    std::optional<int64_t> capacity);
// Records the capacity derived from server `id`'s limits (described by `limits`), read now.
void record_derived_capacity(db::Connection& control, int64_t id, int64_t capacity, const std::string& limits);
// Records that server `id`'s limits could not be read now (it keeps its derived capacity, and
// is asked again when that reading is old enough). Until its limits are read once, a server
// counts as holding kStoresPerServerTested (server_limits.h).
void record_limits_unread(db::Connection& control, int64_t id);

// Stores on server `server_id` that are built or being built (any status but
// PendingConfirmation and Queued), `tenant_id` left out: what a queued sign-up must find room
// beside.
int64_t built_stores_besides(db::Connection& control, int64_t server_id, const std::string& tenant_id);
// Only a server that holds no store, and never the default server.
ServerChange remove_db_server(db::Connection& control, const std::string& name);

// Where a new store goes: `requested` (by name) when given and it has room, else the active
// server with the most free capacity (ties: the default server, then the oldest). Full when the
// requested server, or every active server, has no room; `server` is then the full server (the
// requested one, else the active one with the fewest stores over its capacity), when there is one.
struct Placement {
  enum Outcome { Placed, Unknown, Draining, Full } outcome = Full;
  DbServer server;
  bool has_server = false;  // Placed, or Full on a server that is active
  std::string message;      // why not, when not Placed
};
Placement place_store(db::Connection& control, const std::string& requested = "");

// How ecom-provision shows a server's room (server list, status): its stores, capacity, where
// the capacity comes from ("configured" or "derived", with the limits it was derived from, and
// the derived one even when an operator's counts) and what is free, as fields of the object `w`
// is writing; and as a table's columns.
void write_capacity_fields(http::JsonWriter& w, const DbServer& s);
std::string capacity_columns_header();  // NAME STATE STORES CAPACITY SOURCE FREE
std::string capacity_columns(const DbServer& s);

// A URL the connector understands: unix:///path or tcp://host:port.
bool valid_db_url(const std::string& url);

}  // namespace ecom::provisioning
