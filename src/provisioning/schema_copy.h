// Copying one store's schema from one database server to another, in code, over the two
// administrative connections (no dump files, no passwords handed to other programs), and
// checking that the copy is the same (a row count and CHECKSUM TABLE per table).
//
// The copy: the tables as SHOW CREATE TABLE gives them, the rows read in one consistent snapshot
// and written in batches (generated columns left to the target), then the triggers — after the
// rows, so that no trigger counts a copied row a second time — without their DEFINER (they run
// as the target's administrative account). Each table is read whole: a store's largest table
// must fit in memory (a small shop's do, by far).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.h"

namespace ecom::provisioning {

struct CopyStats {
  int64_t tables = 0, rows = 0, triggers = 0;
};

// Copies `schema` from `from` into the empty schema of the same name on `to` (the caller made it).
// Throws db::Error or std::runtime_error.
CopyStats copy_schema(db::Connection& from, db::Connection& to, const std::string& schema);

struct TableSum {
  std::string table;
  int64_t rows = 0;
  std::string checksum;  // CHECKSUM TABLE ... EXTENDED
  bool operator==(const TableSum&) const = default;
};

// Every base table of `schema`, by name, with its row count and checksum.
std::vector<TableSum> table_sums(db::Connection& c, const std::string& schema);

// "" when equal, else what differs ("orders: 1000 rows here, 999 there").
std::string compare_sums(const std::vector<TableSum>& source, const std::vector<TableSum>& copy);

}  // namespace ecom::provisioning
