#include "provisioning/db_servers.h"

#include "common/config.h"

namespace ecom::provisioning {
namespace {

const char* kServerColumns =
    "SELECT s.id, s.name, s.url, s.capacity, s.state, s.is_default, "
    "(SELECT COUNT(*) FROM tenants t WHERE t.db_server_id = s.id) FROM db_servers s ";

DbServer read_server(db::Rows& r) {
  DbServer s;
  s.id = r.i64(0);
  s.name = r.str(1);
  s.url = r.str(2);
  s.capacity = r.i64(3);
  s.state = r.str(4);
  s.is_default = r.i64(5) != 0;
  s.stores = r.i64(6);
  return s;
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

ServerChange add_db_server(db::Connection& c, const std::string& name, const std::string& url, int64_t capacity) {
  try {
    c.exec("INSERT INTO db_servers (name, url, capacity, state, is_default) VALUES (?, ?, ?, 'active', 0)",
           {name, url, capacity});
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

ServerChange set_db_server_capacity(db::Connection& c, const std::string& name, int64_t capacity) {
  if (!find_db_server(c, name)) return ServerChange::NotFound;
  c.exec("UPDATE db_servers SET capacity = ? WHERE name = ?", {capacity, name});
  return ServerChange::Done;
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
      p.outcome = Placement::Placed;
      p.server = *s;
    }
    return p;
  }
  std::optional<DbServer> best;
  for (const auto& s : list_db_servers(c)) {
    if (s.state != kServerActive || s.free() <= 0) continue;
    if (!best || s.free() > best->free() || (s.free() == best->free() && s.is_default && !best->is_default))
      best = s;
  }
  if (!best) {
    p.outcome = Placement::Full;
    p.message = "no active database server has room for a new store (ecom-provision server list)";
    return p;
  }
  p.outcome = Placement::Placed;
  p.server = *best;
  return p;
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
