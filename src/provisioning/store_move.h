// Moving a store's schema to another database server while the platform runs
// (`ecom-provision move SLUG SERVER`).
//
//   1. lock     tenants.locked_until = now + a lease: the store answers 423 with Retry-After.
//               The workers of this host learn it at once (notify), the others within
//               tenancy.cache_ttl_ms, which the move waits out, with in-flight requests.
//   2. copy     the schema onto the target server (provisioning/schema_copy), in code.
//   3. verify   a row count and a checksum per table, source against copy (once more from the
//               start when they differ).
//   4. switch   one control transaction: tenants.db_server_id = target, the lock lifted, the
//               move marked switched. From here on the store serves from the target.
//   5. finish   the source's schema dropped only with --drop-source (else `gc` lists it), the
//               move's row deleted.
//
// The move's state is a row of store_moves, so an interrupted move is finished by running the
// command again, and rolled back by `move --abort` (until the switch). A mover killed before the
// switch leaves the lock to run out: the store then serves from the source again. Before the
// switch the store lives on the source, after it on the target — never on both.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/config.h"
#include "provisioning/provisioner.h"
#include "provisioning/schema_copy.h"

namespace ecom::provisioning {

class MoveError : public std::runtime_error {
 public:
  // NotFound: no such store (or no move under way, for abort); UnknownServer; Invalid: refused
  // as asked (already there, a draining target, not Ready, a move elsewhere under way); Failed.
  enum Kind { NotFound, UnknownServer, Invalid, Failed };
  MoveError(Kind k, const std::string& m) : std::runtime_error(m), kind_(k) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct MoveOptions {
  bool drop_source = false;
  int64_t cache_ttl_ms = 2000;           // how long other hosts may serve from a cached lookup
  std::function<void()> notify;          // tells this host's workers that stores changed
  std::function<void(const char*)> step_done;  // after each step (lock, copy, verify, switch)
  size_t copy_chunk_rows = kCopyChunkRows;     // rows of a table read at a time (schema_copy.h)
};

struct MoveReport {
  std::string slug, from, to;
  bool resumed = false;          // a move under way was finished
  int64_t tables = 0, rows = 0;
  int64_t copy_ms = 0;           // copying and verifying
  int64_t locked_ms = 0;         // from the lock to the switch: what clients saw as 423
  bool source_dropped = false;
};

MoveReport move_store(Provisioner& p, const std::string& slug, const std::string& server, const MoveOptions& o);

// Rolls back a move that has not switched: the copy dropped, the lock lifted, the row deleted.
// Returns the server the copy was on.
std::string abort_move(Provisioner& p, const std::string& slug, const MoveOptions& o);

// A store schema on a database server that no store is served from.
struct LeftoverSchema {
  std::string server, schema;
  std::string reason;    // "moved": a finished move's source (the store lives on another server);
                         // "no store": owned by no store of the control database
  bool dropped = false;  // only "moved" ones, and only when asked
};

// Every server's ecom_tenant_* schemas that no store is served from (`gc`). With `drop_moved`,
// the sources that finished moves left behind are dropped (a move under way is left alone); the
// others are only listed, for an operator to look at. `unreachable` counts servers not reached.
std::vector<LeftoverSchema> leftover_schemas(Provisioner& p, bool drop_moved, int64_t& unreachable);

}  // namespace ecom::provisioning
