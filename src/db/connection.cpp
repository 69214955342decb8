#include "db/connection.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>

namespace ecom::db {
namespace {

constexpr const char* kSqlMode =
    "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION,"
    "NO_AUTO_CREATE_USER";

// The server's and the client library's error codes this layer acts on, named once.
namespace code {
constexpr int kAccessDeniedToDatabase = 1044;  // ER_DBACCESS_DENIED_ERROR
constexpr int kAccessDenied = 1045;            // ER_ACCESS_DENIED_ERROR
constexpr int kTooManyConnections = 1040;      // ER_CON_COUNT_ERROR
constexpr int kServerShutdown = 1053;          // ER_SERVER_SHUTDOWN
constexpr int kWsrepNotReady = 1047;           // ER_UNKNOWN_COM_ERROR: a Galera node not in the primary component
constexpr int kDuplicateKey = 1062;            // ER_DUP_ENTRY
constexpr int kLockWaitTimeout = 1205;         // ER_LOCK_WAIT_TIMEOUT
constexpr int kDeadlock = 1213;                // ER_LOCK_DEADLOCK
constexpr int kTooManyPrepared = 1461;         // ER_MAX_PREPARED_STMT_COUNT_REACHED
constexpr int kConnectionKilled = 1927;        // ER_CONNECTION_KILLED
constexpr int kClientInactive = 4031;          // ER_CLIENT_INTERACTION_TIMEOUT
constexpr int kNoSocket = 2002, kNoHost = 2003, kUnknownHost = 2005;  // CR_CONNECTION_ERROR, ...
constexpr int kServerGone = 2006, kServerLost = 2013, kServerLostExtended = 2055;  // CR_SERVER_GONE_ERROR, ...
}  // namespace code

ErrorKind kind_of(int c) {
  switch (c) {
    case code::kDuplicateKey: return ErrorKind::Duplicate;
    case code::kDeadlock: return ErrorKind::Deadlock;
    case code::kLockWaitTimeout: return ErrorKind::LockWait;
    case code::kNoSocket: case code::kNoHost: case code::kUnknownHost: case code::kServerGone:
    case code::kServerLost: case code::kServerLostExtended: case code::kTooManyConnections:
    case code::kServerShutdown: case code::kConnectionKilled: case code::kClientInactive:
    case code::kWsrepNotReady:
      return ErrorKind::Unavailable;
    default: return ErrorKind::Other;
  }
}

// ER_DUP_ENTRY names the key only in its message: "Duplicate entry '...' for key 'name'"
// (MariaDB) or 'table.name' (MySQL 8). Read once here, so callers compare key names.
std::string duplicate_key_of(const std::string& message) {
  static constexpr std::string_view kMarker = " for key '";
  size_t at = message.rfind(kMarker);
  if (at == std::string::npos) return {};
  size_t begin = at + kMarker.size();
  size_t end = message.find('\'', begin);
  if (end == std::string::npos) return {};
  std::string key = message.substr(begin, end - begin);
  size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

[[noreturn]] void rethrow(const sql::SQLException& e) {
  int c = e.getErrorCode();
  std::string message = e.what();
  std::string key = c == code::kDuplicateKey ? duplicate_key_of(message) : std::string();
  throw Error(kind_of(c), c, message + " (error " + std::to_string(c) + ")", std::move(key));
}

// The connection itself is gone (reconnect and retry once), not just the statement — or its node
// left the cluster's primary component (reconnect: to another node).
bool is_lost(const sql::SQLException& e) {
  int c = e.getErrorCode();
  return c == code::kServerGone || c == code::kServerLost || c == code::kServerLostExtended ||
         c == code::kClientInactive || c == code::kConnectionKilled || c == code::kWsrepNotReady;
}

// An autocommit statement refused by a deadlock or, on Galera, a certification conflict (both
// 1213; nothing of it was kept) runs again, this many times in all, after a pause that doubles
// (2 ms, 4 ms, ... with as much again at random: writers to one row through two nodes fall out
// of step instead of colliding again; about half a second at most in all).
constexpr int kAutocommitAttempts = 8;

useconds_t conflict_pause(int attempt) {
  useconds_t base = 1000u << attempt;
  return base + static_cast<useconds_t>(std::rand()) % base;
}

std::string value(sql::ResultSet& rs, int col) {
  sql::SQLString v = rs.getString(static_cast<uint32_t>(col));
  return std::string(v.c_str(), v.length());
}

// Empty when the server is not a Galera node, or is a Synced member of the primary component (the
// session then waits for causality on reads); else why the node must not be used.
std::string galera_refusal(sql::Connection& c) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  {
    std::unique_ptr<sql::ResultSet> on(st->executeQuery("SHOW VARIABLES LIKE 'wsrep_on'"));
    if (!on->next() || value(*on, 2) != "ON") return {};
  }
  std::map<std::string, std::string> v;
  {
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_status', "
        "'wsrep_local_state_comment')"));
    while (rs->next()) v[value(*rs, 1)] = value(*rs, 2);
  }
  if (v["wsrep_ready"] != "ON" || v["wsrep_cluster_status"] != "Primary" || v["wsrep_local_state_comment"] != "Synced")
    return "Galera node not ready (wsrep_ready " + v["wsrep_ready"] + ", " + v["wsrep_cluster_status"] + ", " +
           v["wsrep_local_state_comment"] + ")";
  // A read waits until this node has applied every write set committed before it anywhere: a
  // store read after a write made through another node (another worker) sees it.
  st->execute("SET SESSION wsrep_sync_wait = 1");
  return {};
}

std::atomic<uint64_t> g_connection_events{0};

void count_connection_event() { g_connection_events.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

uint64_t connection_events() { return g_connection_events.load(std::memory_order_relaxed); }

ThreadScope::ThreadScope() { sql::mysql::get_mysql_driver_instance()->threadInit(); }
ThreadScope::~ThreadScope() { sql::mysql::get_mysql_driver_instance()->threadEnd(); }

Rows::Rows(sql::ResultSet* rs, bool unprepared) : rs_(rs), unprepared_(unprepared) {}
Rows::~Rows() = default;
Rows::Rows(Rows&&) noexcept = default;

bool Rows::next() {
  try {
    return rs_ && rs_->next();
  } catch (const sql::SQLException& e) {
    rethrow(e);
  }
}

std::string Rows::str(int col) const {
  try {
    sql::SQLString s = rs_->getString(static_cast<uint32_t>(col + 1));
    std::string_view v(s.c_str(), s.length());
    if (unprepared_ && looks_like_fractional_datetime(v) && is_datetime(col)) return prepared_datetime_form(v);
    return std::string(v);
  } catch (const sql::SQLException& e) {
    rethrow(e);
  }
}

bool Rows::is_datetime(int col) const {
  auto i = static_cast<size_t>(col);
  if (datetime_.size() <= i) datetime_.resize(i + 1, -1);
  if (datetime_[i] < 0)
    datetime_[i] = rs_->getMetaData()->getColumnType(static_cast<uint32_t>(col + 1)) == sql::DataType::TIMESTAMP;
  return datetime_[i] == 1;
}

int64_t Rows::i64(int col) const {
  try {
    return rs_->getInt64(static_cast<uint32_t>(col + 1));
  } catch (const sql::SQLException& e) {
    rethrow(e);
  }
}

int Rows::columns() const {
  try {
    return rs_ ? static_cast<int>(rs_->getMetaData()->getColumnCount()) : 0;
  } catch (const sql::SQLException& e) {
    rethrow(e);
  }
}

std::string Rows::column_name(int col) const {
  try {
    sql::SQLString s = rs_->getMetaData()->getColumnLabel(static_cast<uint32_t>(col + 1));
    return std::string(s.c_str(), s.length());
  } catch (const sql::SQLException& e) {
    rethrow(e);
  }
}

bool Rows::is_null(int col) const {
  try {
    return rs_->isNull(static_cast<uint32_t>(col + 1));
  } catch (const sql::SQLException& e) {
    rethrow(e);
  }
}

Connection::Connection(ConnectOptions options)
    : options_(std::move(options)), addresses_(database_addresses(options_.url)) {
  if (addresses_.empty()) addresses_.push_back(options_.url);
}

Connection::~Connection() {
  cache_.clear();
  if (conn_) {
    try {
      conn_->close();
    } catch (...) {
    }
  }
}

void Connection::drop() {
  if (conn_) count_connection_event();
  // Statements first: they must not outlive their connection.
  cache_.clear();
  lru_.clear();
  conn_.reset();
  in_tx_ = false;
}

void Connection::connect() {
  drop();
  // From the node in use: a worker stays on the node it reached while that node serves.
  std::string failures;
  ErrorKind kind = ErrorKind::Other;
  int last_code = 0;
  for (size_t k = 0; k < addresses_.size(); ++k) {
    size_t i = (current_ + k) % addresses_.size();
    try {
      open(addresses_[i]);
      current_ = i;
      return;
    } catch (const Error& e) {
      failures += (failures.empty() ? "" : "; ") + std::string(e.what());
      if (e.kind() == ErrorKind::Unavailable) kind = ErrorKind::Unavailable;
      last_code = e.code();
    }
  }
  throw Error(kind, last_code, "cannot connect to " + failures);
}

void Connection::open(const std::string& address) {
  try {
    sql::ConnectOptionsMap o;
    o["hostName"] = sql::SQLString(address);
    o["userName"] = sql::SQLString(options_.user);
    o["password"] = sql::SQLString(options_.password);
    if (!options_.schema.empty()) o["schema"] = sql::SQLString(options_.schema);
    o["OPT_CONNECT_TIMEOUT"] = options_.connect_timeout;
    o["OPT_READ_TIMEOUT"] = options_.read_timeout;
    o["OPT_WRITE_TIMEOUT"] = options_.write_timeout;
    o["OPT_RECONNECT"] = false;
    o["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    conn_.reset(driver->connect(o));
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    // Strict whatever the server's default: a value that does not fit its column is an error,
    // never silently clamped or cut (on every table, transactional or not).
    st->execute("SET SESSION time_zone = '+00:00', SESSION tx_isolation = 'READ-COMMITTED', SESSION sql_mode = '" +
                std::string(kSqlMode) + "'");
    conn_->setAutoCommit(true);
    std::string refusal = galera_refusal(*conn_);
    if (!refusal.empty()) {
      drop();
      throw Error(ErrorKind::Unavailable, code::kWsrepNotReady, address + ": " + refusal);
    }
    count_connection_event();
  } catch (const sql::SQLException& e) {
    drop();
    count_connection_event();  // a failed attempt too: the server's state is not what it was
    int c = e.getErrorCode();
    // Failing to connect is an outage whatever the driver's code says (0 for bad sockets).
    ErrorKind k = (c == code::kAccessDenied || c == code::kAccessDeniedToDatabase) ? ErrorKind::Other
                                                                                   : ErrorKind::Unavailable;
    throw Error(k, c, address + ": " + e.what());
  }
}

template <typename F>
auto Connection::with_retry(F&& f) -> decltype(f()) {
  if (!conn_) connect();
  bool reconnected = false;
  for (int attempt = 1;; ++attempt) {
    try {
      return f();
    } catch (const sql::SQLException& e) {
      // Outside a transaction the statement may run again: once on a new connection when this
      // one was lost (another node's, when its node is gone), a few times after a deadlock.
      bool lost = is_lost(e);
      bool again = !in_tx_ && (lost ? !reconnected
                                    : e.getErrorCode() == code::kDeadlock && attempt < kAutocommitAttempts);
      if (lost) drop();
      if (!again) rethrow(e);
      if (lost) {
        reconnected = true;
        connect();
      } else {
        usleep(conflict_pause(attempt));
      }
    }
  }
}

sql::PreparedStatement* Connection::statement_for(const std::string& text) {
  auto it = cache_.find(text);
  if (it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.stmt.get();
  }
  return hot(text) ? prepare(text) : nullptr;
}

bool Connection::hot(const std::string& text) {
  if (options_.prepare_at <= 1) return options_.prepare_at == 1;
  size_t h = std::hash<std::string>{}(text);  // a collision only prepares a text early
  auto it = seen_.find(h);
  if (it == seen_.end()) {
    if (seen_.size() >= std::max<size_t>(options_.max_statements, 1)) {
      seen_.erase(seen_lru_.back());
      seen_lru_.pop_back();
    }
    seen_lru_.push_front(h);
    seen_.emplace(h, Seen{1, seen_lru_.begin()});
    return false;
  }
  if (++it->second.runs < options_.prepare_at) {
    seen_lru_.splice(seen_lru_.begin(), seen_lru_, it->second.lru);
    return false;
  }
  seen_lru_.erase(it->second.lru);
  seen_.erase(it);
  return true;
}

// Parameters inlined as literals: strings escaped by the client library for this connection's
// character set (mysql_real_escape_string), integers in decimal, NULL.
std::string Connection::inline_text(const std::string& text, const std::vector<Param>& params) {
  auto* native = dynamic_cast<sql::mysql::MySQL_Connection*>(conn_.get());
  if (!native) throw Error(ErrorKind::Other, 0, "no native connection to escape parameters with");
  try {
    return inline_params(text, params, [native](const std::string& v) {
      sql::SQLString e = native->escapeString(sql::SQLString(v));
      return std::string(e.c_str(), e.length());
    });
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorKind::Other, 0, e.what());
  }
}

sql::PreparedStatement* Connection::prepare(const std::string& text) {
  if (cache_.size() >= options_.max_statements) evict(1);
  std::unique_ptr<sql::PreparedStatement> st;
  try {
    st.reset(conn_->prepareStatement(text));
  } catch (const sql::SQLException& e) {
    // The server's max_prepared_stmt_count is shared by every connection: when it is
    // reached, give back a quarter of ours and try once more rather than fail the request.
    if (e.getErrorCode() != code::kTooManyPrepared || cache_.empty()) throw;
    evict(cache_.size() / 4 + 1);
    st.reset(conn_->prepareStatement(text));
  }
  lru_.push_front(text);
  auto* raw = st.get();
  cache_.emplace(text, Entry{std::move(st), lru_.begin()});
  return raw;
}

void Connection::bind(sql::PreparedStatement* st, const std::vector<Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    auto idx = static_cast<unsigned int>(i + 1);
    const auto& p = params[i];
    if (std::holds_alternative<std::nullptr_t>(p)) st->setNull(idx, sql::DataType::VARCHAR);
    else if (std::holds_alternative<int64_t>(p)) st->setInt64(idx, std::get<int64_t>(p));
    else st->setString(idx, sql::SQLString(std::get<std::string>(p)));
  }
}

void Connection::evict(size_t n) {
  while (n-- > 0 && !lru_.empty()) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
}

Rows Connection::query(const std::string& text, const std::vector<Param>& params) {
  return with_retry([&] {
    if (auto* st = statement_for(text)) {
      bind(st, params);
      return Rows(st->executeQuery());
    }
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    return Rows(st->executeQuery(sql::SQLString(inline_text(text, params))), true);
  });
}

uint64_t Connection::exec(const std::string& text, const std::vector<Param>& params) {
  return with_retry([&] {
    if (auto* st = statement_for(text)) {
      bind(st, params);
      return static_cast<uint64_t>(st->executeUpdate());
    }
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    return static_cast<uint64_t>(st->executeUpdate(sql::SQLString(inline_text(text, params))));
  });
}

void Connection::execute(const std::string& text) {
  with_retry([&] {
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    st->execute(sql::SQLString(text));
    return 0;
  });
}

Rows Connection::query_plain(const std::string& text) {
  return with_retry([&] {
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    return Rows(st->executeQuery(sql::SQLString(text)));
  });
}

void Connection::begin() {
  with_retry([&] {
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    st->execute("START TRANSACTION");
    return 0;
  });
  in_tx_ = true;
}

void Connection::commit() {
  try {
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    st->execute("COMMIT");
    in_tx_ = false;
  } catch (const sql::SQLException& e) {
    in_tx_ = false;
    if (is_lost(e)) drop();
    rethrow(e);
  }
}

void Connection::rollback() {
  in_tx_ = false;
  if (!conn_) return;
  try {
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    st->execute("ROLLBACK");
  } catch (const sql::SQLException&) {
    drop();
  }
}

void Connection::use_schema(const std::string& schema) {
  with_retry([&] {
    conn_->setSchema(sql::SQLString(schema));
    return 0;
  });
  // Statements prepared under another schema must not be reused.
  cache_.clear();
  lru_.clear();
}

bool Connection::ping() {
  // COM_PING: the cheapest round trip the server offers (no statement to run). A connection
  // the server has dropped (it restarted) is replaced once before the answer is no.
  try {
    if (!conn_) connect();
    if (conn_->isValid()) return true;
    connect();
    return conn_->isValid();
  } catch (const Error&) {
    return false;
  } catch (const sql::SQLException&) {
    drop();
    return false;
  }
}

NamedLock::NamedLock(Connection& c, std::string name, int64_t timeout_s) : c_(c), name_(std::move(name)) {
  auto rows = c_.query("SELECT GET_LOCK(?, ?)", {name_, timeout_s});
  acquired_ = rows.next() && !rows.is_null(0) && rows.i64(0) == 1;
}

NamedLock::~NamedLock() {
  if (!acquired_) return;
  try {
    auto rows = c_.query("SELECT RELEASE_LOCK(?)", {name_});
    rows.next();
  } catch (...) {
  }
}

}  // namespace ecom::db
