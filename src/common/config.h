// The service configuration: one declarative table of keys (section, key, type,
// default, doc), read from an INI file once at start-up and overridden by
// ECOM_<SECTION>_<KEY> environment variables. Both binaries share it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom {

// Defaults and bounds stated once: the Config below, its key table (config.cpp) and the option
// structs built from it (db::ConnectOptions, prefork::WorkerOptions, the scoreboard) use these.
// server.workers = 0 means this many workers per CPU (see worker_count).
inline constexpr int kWorkersPerCpu = 2;
// The most server.workers (and auth.max_concurrent_hashes) may be: one scoreboard slot each.
inline constexpr int kMaxWorkers = 256;
inline constexpr int64_t kDefaultMaxBodyBytes = 1 << 20;  // 1 MiB
inline constexpr int kDefaultDbConnectTimeout = 2;        // seconds
inline constexpr int kDefaultDbReadTimeout = 10;
inline constexpr int kDefaultDbWriteTimeout = 10;
inline constexpr int64_t kDefaultStatementCache = 256;  // prepared statements per connection (~11 KiB each)

// The accounts of one database server for stores other than the default one: the section
// [db_server.NAME] (NAME as registered by `ecom-provision server add`). An empty key means the
// default server's ([database] user/password, [admin_database] user/password_file). No
// administrative password in clear: only a file, read by ecom-provision and the agent.
struct DbServerAccounts {
  std::string user, password;                 // the web workers' account
  std::string admin_user, admin_password_file;  // the provisioner's account
};

struct Config {
  // [server]
  std::string listen = "/run/ecom/ecom-fcgi.sock";
  // The account the workers run as when the master is started as root (PHP-FPM's pool
  // user/group). Required then: workers never run as root. Empty group: the user's own group.
  std::string user;
  std::string group;
  int64_t listen_mode = 0660;
  int64_t workers = 0;  // 0 = kWorkersPerCpu per CPU (worker_count)
  int64_t backlog = 511;
  std::string pid_file;
  // The privileged provisioning agent's socket (mode 0600). Empty: next to
  // `listen` when that is a unix socket, else the agent is off.
  std::string agent_socket;
  int64_t graceful_timeout = 10;  // seconds
  int64_t max_requests = 1000000;       // a worker exits after this many requests (0 = never)
  int64_t max_requests_jitter = 100000; // plus a random 0..jitter, so workers do not recycle together
  int64_t request_timeout = 30;       // seconds; a worker busy longer is killed (0 = off)
  int64_t slow_request_ms = 1000;     // requests slower than this are logged (0 = off)
  int64_t max_body_bytes = kDefaultMaxBodyBytes;
  // Addresses and CIDR ranges (IPv4, IPv6) of the proxies whose X-Forwarded-For / X-Real-IP
  // name the client (see http/client_address.h). Empty: REMOTE_ADDR is the client.
  std::string trusted_proxies;

  // [database] — the web workers' account; also locates the control database. One address, or
  // several separated by commas (the nodes of a Galera cluster): see database_addresses.
  std::string db_url = "unix:///run/mysqld/mysqld.sock";
  std::string control_schema = "ecom_control";
  std::string db_user = "ecom_app";
  std::string db_password;
  int64_t db_connect_timeout = kDefaultDbConnectTimeout;  // seconds
  int64_t db_read_timeout = kDefaultDbReadTimeout;
  int64_t db_write_timeout = kDefaultDbWriteTimeout;
  int64_t db_statement_cache = kDefaultStatementCache;  // prepared statements kept per connection (LRU)

  // [admin_database] — the provisioner's account (creates schemas, grants).
  std::string admin_user = "ecom_admin";
  std::string admin_password;  // ecom-provision only; ecom-fcgi refuses it (see password_file)
  // A file holding the password alone (mode 0600, owned by the user ecom-fcgi's master runs
  // as): read by ecom-provision and by the provisioning agent, never by a web worker.
  std::string admin_password_file;

  // [db_server.NAME] sections, by NAME.
  std::map<std::string, DbServerAccounts> db_servers;

  // [tenancy]
  int64_t tenant_cache_ttl_ms = 2000;

  // [catalog] — each worker's cache of public catalog answers (core/answer.h): how long an
  // answer may be served without a write on this host telling otherwise (0 = no cache), and the
  // bytes a worker keeps at most.
  int64_t catalog_cache_ttl_ms = 2000;
  int64_t catalog_cache_bytes = 4 << 20;

  // [paths]
  std::string control_migrations = "/usr/share/ecom/sql/control";
  std::string tenant_migrations = "/usr/share/ecom/sql/tenant";
  std::string seed_file = "/usr/share/ecom/sql/seed/demo_catalog.sql";

  // [auth] — HMAC keys (at least 32 characters each; never logged).
  std::string confirm_token_secret;     // signs provisioning confirm tokens
  std::string superadmin_token_secret;  // signs super-admin tokens
  std::string access_token_secret;      // signs customer and store-admin tokens
  int64_t password_iterations = 600000;  // PBKDF2-HMAC-SHA256 cost of new password hashes
  // Login and register attempts per client address (per application host): a bucket of
  // `burst` refilled at `per_minute`. 0 per minute = no limit.
  int64_t auth_attempts_per_minute = 10;
  int64_t auth_attempts_burst = 20;
  int64_t max_concurrent_hashes = 0;  // password hashes at once on this host; 0 = half the workers

  // [signup] — self-service sign-up (init, confirm); 0 = no limit. Operators' creates are never limited.
  int64_t signup_inits_per_address = 10;     // per client address and hour
  int64_t signup_confirms_per_address = 5;   // per client address and hour
  int64_t signup_inits_per_hour = 300;       // every address together
  int64_t signup_confirms_per_hour = 100;
  int64_t signup_max_queued = 50;            // stores Queued or Provisioning at once

  // [provisioning]
  int64_t lease_seconds = 60;  // a job whose runner died is retried after this
  int64_t unactivated_signup_days = 14;  // gc lists sign-ups whose admin never activated, older than this

  // [log]
  std::string log_file;  // empty = stderr

  std::string source;  // the file it was read from (for messages)
};

struct ConfigResult {
  Config config;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Reads `path` (must exist unless `optional_file`), applies the environment,
// validates every key. Never exits; the caller reports errors.
ConfigResult load_config(const std::string& path, bool optional_file = false);

// Same, from INI text (tests). `env` is consulted through getenv when true.
ConfigResult parse_config(const std::string& text, bool use_env);

// Problems with the [auth] secrets (empty, too short, a placeholder); empty when fine.
std::vector<std::string> secret_problems(const Config& c);

// The agent socket path in effect ("" when the agent is off).
std::string agent_socket_path(const Config& c);

// The addresses of a database.url: "tcp://a:1, tcp://b:2" → {"tcp://a:1", "tcp://b:2"} (a
// connection tries them in order and stays on the first that serves; db/connection.h).
inline constexpr size_t kMaxDatabaseAddresses = 8;
std::vector<std::string> database_addresses(std::string_view url);

// The config path: --config value, else $ECOM_CONFIG, else /etc/ecom/ecom.conf.
std::string default_config_path();

// The administrative password: admin_database.password, else the content of
// admin_database.password_file (one line; the file must be a regular file that neither its group
// nor others may read). nullopt with `error` set when the file is unusable; "" when neither is set.
std::optional<std::string> admin_password(const Config& c, std::string& error);

// A database server's name (`server add`, [db_server.NAME]): 1-64 of [a-z0-9_-], starting with
// a letter or digit.
bool valid_db_server_name(const std::string& name);

// The web workers' user and password on database server `name` (its section, else [database]).
std::pair<std::string, std::string> db_server_app_login(const Config& c, const std::string& name);

// The administrative user on server `name` (its section, else admin_database.user), and its
// password: the section's admin_password_file, else what admin_password() gives (the agent and
// ecom-provision hold it in admin_password once read). nullopt with `error` set when unusable.
std::string db_server_admin_user(const Config& c, const std::string& name);
std::optional<std::string> db_server_admin_password(const Config& c, const std::string& name, std::string& error);

// The administrative user and password on server `name`; "" is the control database's server
// (admin_database.user and the admin_password held). nullopt with `error` set when unusable.
std::optional<std::pair<std::string, std::string>> db_server_admin_login(const Config& c, const std::string& name,
                                                                         std::string& error);

// Overwrites a secret in memory before clearing it.
void wipe(std::string& secret);

// Number of CPUs online (≥ 1).
int cpu_count();

// The workers the master runs: server.workers, or kWorkersPerCpu per CPU when 0 — a worker waits
// on the database for much of each request; with one per CPU a third of the CPU time went idle
// under load (README "Performance").
int worker_count(const Config& c);

// Password hashes allowed at once on this host: max_concurrent_hashes, or when 0 half the
// workers (at least 1), so that hashing never occupies every worker.
int64_t hash_concurrency(const Config& c);

}  // namespace ecom
