#include "provisioning/db_servers.h"

#include <cstdio>

#include "common/config.h"
#include "provisioning/server_limits.h"

namespace ecom::provisioning {
namespace {

const char* kServerColumns =
    "SELECT s.id, s.name, s.url, s.capacity, s.state, s.is_default, "
    "(SELECT COUNT(*) FROM tenants t WHERE t.db_server_id = s.id), s.derived_capacity, s.limits, "
    "TIMESTAMPDIFF(SECOND, s.limits_read_at, UTC_TIMESTAMP()) FROM db_servers s ";

std::optional<int64_t> optional_i64(db::Rows& r, int col) {
  if (r.is_null(col)) return std::nullopt;
  return r.i64(col);
}

DbServer read_server(db::Rows& r) {
  DbServer s;
  s.id = r.i64(0);
  s.name = r.str(1);
  s.url = r.str(2);
  s.configured = optional_i64(r, 3);
  s.state = r.str(4);
  s.is_default = r.i64(5) != 0;
  s.stores = r.i64(6);
  s.derived = optional_i64(r, 7);
  s.limits = r.is_null(8) ? "" : r.str(8);
  s.limits_age = optional_i64(r, 9);
  s.capacity = s.configured ? *s.configured : s.derived ? *s.derived : kStoresPerServerTested;
  return s;
}

db::Param param_of(std::optional<int64_t> n) {
  if (n) return *n;
  return nullptr;
}

}  // namespace

std::vector<DbServer> list_db_servers(db::Connection& c) {
  auto r = c.query(std::string(kServerColumns) + "ORDER BY s.id");
  std::vector<DbServer> out;
  while (r.next()) out.push_back(read_server(r));
  return out;
}

std::optional<DbServer> find_db_server(db::Connection& c, const std::string& name) {
  auto r = c.query(std::string(kServerColumns) + "WHERE s.name = ?", {name});
  if (!r.next()) return std::nullopt;
  return read_server(r);
}

std::string DbServer::full_message() const {
  return "database server '" + name + "' is full: " + std::to_string(stores) + " store(s), capacity " +
         std::to_string(capacity) + " (" + capacity_source() + ")";
}

ServerChange add_db_server(db::Connection& c, const std::string& name, const std::string& url,
                           std::optional<int64_t> capacity) {
  try {
    c.exec("INSERT INTO db_servers (name, url, capacity, state, is_default) VALUES (?, ?, ?, 'active', 0)",
           {name, url, param_of(capacity)});
  } catch (const db::Error& e) {
    if (e.kind() == db::ErrorKind::Duplicate) return ServerChange::Exists;
    throw;
  }
  return ServerChange::Done;
}

ServerChange set_db_server_state(db::Connection& c, const std::string& name, const char* state) {
  if (!find_db_server(c, name)) return ServerChange::NotFound;
  c.exec("UPDATE db_servers SET state = ? WHERE name = ?", {std::string(state), name});
  return ServerChange::Done;
}

ServerChange set_db_server_capacity(db::Connection& c, const std::string& name, std::optional<int64_t> capacity) {
  if (!find_db_server(c, name)) return ServerChange::NotFound;
  c.exec("UPDATE db_servers SET capacity = ? WHERE name = ?", {param_of(capacity), name});
  return ServerChange::Done;
}

void record_derived_capacity(db::Connection& c, int64_t id, int64_t capacity, const std::string& limits) {
  c.exec("UPDATE db_servers SET derived_capacity = ?, limits = ?, limits_read_at = UTC_TIMESTAMP() WHERE id = ?",
         {capacity, limits.substr(0, 255), id});
}

void record_limits_unread(db::Connection& c, int64_t id) {
  c.exec("UPDATE db_servers SET limits_read_at = UTC_TIMESTAMP() WHERE id = ?", {id});
}

int64_t built_stores_besides(db::Connection& c, int64_t server_id, const std::string& tenant_id) {
  auto r = c.query(
      "SELECT COUNT(*) FROM tenants WHERE db_server_id = ? AND id <> ? "
      "AND status NOT IN ('PendingConfirmation', 'Queued')",
      {server_id, tenant_id});
  return r.next() ? r.i64(0) : 0;
}

ServerChange remove_db_server(db::Connection& c, const std::string& name) {
  auto s = find_db_server(c, name);
  if (!s) return ServerChange::NotFound;
  if (s->is_default) return ServerChange::IsDefault;
  if (s->stores > 0) return ServerChange::NotEmpty;
  // The foreign key from tenants refuses it too, should a store be placed there meanwhile.
  try {
    c.exec("DELETE FROM db_servers WHERE name = ? AND is_default = 0", {name});
  } catch (const db::Error&) {
    return ServerChange::NotEmpty;
  }
  return ServerChange::Done;
}

Placement place_store(db::Connection& c, const std::string& requested) {
  Placement p;
  if (!requested.empty()) {
    auto s = find_db_server(c, requested);
    if (!s) {
      p.outcome = Placement::Unknown;
      p.message = "no database server named '" + requested + "'";
    } else if (s->state != kServerActive) {
      p.outcome = Placement::Draining;
      p.message = "database server '" + requested + "' is draining: it takes no new store";
    } else {
      p.outcome = s->free() > 0 ? Placement::Placed : Placement::Full;
      p.server = *s;
      p.has_server = true;
      if (p.outcome == Placement::Full)
        p.message = s->full_message() + "; raise it with ecom-provision server capacity " + s->name + " N";
    }
    return p;
  }
  // Room is capacity minus stores; among full servers, the one least over its capacity.
  auto room = [](const DbServer& s) { return s.capacity - s.stores; };
  std::optional<DbServer> best;
  std::string full;
  for (const auto& s : list_db_servers(c)) {
    if (s.state != kServerActive) continue;
    if (s.free() <= 0) full += (full.empty() ? "" : "; ") + s.full_message();
    if (!best || room(s) > room(*best) || (room(s) == room(*best) && s.is_default && !best->is_default)) best = s;
  }
  p.has_server = best.has_value();
  if (best) p.server = *best;
  if (!best || best->free() <= 0) {
    p.outcome = Placement::Full;
    p.message = "no active database server has room for a new store" + (full.empty() ? "" : " (" + full + ")") +
                "; ecom-provision server list shows them, server capacity NAME N raises one";
    return p;
  }
  p.outcome = Placement::Placed;
  return p;
}

void write_capacity_fields(http::JsonWriter& w, const DbServer& s) {
  w.field("stores", s.stores).field("capacity", s.capacity).field("capacitySource", s.capacity_source());
  if (s.derived) w.field("derivedCapacity", *s.derived);
  else w.key("derivedCapacity").null();
  if (s.limits.empty()) w.key("derivedFrom").null();
  else w.field("derivedFrom", s.limits);
  w.field("free", s.free());
}

std::string capacity_columns_header() {
  char line[128];
  std::snprintf(line, sizeof line, "%-16s %-9s %7s %8s %-10s %7s", "NAME", "STATE", "STORES", "CAPACITY", "SOURCE",
                "FREE");
  return line;
}

std::string capacity_columns(const DbServer& s) {
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %-9s %7lld %8lld %-10s %7lld", s.name.c_str(), s.state.c_str(),
                static_cast<long long>(s.stores), static_cast<long long>(s.capacity), s.capacity_source(),
                static_cast<long long>(s.free()));
  return line;
}

bool valid_db_url(const std::string& url) {
  if (url.size() > 255) return false;
  std::string rest;
  if (url.rfind("unix://", 0) == 0) rest = url.substr(7);
  else if (url.rfind("tcp://", 0) == 0) rest = url.substr(6);
  else return false;
  if (rest.empty()) return false;
  for (char ch : rest)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == '\'' || ch == '"' || ch == '\\' || ch == 0x7f) return false;
  return true;
}

}  // namespace ecom::provisioning
