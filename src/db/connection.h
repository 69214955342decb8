// One MariaDB connection (Connector/C++ 1.1) with a cache of prepared
// statements keyed by SQL text. This file pair is the only place that catches
// sql::SQLException: driver errors become db::Error with a kind.
//
// Tenant isolation: a prepared statement stays bound to the schema that was
// current when it was prepared, so tenant SQL always names its tables with the
// schema (see db/identifier.h) and the cache key (the SQL text) differs per store.
//
// Memory: a kept prepared statement costs the worker about 11 KiB (the client library's
// per-statement pools, column metadata, bind buffers) and the server more. A statement text is
// therefore prepared only when it runs again while it is still among the recently run ones (a
// store's hot path: from its second request on); until then it runs unprepared (text protocol,
// its parameters inlined as literals, strings escaped by the connection — db/sql_text.h). A worker
// that touches many stores once each keeps no statements for them.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/config.h"
#include "db/sql_text.h"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace ecom::db {

enum class ErrorKind { Duplicate, Deadlock, LockWait, Unavailable, Other };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, int code, const std::string& what, std::string duplicate_key = {})
      : std::runtime_error(what), kind_(kind), code_(code), duplicate_key_(std::move(duplicate_key)) {}
  ErrorKind kind() const { return kind_; }
  int code() const { return code_; }
  // For ErrorKind::Duplicate: the name of the unique key that refused the row ("PRIMARY",
  // "uq_orders_number" ...), without a table prefix; empty for other errors.
  const std::string& duplicate_key() const { return duplicate_key_; }
  bool is_duplicate_of(std::string_view key) const { return kind_ == ErrorKind::Duplicate && duplicate_key_ == key; }

 private:
  ErrorKind kind_;
  int code_;
  std::string duplicate_key_;
};

// Several addresses ("tcp://a:1,tcp://b:2", the nodes of a Galera cluster): a connection tries
// them in order, gives up on a node that does not answer or is not a Synced member of the primary
// component (wsrep_ready ON, Primary, Synced), and keeps the node it reached until that node
// fails; then the next address is tried. On a Galera node the session waits for causality on
// reads (wsrep_sync_wait = 1): a read sees every write committed before it on any node.
struct ConnectOptions {
  std::string url;  // unix:///path or tcp://host:port, or several separated by commas
  std::string user;
  std::string password;
  std::string schema;  // optional default schema
  int connect_timeout = kDefaultDbConnectTimeout;
  int read_timeout = kDefaultDbReadTimeout;
  int write_timeout = kDefaultDbWriteTimeout;
  // Prepared statements kept (LRU). Every store has its own statements (its schema is in
  // the SQL text), so this bounds both this process and the server's memory for them.
  size_t max_statements = kDefaultStatementCache;
  // A statement text is prepared on its run number `prepare_at` among the last max_statements
  // distinct unprepared texts run (2: the second run); 1 prepares at once, 0 never prepares.
  unsigned prepare_at = 2;
};

// Rows of one query. Columns are 0-based here.
class Rows {
 public:
  // unprepared: rows of a statement run unprepared by query(), whose DATETIME/TIMESTAMP values
  // with a fraction are given in the prepared form (db/sql_text.h: prepared_datetime_form).
  explicit Rows(sql::ResultSet* rs, bool unprepared = false);
  ~Rows();
  Rows(Rows&&) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  bool next();
  std::string str(int col) const;
  int64_t i64(int col) const;
  bool is_null(int col) const;
  int columns() const;
  std::string column_name(int col) const;  // its label (the alias, if any)

 private:
  bool is_datetime(int col) const;

  std::unique_ptr<sql::ResultSet> rs_;
  bool unprepared_ = false;
  mutable std::vector<signed char> datetime_;  // per column, once asked: 1 DATETIME/TIMESTAMP, 0 not
};

class Connection {
 public:
  explicit Connection(ConnectOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Prepared, cached statements. Reconnects once if the connection was lost
  // outside a transaction.
  Rows query(const std::string& sql, const std::vector<Param>& params = {});
  uint64_t exec(const std::string& sql, const std::vector<Param>& params = {});

  // A plain (unprepared) statement, for DDL and administrative SQL.
  void execute(const std::string& sql);
  // Plain query without parameters, for administrative reads (SHOW ...).
  Rows query_plain(const std::string& sql);

  void begin();
  void commit();
  void rollback();  // never throws
  bool in_transaction() const { return in_tx_; }

  // Changes the default schema (admin tools only; web workers never call it).
  void use_schema(const std::string& schema);

  // Cheap liveness check: one COM_PING round trip (reconnects once if the server dropped us).
  bool ping();

  // The address in use (or last used) among options.url's; the first before any connection.
  const std::string& address() const { return addresses_[current_]; }

 private:
  void connect();
  void open(const std::string& address);
  void drop();
  // The kept statement for `sql`, prepared now if it has become hot; nullptr: run it unprepared.
  sql::PreparedStatement* statement_for(const std::string& sql);
  bool hot(const std::string& sql);
  sql::PreparedStatement* prepare(const std::string& sql);
  std::string inline_text(const std::string& sql, const std::vector<Param>& params);
  void evict(size_t n);  // the n least recently used statements
  void bind(sql::PreparedStatement* st, const std::vector<Param>& params);
  template <typename F>
  auto with_retry(F&& f) -> decltype(f());

  ConnectOptions options_;
  std::vector<std::string> addresses_;
  size_t current_ = 0;
  std::unique_ptr<sql::Connection> conn_;
  bool in_tx_ = false;

  // LRU of prepared statements (options_.max_statements), bounded so that thousands of
  // stores keep memory flat.
  struct Entry {
    std::unique_ptr<sql::PreparedStatement> stmt;
    std::list<std::string>::iterator lru;
  };
  std::unordered_map<std::string, Entry> cache_;
  std::list<std::string> lru_;

  // The last max_statements distinct texts run unprepared (hashes, with their runs so far),
  // most recent first: a text that is run again while here gets prepared.
  struct Seen {
    unsigned runs;
    std::list<size_t>::iterator lru;
  };
  std::unordered_map<size_t, Seen> seen_;
  std::list<size_t> seen_lru_;
};

// Connections of this process lost, dropped or (re)opened so far, on every server: a value that
// moves when some connection's state may have changed (a cheap hint for cached health states;
// see health/routes.cpp). Relaxed atomic counter.
uint64_t connection_events();

// Each thread other than the main one that uses connections holds one of these for its
// lifetime (the client library's per-thread state; Connector/C++ threadInit/threadEnd).
class ThreadScope {
 public:
  ThreadScope();
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;
};

// RAII transaction: rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.begin(); }
  ~Transaction() {
    if (!done_) c_.rollback();
  }
  void commit() {
    c_.commit();
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

// RAII MariaDB named lock (GET_LOCK): one holder per name on the whole server, released on
// destruction or when the connection dies. acquired() is false when `timeout_s` passed first.
class NamedLock {
 public:
  NamedLock(Connection& c, std::string name, int64_t timeout_s);
  ~NamedLock();
  NamedLock(const NamedLock&) = delete;
  NamedLock& operator=(const NamedLock&) = delete;
  bool acquired() const { return acquired_; }

 private:
  Connection& c_;
  std::string name_;
  bool acquired_ = false;
};

}  // namespace ecom::db
