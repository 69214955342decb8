// db-init: on an existing MariaDB/MySQL server, the control database and the two accounts
// (admin_database.user: the provisioner and the agent; database.user: the web workers) with
// exactly the privileges README "Security" lists, for each host they connect from. Connects as
// the server's own administrator (--server-user, password from --server-password-file, or none:
// root over the socket). Idempotent: the administrative account is narrowed to those privileges
// again; the application account keeps the table privileges `setup` grants it. Passwords never
// come from the command line: the administrative one from admin_database.password_file (written
// there, 0600, when the file does not exist yet), the application one from database.password
// (or --app-password-file, likewise read or written). With --db-server NAME it prepares a
// database server for stores instead: the same two accounts there (names and passwords from
// [db_server.NAME], else the default ones), with the store-schema grants only.
#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "db/connection.h"
#include "db/identifier.h"
#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/db_servers.h"

namespace ecom::provision_cli {
namespace {

constexpr const char* kUsage =
    "db-init [--server-user NAME] [--server-password-file FILE] [--hosts H1,H2] [--app-password-file FILE]\n"
    "               [--db-server NAME [--url URL]]";

struct Options {
  std::string server_user = "root";
  std::string server_password_file;  // "" = no password (root over the socket)
  std::vector<std::string> hosts = {"localhost", "127.0.0.1"};
  std::string app_password_file;
  // A database server for stores other than the default one: its accounts ([db_server.NAME])
  // on it, with the store-schema grants only (no control database there). Its URL: --url, else
  // the one `ecom-provision server add` registered.
  std::string db_server, url;
};

bool plain_name(const std::string& s, size_t max, const char* extra) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          std::strchr(extra, c)))
      return false;
  return true;
}

std::optional<Options> parse(const std::vector<std::string>& flags, std::string& error) {
  Options o;
  for (size_t i = 0; i < flags.size(); ++i) {
    const std::string& f = flags[i];
    bool has_value = i + 1 < flags.size() && flags[i + 1].rfind("--", 0) != 0;
    if (!has_value) {
      error = f + " takes a value";
      return std::nullopt;
    }
    const std::string& v = flags[++i];
    if (f == "--server-user") {
      o.server_user = v;
    } else if (f == "--server-password-file") {
      o.server_password_file = v;
    } else if (f == "--app-password-file") {
      o.app_password_file = v;
    } else if (f == "--db-server") {
      o.db_server = v;
    } else if (f == "--url") {
      o.url = v;
    } else if (f == "--hosts") {
      o.hosts.clear();
      std::stringstream ss(v);
      for (std::string h; std::getline(ss, h, ',');)
        if (!h.empty()) o.hosts.push_back(h);
    } else {
      error = "unknown option " + f;
      return std::nullopt;
    }
  }
  if (!plain_name(o.server_user, 80, ".-")) {
    error = "--server-user: 1-80 characters of [A-Za-z0-9_.-]";
    return std::nullopt;
  }
  if (!o.db_server.empty() && (!valid_db_server_name(o.db_server) || o.db_server == "default")) {
    error = "--db-server: the name of a database server for stores other than the default one";
    return std::nullopt;
  }
  if (!o.url.empty() && (o.db_server.empty() || !provisioning::valid_db_url(o.url))) {
    error = "--url goes with --db-server and is unix:///path or tcp://host:port";
    return std::nullopt;
  }
  if (o.hosts.empty()) {
    error = "--hosts names no host";
    return std::nullopt;
  }
  for (const auto& h : o.hosts)
    if (!plain_name(h, 255, ".-:%")) {
      error = "--hosts: '" + h + "' is not a host name, address or pattern";
      return std::nullopt;
    }
  return o;
}

// The first line of `path` (a password file).
std::optional<std::string> read_secret(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) {
    error = path + " holds no password";
    return std::nullopt;
  }
  return line;
}

// A new password (32 random bytes, hex) written alone to `path`, created with mode 0600; never
// overwrites a file.
std::optional<std::string> generate_secret(const std::string& path, std::string& error) {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    error = "no random bytes for a password";
    return std::nullopt;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string pw;
  for (unsigned char b : raw) {
    pw.push_back(kHex[b >> 4]);
    pw.push_back(kHex[b & 0xf]);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot create " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string line = pw + "\n";
  bool ok = fchmod(fd, 0600) == 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    error = "cannot write " + path;
    unlink(path.c_str());
    return std::nullopt;
  }
  return pw;
}

// Read from `path` when it exists, else generated into it; `generated` says which.
std::optional<std::string> read_or_generate(const std::string& path, bool& generated, std::string& error) {
  struct stat st {};
  generated = stat(path.c_str(), &st) != 0 && errno == ENOENT;
  return generated ? generate_secret(path, error) : read_secret(path, error);
}

// A password as an SQL string literal. Quotes, backslashes and control bytes are refused rather
// than escaped (their escaping depends on the server's sql_mode).
std::string literal(const std::string& pw, const char* whose) {
  for (char c : pw)
    if (c == '\'' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      throw std::runtime_error(std::string(whose) + " password holds a quote, a backslash or a control character");
  return "'" + pw + "'";
}

// `name` as a database pattern matching itself only: `ecom\_control`.
std::string exact_pattern(const std::string& schema) {
  if (!db::safe_identifier(schema)) throw std::runtime_error("database.control_schema is not a plain name");
  std::string out = "`";
  for (char c : schema) {
    if (c == '_' || c == '%') out.push_back('\\');
    out.push_back(c);
  }
  return out + "`";
}

// The statements for one host (README "Security", in that order).
// The two accounts' names on the server db-init works on.
struct Accounts {
  std::string admin_user, app_user;
  bool control = true;  // the control database's server (else a server for stores only)
};

std::vector<std::string> account_sql(const Config& cfg, const Accounts& who, const std::string& host,
                                     const std::string& admin_pw, const std::string& app_pw) {
  const std::string admin = "'" + who.admin_user + "'@'" + host + "'";
  const std::string app = "'" + who.app_user + "'@'" + host + "'";
  const std::string control = exact_pattern(cfg.control_schema);
  const std::string control_name = db::quote_identifier(cfg.control_schema);
  const std::string tenants = "`ecom\\_tenant\\_%`";
  const std::string admin_privs = "SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, TRIGGER, REFERENCES";
  if (!who.control)
    return {
        "CREATE USER IF NOT EXISTS " + admin + " IDENTIFIED BY " + literal(admin_pw, "the administrative"),
        "ALTER USER " + admin + " IDENTIFIED BY " + literal(admin_pw, "the administrative"),
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + admin,
        "GRANT " + admin_privs + " ON " + tenants + ".* TO " + admin,
        "CREATE USER IF NOT EXISTS " + app + " IDENTIFIED BY " + literal(app_pw, "the application"),
        "ALTER USER " + app + " IDENTIFIED BY " + literal(app_pw, "the application"),
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + app,
        "GRANT SELECT, INSERT, UPDATE, DELETE ON " + tenants + ".* TO " + app,
    };
  return {
      "CREATE USER IF NOT EXISTS " + admin + " IDENTIFIED BY " + literal(admin_pw, "the administrative"),
      "ALTER USER " + admin + " IDENTIFIED BY " + literal(admin_pw, "the administrative"),
      "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + admin,
      "GRANT " + admin_privs + " ON " + tenants + ".* TO " + admin,
      "GRANT " + admin_privs + " ON " + control + ".* TO " + admin + " WITH GRANT OPTION",
      "GRANT SELECT ON mysql.db TO " + admin,
      "CREATE USER IF NOT EXISTS " + app + " IDENTIFIED BY " + literal(app_pw, "the application"),
      "ALTER USER " + app + " IDENTIFIED BY " + literal(app_pw, "the application"),
      // Narrowed to reading on the control schema as a whole; `setup`'s table privileges stay.
      "GRANT SELECT ON " + control_name + ".* TO " + app,
      "REVOKE INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, TRIGGER ON " + control_name +
          ".* FROM " + app,
      "GRANT SELECT, INSERT, UPDATE, DELETE ON " + tenants + ".* TO " + app,
  };
}

struct Passwords {
  std::string admin, app;
  std::vector<std::string> written;  // password files generated now
};

// The administrative password: admin_database.password, else its password_file — read with the
// usual checks (a regular file, mode 0600), or generated into it when it does not exist yet.
bool admin_secret(const Config& cfg, Passwords& out, std::string& error) {
  struct stat st {};
  bool missing = cfg.admin_password.empty() && !cfg.admin_password_file.empty() &&
                 stat(cfg.admin_password_file.c_str(), &st) != 0 && errno == ENOENT;
  auto pw = missing ? generate_secret(cfg.admin_password_file, error) : admin_password(cfg, error);
  if (!pw) return false;
  out.admin = *pw;
  if (missing) out.written.push_back(cfg.admin_password_file);
  return true;
}

// The application's password: database.password, and/or --app-password-file (read, or generated).
bool app_secret(const Config& cfg, const Options& opts, Passwords& out, std::string& error) {
  out.app = cfg.db_password;
  if (!opts.app_password_file.empty()) {
    bool generated = false;
    auto pw = read_or_generate(opts.app_password_file, generated, error);
    if (!pw) return false;
    if (!out.app.empty() && out.app != *pw) {
      error = "database.password and " + opts.app_password_file + " differ";
      return false;
    }
    out.app = *pw;
    if (generated) out.written.push_back(opts.app_password_file);
  }
  if (out.app.empty()) error = "no password for " + cfg.db_user + ": set database.password or give --app-password-file";
  return !out.app.empty();
}

db::ConnectOptions server_login(const Config& cfg, const Options& opts, std::string& error, bool& ok) {
  db::ConnectOptions o;
  o.url = cfg.db_url;
  o.user = opts.server_user;
  o.connect_timeout = static_cast<int>(cfg.db_connect_timeout);
  ok = true;
  if (!opts.server_password_file.empty()) {
    auto pw = read_secret(opts.server_password_file, error);
    ok = pw.has_value();
    if (ok) o.password = *pw;
  }
  return o;
}

// The URL `server add` registered for `name` (read with the administrative account).
std::string registered_url(const Config& cfg, const std::string& name, std::string& error) {
  auto pw = admin_password(cfg, error);
  if (!pw) return "";
  db::ConnectOptions o;
  o.url = cfg.db_url;
  o.user = cfg.admin_user;
  o.password = *pw;
  o.schema = cfg.control_schema;
  o.connect_timeout = static_cast<int>(cfg.db_connect_timeout);
  try {
    db::Connection c(o);
    if (auto s = provisioning::find_db_server(c, name)) return s->url;
    error = "no database server named '" + name + "' is registered (ecom-provision server add NAME URL, or --url URL)";
  } catch (const std::exception& e) {
    error = std::string("cannot read the registered database servers: ") + e.what();
  }
  return "";
}

// The configuration as db-init sees the server it works on: with --db-server, that server's URL
// and accounts ([db_server.NAME], else the default ones).
std::optional<Config> target_config(const Config& cfg, const Options& o, std::string& error) {
  Config t = cfg;
  if (o.db_server.empty()) return t;
  t.db_url = o.url.empty() ? registered_url(cfg, o.db_server, error) : o.url;
  if (t.db_url.empty()) return std::nullopt;
  auto [user, password] = db_server_app_login(cfg, o.db_server);
  t.db_user = user;
  t.db_password = password;
  t.admin_user = db_server_admin_user(cfg, o.db_server);
  auto it = cfg.db_servers.find(o.db_server);
  if (it != cfg.db_servers.end() && !it->second.admin_password_file.empty()) {
    t.admin_password.clear();
    t.admin_password_file = it->second.admin_password_file;
  }
  return t;
}

void report(const CliContext& ctx, const Config& cfg, const Options& opts, const Passwords& pw) {
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object();
    if (opts.db_server.empty()) w.field("controlSchema", cfg.control_schema);
    else w.field("dbServer", opts.db_server).field("url", cfg.db_url);
    w.field("adminUser", cfg.admin_user);
    w.field("appUser", cfg.db_user).key("hosts").begin_array();
    for (const auto& h : opts.hosts) w.string(h);
    w.end_array().key("passwordFilesWritten").begin_array();
    for (const auto& f : pw.written) w.string(f);
    w.end_array().end_object();
    print_json(out);
    return;
  }
  std::string hosts;
  for (const auto& h : opts.hosts) hosts += (hosts.empty() ? "" : ", ") + h;
  if (opts.db_server.empty())
    std::printf("control database %s and accounts %s, %s ready (hosts: %s)\n", cfg.control_schema.c_str(),
                cfg.admin_user.c_str(), cfg.db_user.c_str(), hosts.c_str());
  else
    std::printf("database server %s (%s): accounts %s, %s ready for store schemas (hosts: %s)\n",
                opts.db_server.c_str(), cfg.db_url.c_str(), cfg.admin_user.c_str(), cfg.db_user.c_str(), hosts.c_str());
  for (const auto& f : pw.written) std::printf("new password written to %s (mode 0600)\n", f.c_str());
  if (opts.db_server.empty()) std::printf("next: ecom-provision setup\n");
}

}  // namespace

int cmd_db_init(CliContext& ctx) {
  std::string error;
  auto opts = parse(ctx.flags, error);
  if (!opts) {
    print_error(ctx, error);
    std::fprintf(stderr, "usage: ecom-provision %s\n", kUsage);
    return kExitUsage;
  }
  auto target = target_config(ctx.cfg, *opts, error);
  if (!target) {
    print_error(ctx, error);
    return kExitFailure;
  }
  const Config& cfg = *target;
  const bool control = opts->db_server.empty();
  if (!plain_name(cfg.admin_user, 80, ".-") || !plain_name(cfg.db_user, 80, ".-") || cfg.admin_user == cfg.db_user) {
    print_error(ctx, "admin_database.user and database.user must be two different plain account names");
    return kExitUsage;
  }
  Passwords pw;
  bool ok = admin_secret(cfg, pw, error) && app_secret(cfg, *opts, pw, error);
  db::ConnectOptions login = ok ? server_login(cfg, *opts, error, ok) : db::ConnectOptions{};
  if (!ok) {
    print_error(ctx, error);
    return kExitFailure;
  }
  db::Connection server(login);
  if (control)
    server.execute("CREATE DATABASE IF NOT EXISTS " + db::quote_identifier(cfg.control_schema) +
                   " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  for (const auto& host : opts->hosts)
    for (const auto& sql : account_sql(cfg, Accounts{cfg.admin_user, cfg.db_user, control}, host, pw.admin, pw.app))
      server.execute(sql);
  report(ctx, cfg, *opts, pw);
  return kExitOk;
}

}  // namespace ecom::provision_cli
