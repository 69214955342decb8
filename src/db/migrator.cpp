#include "db/migrator.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "common/digest.h"
#include "common/strings.h"
#include "db/identifier.h"
#include "db/sql_script.h"

namespace ecom::db {
namespace {

struct Applied {
  std::string name;
  std::string checksum;
};

std::string ledger(const std::string& schema) { return quote_identifier(schema) + ".schema_migrations"; }

constexpr int kNoSuchTable = 1146;  // ER_NO_SUCH_TABLE

void ensure_ledger(Connection& c, const std::string& schema) {
  c.execute("CREATE TABLE IF NOT EXISTS " + ledger(schema) +
            " (version INT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, checksum CHAR(64) NOT NULL,"
            " applied_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP()) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
}

std::map<int, Applied> read_ledger(Connection& c, const std::string& schema) {
  std::map<int, Applied> out;
  auto rows = c.query_plain("SELECT version, name, checksum FROM " + ledger(schema));
  while (rows.next()) out[static_cast<int>(rows.i64(0))] = {rows.str(1), rows.str(2)};
  return out;
}

void verify(const std::map<int, Applied>& done, const std::vector<Migration>& ms, const std::string& schema) {
  for (const auto& m : ms) {
    auto it = done.find(m.version);
    if (it != done.end() && it->second.checksum != m.checksum)
      throw MigrationError("migration " + m.name + " was changed after it was applied to " + schema +
                           " (recorded checksum " + it->second.checksum.substr(0, 12) + ", file " +
                           m.checksum.substr(0, 12) + "); add a new migration instead of editing it");
  }
}

}  // namespace

std::vector<Migration> load_migrations(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) throw MigrationError("cannot open migrations directory " + dir);
  std::vector<Migration> out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 4) != ".sql") continue;
    size_t us = name.find('_');
    auto version = us == std::string::npos ? std::nullopt : parse_int(name.substr(0, us));
    if (!version || *version <= 0 || *version > 1'000'000) {
      closedir(d);
      throw MigrationError("bad migration file name " + name + " (expected NNNN_description.sql)");
    }
    std::ifstream in(dir + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) {
      closedir(d);
      throw MigrationError("cannot read " + dir + "/" + name);
    }
    Migration m;
    m.version = static_cast<int>(*version);
    m.name = name;
    m.sql = ss.str();
    m.checksum = digest::sha256_hex(m.sql);
    out.push_back(std::move(m));
  }
  closedir(d);
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].version == out[i - 1].version)
      throw MigrationError("two migrations share version " + std::to_string(out[i].version) + ": " +
                           out[i - 1].name + ", " + out[i].name);
  return out;
}

std::vector<std::string> pending_migrations(Connection& c, const std::string& schema,
                                            const std::vector<Migration>& ms) {
  ensure_ledger(c, schema);
  auto done = read_ledger(c, schema);
  verify(done, ms, schema);
  std::vector<std::string> out;
  for (const auto& m : ms)
    if (!done.count(m.version)) out.push_back(m.name);
  return out;
}

MigrateOutcome apply_migrations(Connection& c, const std::string& schema, const std::vector<Migration>& ms) {
  MigrateOutcome outcome;
  try {
    // One statement per store when nothing is pending (what `migrate` finds for almost every
    // store, thousands of them per server): the ledger is created only when reading it says it
    // does not exist yet.
    std::map<int, Applied> done;
    try {
      done = read_ledger(c, schema);
    } catch (const Error& e) {
      if (e.code() != kNoSuchTable) throw;
      ensure_ledger(c, schema);
      done = read_ledger(c, schema);
    }
    verify(done, ms, schema);
    bool pending = false;
    for (const auto& m : ms) pending = pending || !done.count(m.version);
    if (!pending) return outcome;

    NamedLock lock(c, "ecom_migrate:" + schema, 30);
    if (!lock.acquired()) throw MigrationError("timed out waiting for the migration lock of ecom_migrate:" + schema);
    done = read_ledger(c, schema);  // another runner may have finished meanwhile
    verify(done, ms, schema);
    c.use_schema(schema);
    for (const auto& m : ms) {
      if (done.count(m.version)) continue;
      for (const auto& stmt : split_statements(m.sql)) {
        try {
          c.execute(stmt);
        } catch (const Error& e) {
          throw MigrationError("migration " + m.name + " failed on " + schema + ": " + e.what());
        }
      }
      c.exec("INSERT INTO " + ledger(schema) + " (version, name, checksum) VALUES (?, ?, ?)",
              {static_cast<int64_t>(m.version), m.name, m.checksum});
      outcome.applied.push_back(m.name);
    }
  } catch (const Error& e) {
    throw MigrationError("migrating " + schema + ": " + e.what());
  }
  return outcome;
}

}  // namespace ecom::db
