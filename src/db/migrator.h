// The migration runner shared by both binaries: ordered files NNNN_name.sql,
// each applied once per schema and recorded in that schema's
// `schema_migrations` ledger with its SHA-256. An already applied file whose
// content changed is an error, never a silent skip.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.h"

namespace ecom::db {

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Migration {
  int version = 0;
  std::string name;  // file name
  std::string sql;
  std::string checksum;  // hex SHA-256 of the file
};

// Reads every NNNN_*.sql file of `dir`, sorted by version. Throws MigrationError
// on an unreadable directory, a bad file name or a duplicated version.
std::vector<Migration> load_migrations(const std::string& dir);

struct MigrateOutcome {
  std::vector<std::string> applied;  // file names applied by this call
};

// Applies pending migrations to `schema` over an administrative connection
// (it switches the connection's schema). Serialised per schema with a named
// lock, so two runners never apply the same file twice. Throws MigrationError.
MigrateOutcome apply_migrations(Connection& admin, const std::string& schema,
                                const std::vector<Migration>& migrations);

// Versions pending for `schema` without applying anything (checksums verified).
std::vector<std::string> pending_migrations(Connection& admin, const std::string& schema,
                                            const std::vector<Migration>& migrations);

}  // namespace ecom::db
