// Copying one store's schema from one database server to another, in code, over the two
// administrative connections (no dump files, no passwords handed to other programs), and
// checking that the copy is the same (a row count and CHECKSUM TABLE per table).
//
// The copy: the tables as SHOW CREATE TABLE gives them, the rows read in one consistent snapshot
// and written in batches (generated columns left to the target), then the triggers — after the
// rows, so that no trigger counts a copied row a second time — without their DEFINER (they run
// as the target's administrative account). A table is read in chunks of `chunk_rows` rows in
// primary key order (each chunk after the last key of the one before, all in the same snapshot),
// so memory does not grow with the table; a table without a primary key to page by (none, a
// prefix of a column, or a column of a type such as FLOAT or ENUM whose text does not order as
// the column does) is read whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.h"

namespace ecom::provisioning {

struct CopyStats {
  int64_t tables = 0, rows = 0, triggers = 0;
};

inline constexpr size_t kCopyChunkRows = 5000;

// Copies `schema` from `from` into the empty schema of the same name on `to` (the caller made it),
// `chunk_rows` (≥ 1) rows of a table at a time. Throws db::Error or std::runtime_error.
CopyStats copy_schema(db::Connection& from, db::Connection& to, const std::string& schema,
                      size_t chunk_rows = kCopyChunkRows);

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
