#include "provisioning/store_move.h"

#include <chrono>
#include <map>
#include <optional>
#include <thread>

#include "common/clock.h"
#include "db/identifier.h"
#include "provisioning/db_servers.h"
#include "provisioning/schema_copy.h"

namespace ecom::provisioning {
namespace {

// How long one lock lasts unless extended: a mover that dies holds the store closed this long at
// most, and each step extends it (a small shop's copy takes a second or two).
constexpr int64_t kLockLeaseSeconds = 60;
constexpr const char* kCopying = "copying";
constexpr const char* kSwitched = "switched";

struct MoveRow {
  int64_t from = 0, to = 0;
  std::string state;
};

std::optional<MoveRow> read_move(db::Connection& control, const std::string& tenant_id) {
  auto r = control.query("SELECT from_server_id, to_server_id, state FROM store_moves WHERE tenant_id = ?", {tenant_id});
  if (!r.next()) return std::nullopt;
  return MoveRow{r.i64(0), r.i64(1), r.str(2)};
}

DbServer server_by_id(db::Connection& control, int64_t id) {
  for (auto& s : list_db_servers(control))
    if (s.id == id) return s;
  throw MoveError(MoveError::Failed, "database server #" + std::to_string(id) + " is not registered any more");
}

void lock(db::Connection& control, const std::string& tenant_id) {
  control.exec("UPDATE tenants SET locked_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND WHERE id = ?",
               {kLockLeaseSeconds, tenant_id});
}

void unlock(db::Connection& control, const std::string& tenant_id) {
  control.exec("UPDATE tenants SET locked_until = NULL WHERE id = ?", {tenant_id});
}

std::string owner_of(const std::string& tenant_id) { return "ecom store " + tenant_id; }

// The schema's owner comment on that server; nullopt when there is no such schema.
std::optional<std::string> schema_owner(db::Connection& admin, const std::string& schema) {
  auto r = admin.query("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", {schema});
  if (!r.next()) return std::nullopt;
  return r.is_null(0) ? "" : r.str(0);
}

// Drops `schema` on that server when it is this store's (a copy of an earlier attempt or move);
// refuses to touch one that belongs to anything else.
void drop_own_copy(db::Connection& admin, const TenantRecord& t, const DbServer& server) {
  auto owner = schema_owner(admin, t.schema);
  if (!owner) return;
  if (*owner != owner_of(t.id))
    throw MoveError(MoveError::Invalid, "server " + server.name + " holds a schema " + t.schema +
                                            " that is not this store's; drop or rename it first");
  admin.execute("DROP DATABASE " + db::quote_identifier(t.schema));
}

void notify(const MoveOptions& o) {
  if (o.notify) o.notify();
}

void step_done(const MoveOptions& o, const char* step) {
  if (o.step_done) o.step_done(step);
}

// Copy and verify, once more from the start when the copy differs (a write that was still in
// flight when the lock began). Returns the stats of the copy that matched.
CopyStats copy_and_verify(Provisioner& p, const TenantRecord& t, const DbServer& from, const DbServer& to,
                          const MoveOptions& o) {
  auto& src = p.admin(from.url, from.name);
  auto& dst = p.admin(to.url, to.name);
  std::string differs;
  for (int attempt = 0; attempt < 2; ++attempt) {
    lock(p.control(), t.id);
    drop_own_copy(dst, t, to);
    dst.execute("CREATE DATABASE " + db::quote_identifier(t.schema) +
                " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci COMMENT '" + owner_of(t.id) + "'");
    CopyStats stats = copy_schema(src, dst, t.schema, o.copy_chunk_rows);
    step_done(o, "copy");
    lock(p.control(), t.id);
    differs = compare_sums(table_sums(src, t.schema), table_sums(dst, t.schema));
    if (differs.empty()) {
      step_done(o, "verify");
      return stats;
    }
  }
  throw MoveError(MoveError::Failed, "the copy on " + to.name + " differs from the source: " + differs);
}

// After the switch: the source's copy dropped when asked, the move's row deleted.
void finish(Provisioner& p, const TenantRecord& t, const DbServer& from, const MoveOptions& o, MoveReport& report) {
  if (o.drop_source) {
    drop_own_copy(p.admin(from.url, from.name), t, from);
    report.source_dropped = true;
  }
  p.control().exec("DELETE FROM store_moves WHERE tenant_id = ?", {t.id});
}

TenantRecord find_store(Provisioner& p, const std::string& slug) {
  auto t = p.store().find_by_slug(slug);
  if (!t) throw MoveError(MoveError::NotFound, "no store '" + slug + "'");
  return *t;
}

}  // namespace

MoveReport move_store(Provisioner& p, const std::string& slug, const std::string& server, const MoveOptions& o) {
  auto& control = p.control();
  TenantRecord t = find_store(p, slug);
  auto target = find_db_server(control, server);
  if (!target) throw MoveError(MoveError::UnknownServer, "no database server '" + server + "'");
  MoveReport report;
  report.slug = slug;
  report.to = target->name;
  auto row = read_move(control, t.id);
  if (row && row->to != target->id)
    throw MoveError(MoveError::Invalid, "a move of '" + slug + "' to " + server_by_id(control, row->to).name +
                                            " is under way: run it again with that server, or --abort it");
  if (row && row->state == kSwitched) {  // switched, not finished: only the clean-up is left
    DbServer from = server_by_id(control, row->from);
    report.from = from.name;
    report.resumed = true;
    finish(p, t, from, o, report);
    return report;
  }
  if (!row) {
    if (t.server_id == target->id) throw MoveError(MoveError::Invalid, "'" + slug + "' is on " + server + " already");
    if (target->state != kServerActive)
      throw MoveError(MoveError::Invalid, "server " + server + " is " + target->state + ": it takes no store");
    if (t.provisioning_status != "Ready")
      throw MoveError(MoveError::Invalid, "'" + slug + "' is " + t.provisioning_status + ", not Ready");
    control.exec("INSERT INTO store_moves (tenant_id, from_server_id, to_server_id, state) VALUES (?, ?, ?, ?)",
                 {t.id, t.server_id, target->id, std::string(kCopying)});
  }
  report.resumed = row.has_value();
  DbServer from = server_by_id(control, t.server_id);
  report.from = from.name;

  // 1. lock, and wait until every worker of every host has seen it and finished what it began.
  int64_t locked_at = clock::mono_ms();
  lock(control, t.id);
  notify(o);
  step_done(o, "lock");
  std::this_thread::sleep_for(std::chrono::milliseconds(o.cache_ttl_ms + 500));
  try {
    // 2-3. copy, verify.
    CopyStats stats = copy_and_verify(p, t, from, *target, o);
    report.tables = stats.tables;
    report.rows = stats.rows;
    report.copy_ms = clock::mono_ms() - locked_at - o.cache_ttl_ms - 500;
    // 4. switch.
    db::Transaction tx(control);
    uint64_t moved = control.exec(
        "UPDATE tenants SET db_server_id = ?, locked_until = NULL WHERE id = ? AND db_server_id = ?",
        {target->id, t.id, t.server_id});
    if (moved != 1) throw MoveError(MoveError::Failed, "the store's row changed during the move");
    control.exec("UPDATE store_moves SET state = ?, updated_at = UTC_TIMESTAMP() WHERE tenant_id = ?",
                 {std::string(kSwitched), t.id});
    tx.commit();
  } catch (...) {
    // The store serves from the source again at once; the move's row stays for a re-run or --abort.
    try {
      unlock(control, t.id);
      notify(o);
    } catch (...) {  // the lease runs out by itself
    }
    throw;
  }
  report.locked_ms = clock::mono_ms() - locked_at;
  notify(o);
  step_done(o, "switch");
  // 5. finish.
  finish(p, t, from, o, report);
  return report;
}

std::vector<LeftoverSchema> leftover_schemas(Provisioner& p, bool drop_moved, int64_t& unreachable) {
  auto& control = p.control();
  struct Home {
    std::string id;
    int64_t server_id;
    bool moving;
  };
  std::map<std::string, Home> homes;  // schema name -> its store
  auto r = control.query(
      "SELECT t.schema_name, t.id, t.db_server_id, m.tenant_id IS NOT NULL FROM tenants t "
      "LEFT JOIN store_moves m ON m.tenant_id = t.id");
  while (r.next()) homes[r.str(0)] = Home{r.str(1), r.i64(2), r.i64(3) != 0};
  std::vector<LeftoverSchema> out;
  unreachable = 0;
  for (const auto& s : list_db_servers(control)) {
    try {
      auto& admin = p.admin(s.url, s.name);
      auto schemas = admin.query(
          "SELECT SCHEMA_NAME, SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'ecom\\_tenant\\_%' "
          "ORDER BY SCHEMA_NAME");
      std::vector<std::pair<std::string, std::string>> found;
      while (schemas.next()) found.emplace_back(schemas.str(0), schemas.is_null(1) ? "" : schemas.str(1));
      for (const auto& [schema, comment] : found) {
        auto home = homes.find(schema);
        if (home != homes.end() && (home->second.server_id == s.id || home->second.moving)) continue;
        LeftoverSchema l{s.name, schema, home == homes.end() ? "no store" : "moved", false};
        if (l.reason == std::string("moved") && drop_moved && comment == owner_of(home->second.id)) {
          admin.execute("DROP DATABASE " + db::quote_identifier(schema));
          l.dropped = true;
        }
        out.push_back(std::move(l));
      }
    } catch (const db::Error&) {
      ++unreachable;
    }
  }
  return out;
}

std::string abort_move(Provisioner& p, const std::string& slug, const MoveOptions& o) {
  auto& control = p.control();
  TenantRecord t = find_store(p, slug);
  auto row = read_move(control, t.id);
  if (!row) throw MoveError(MoveError::NotFound, "no move of '" + slug + "' is under way");
  DbServer to = server_by_id(control, row->to);
  if (row->state == kSwitched)
    throw MoveError(MoveError::Invalid, "'" + slug + "' already serves from " + to.name +
                                            "; finish the move (run it again) and move it back if you want");
  drop_own_copy(p.admin(to.url, to.name), t, to);
  db::Transaction tx(control);
  unlock(control, t.id);
  control.exec("DELETE FROM store_moves WHERE tenant_id = ?", {t.id});
  tx.commit();
  notify(o);
  return to.name;
}

}  // namespace ecom::provisioning
