#include "common/config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "common/ini.h"
#include "common/net.h"
#include "common/strings.h"

namespace ecom {
namespace {

enum class Kind { String, Int, Octal };

struct Key {
  const char* section;
  const char* name;
  Kind kind;
  std::string Config::*str;
  int64_t Config::*num;
  int64_t min, max;
};

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"server", "listen", Kind::String, &Config::listen, nullptr, 0, 0},
      {"server", "listen_mode", Kind::Octal, nullptr, &Config::listen_mode, 0, 0777},
      {"server", "user", Kind::String, &Config::user, nullptr, 0, 0},
      {"server", "group", Kind::String, &Config::group, nullptr, 0, 0},
      {"server", "workers", Kind::Int, nullptr, &Config::workers, 0, kMaxWorkers},
      {"server", "backlog", Kind::Int, nullptr, &Config::backlog, 1, 65535},
      {"server", "pid_file", Kind::String, &Config::pid_file, nullptr, 0, 0},
      {"server", "agent_socket", Kind::String, &Config::agent_socket, nullptr, 0, 0},
      {"server", "graceful_timeout", Kind::Int, nullptr, &Config::graceful_timeout, 1, 3600},
      {"server", "max_requests", Kind::Int, nullptr, &Config::max_requests, 0, 100'000'000},
      {"server", "max_requests_jitter", Kind::Int, nullptr, &Config::max_requests_jitter, 0, 100'000'000},
      {"server", "request_timeout", Kind::Int, nullptr, &Config::request_timeout, 0, 86400},
      {"server", "slow_request_ms", Kind::Int, nullptr, &Config::slow_request_ms, 0, 86'400'000},
      {"server", "max_body_bytes", Kind::Int, nullptr, &Config::max_body_bytes, 1024, 64 << 20},
      {"server", "trusted_proxies", Kind::String, &Config::trusted_proxies, nullptr, 0, 0},
      {"database", "url", Kind::String, &Config::db_url, nullptr, 0, 0},
      {"database", "control_schema", Kind::String, &Config::control_schema, nullptr, 0, 0},
      {"database", "user", Kind::String, &Config::db_user, nullptr, 0, 0},
      {"database", "password", Kind::String, &Config::db_password, nullptr, 0, 0},
      {"database", "connect_timeout", Kind::Int, nullptr, &Config::db_connect_timeout, 1, 300},
      {"database", "read_timeout", Kind::Int, nullptr, &Config::db_read_timeout, 1, 3600},
      {"database", "write_timeout", Kind::Int, nullptr, &Config::db_write_timeout, 1, 3600},
      {"database", "statement_cache", Kind::Int, nullptr, &Config::db_statement_cache, 16, 1000000},
      {"admin_database", "user", Kind::String, &Config::admin_user, nullptr, 0, 0},
      {"admin_database", "password", Kind::String, &Config::admin_password, nullptr, 0, 0},
      {"admin_database", "password_file", Kind::String, &Config::admin_password_file, nullptr, 0, 0},
      {"tenancy", "cache_ttl_ms", Kind::Int, nullptr, &Config::tenant_cache_ttl_ms, 0, 600000},
      {"catalog", "cache_ttl_ms", Kind::Int, nullptr, &Config::catalog_cache_ttl_ms, 0, 3600000},
      {"catalog", "cache_bytes", Kind::Int, nullptr, &Config::catalog_cache_bytes, 0, int64_t{1} << 34},
      {"paths", "control_migrations", Kind::String, &Config::control_migrations, nullptr, 0, 0},
      {"paths", "tenant_migrations", Kind::String, &Config::tenant_migrations, nullptr, 0, 0},
      {"paths", "seed_file", Kind::String, &Config::seed_file, nullptr, 0, 0},
      {"auth", "confirm_token_secret", Kind::String, &Config::confirm_token_secret, nullptr, 0, 0},
      {"auth", "superadmin_token_secret", Kind::String, &Config::superadmin_token_secret, nullptr, 0, 0},
      {"auth", "access_token_secret", Kind::String, &Config::access_token_secret, nullptr, 0, 0},
      {"auth", "password_iterations", Kind::Int, nullptr, &Config::password_iterations, 100000, 10000000},
      {"auth", "attempts_per_address_per_minute", Kind::Int, nullptr, &Config::auth_attempts_per_minute, 0, 1000000},
      {"auth", "attempts_per_address_burst", Kind::Int, nullptr, &Config::auth_attempts_burst, 1, 1000000},
      {"auth", "max_concurrent_hashes", Kind::Int, nullptr, &Config::max_concurrent_hashes, 0, kMaxWorkers},
      {"signup", "inits_per_address_per_hour", Kind::Int, nullptr, &Config::signup_inits_per_address, 0, 1000000},
      {"signup", "confirms_per_address_per_hour", Kind::Int, nullptr, &Config::signup_confirms_per_address, 0, 1000000},
      {"signup", "inits_per_hour", Kind::Int, nullptr, &Config::signup_inits_per_hour, 0, 1000000},
      {"signup", "confirms_per_hour", Kind::Int, nullptr, &Config::signup_confirms_per_hour, 0, 1000000},
      {"signup", "max_queued", Kind::Int, nullptr, &Config::signup_max_queued, 0, 1000000},
      {"provisioning", "lease_seconds", Kind::Int, nullptr, &Config::lease_seconds, 5, 86400},
      {"provisioning", "unactivated_signup_days", Kind::Int, nullptr, &Config::unactivated_signup_days, 0, 3650},
      {"log", "file", Kind::String, &Config::log_file, nullptr, 0, 0},
  };
  return k;
}

void apply(Config& c, const Key& k, const std::string& value, const std::string& origin,
           std::vector<std::string>& errors) {
  if (k.kind == Kind::String) {
    c.*(k.str) = value;
    return;
  }
  std::optional<int64_t> v;
  if (k.kind == Kind::Octal) {
    char* end = nullptr;
    long parsed = std::strtol(value.c_str(), &end, 8);
    if (!value.empty() && end && *end == '\0') v = parsed;
  } else {
    v = parse_int(value);
  }
  if (!v || *v < k.min || *v > k.max) {
    errors.push_back(origin + ": " + k.section + "." + k.name + " must be " +
                     (k.kind == Kind::Octal ? "an octal mode" : "an integer") + " in [" +
                     std::to_string(k.min) + ", " + std::to_string(k.max) + "], got '" + value + "'");
    return;
  }
  c.*(k.num) = *v;
}

constexpr const char* kDbServerPrefix = "db_server.";

// One [db_server.NAME] section; ECOM_DB_SERVER_<NAME>_<KEY> (NAME upper case, '-' as '_')
// overrides its keys.
void db_server_section(Config& c, const std::string& section, const std::map<std::string, std::string>& entries,
                       bool use_env, std::vector<std::string>& errors) {
  std::string name = section.substr(std::strlen(kDbServerPrefix));
  if (!valid_db_server_name(name)) {
    errors.push_back("[" + section + "]: a server name is 1-64 of [a-z0-9_-]");
    return;
  }
  if (name == "default") {
    errors.push_back("[" + section + "]: the default server's accounts are [database] and [admin_database]");
    return;
  }
  DbServerAccounts& a = c.db_servers[name];
  static const std::vector<std::pair<const char*, std::string DbServerAccounts::*>> fields = {
      {"user", &DbServerAccounts::user},
      {"password", &DbServerAccounts::password},
      {"admin_user", &DbServerAccounts::admin_user},
      {"admin_password_file", &DbServerAccounts::admin_password_file}};
  for (const auto& [key, value] : entries) {
    bool known = false;
    for (const auto& [k, field] : fields)
      if (key == k) {
        a.*field = value;
        known = true;
      }
    if (key == "admin_password")
      errors.push_back(section + ".admin_password: put the administrative password in admin_password_file");
    else if (!known)
      errors.push_back("unknown key " + section + "." + key);
  }
  if (!use_env) return;
  std::string env_name = to_upper(name);
  for (char& ch : env_name)
    if (ch == '-') ch = '_';
  for (const auto& [k, field] : fields) {
    std::string var = "ECOM_DB_SERVER_" + env_name + "_" + to_upper(k);
    if (const char* v = std::getenv(var.c_str())) a.*field = v;
  }
}

void validate(const Config& c, std::vector<std::string>& errors) {
  if (c.listen.empty()) errors.push_back("server.listen must not be empty");
  auto addresses = database_addresses(c.db_url);
  if (addresses.size() != split(c.db_url, ',').size()) errors.push_back("database.url: an address is empty");
  if (addresses.empty() || addresses.size() > kMaxDatabaseAddresses || c.db_url.size() > 255)
    errors.push_back("database.url must hold 1 to " + std::to_string(kMaxDatabaseAddresses) +
                     " addresses separated by commas (255 characters at most)");
  for (const auto& a : addresses)
    if ((a.rfind("unix://", 0) != 0 && a.rfind("tcp://", 0) != 0) || a.size() <= 7)
      errors.push_back("database.url: every address must start with unix:// or tcp://, got '" + a + "'");
  if (c.control_schema.empty() || c.control_schema.size() > 64) errors.push_back("database.control_schema is invalid");
  for (char ch : c.control_schema)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'))
      errors.push_back("database.control_schema may hold only [A-Za-z0-9_]");
  std::string bad;
  if (!net::parse_cidr_list(c.trusted_proxies, &bad))
    errors.push_back("server.trusted_proxies: '" + bad + "' is not an IP address or CIDR range");
}

}  // namespace

std::vector<std::string> database_addresses(std::string_view url) {
  std::vector<std::string> out;
  for (const auto& part : split(url, ','))
    if (auto t = trim(part); !t.empty()) out.emplace_back(t);
  return out;
}

ConfigResult parse_config(const std::string& text, bool use_env) {
  ConfigResult r;
  auto parsed = ini::parse(text);
  if (!parsed.ok()) {
    r.errors.push_back(parsed.error);
    return r;
  }
  for (const auto& [section, entries] : parsed.doc) {
    if (section.rfind(kDbServerPrefix, 0) == 0) {
      db_server_section(r.config, section, entries, use_env, r.errors);
      continue;
    }
    for (const auto& [name, value] : entries) {
      const Key* found = nullptr;
      for (const auto& k : keys())
        if (section == k.section && name == k.name) found = &k;
      if (!found) {
        r.errors.push_back("unknown key " + section + "." + name);
        continue;
      }
      apply(r.config, *found, value, "config", r.errors);
    }
  }
  if (use_env) {
    for (const auto& k : keys()) {
      std::string var = "ECOM_" + to_upper(k.section) + "_" + to_upper(k.name);
      if (const char* v = std::getenv(var.c_str())) apply(r.config, k, v, var, r.errors);
    }
  }
  validate(r.config, r.errors);
  return r;
}

ConfigResult load_config(const std::string& path, bool optional_file) {
  std::ifstream in(path);
  if (!in) {
    if (optional_file) {
      auto r = parse_config("", true);
      r.config.source = "(environment)";
      return r;
    }
    ConfigResult r;
    r.errors.push_back("cannot read config file " + path);
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse_config(ss.str(), true);
  r.config.source = path;
  return r;
}

std::vector<std::string> secret_problems(const Config& c) {
  std::vector<std::string> out;
  auto check = [&](const char* name, const std::string& v) {
    std::string lower = to_lower(v);
    if (v.empty()) {
      out.push_back(std::string("auth.") + name + " is empty; set it (or ECOM_AUTH_" + to_upper(name) +
                    ") to a random string of at least 32 characters");
    } else if (v.size() < 32) {
      out.push_back(std::string("auth.") + name + " is shorter than 32 characters");
    } else if (lower.find("change") != std::string::npos || lower.find("secret") != std::string::npos ||
               lower.find("example") != std::string::npos || v.find_first_not_of(v[0]) == std::string::npos) {
      out.push_back(std::string("auth.") + name + " looks like a placeholder; use a random value");
    }
  };
  check("confirm_token_secret", c.confirm_token_secret);
  check("superadmin_token_secret", c.superadmin_token_secret);
  check("access_token_secret", c.access_token_secret);
  if (c.confirm_token_secret == c.superadmin_token_secret || c.confirm_token_secret == c.access_token_secret ||
      c.superadmin_token_secret == c.access_token_secret)
    out.push_back("the three auth secrets must differ from each other");
  return out;
}

std::string agent_socket_path(const Config& c) {
  if (!c.agent_socket.empty()) return c.agent_socket;
  if (c.listen.empty() || c.listen[0] != '/') return "";
  size_t slash = c.listen.rfind('/');
  return c.listen.substr(0, slash) + "/ecom-agent.sock";
}

std::string default_config_path() {
  if (const char* p = std::getenv("ECOM_CONFIG"); p && *p) return p;
  return "/etc/ecom/ecom.conf";
}

namespace {

// The password alone in `path` (`what` names the key in messages): a regular file that neither
// its group nor others may read; its first line.
std::optional<std::string> read_password_file(const std::string& path, const std::string& what, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    error = "cannot read " + what + " " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = what + " " + path + " is not a regular file";
    return std::nullopt;
  }
  if (st.st_mode & 077) {
    ::close(fd);
    error = what + " " + path + " may be read by others (mode " +
            std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
            std::to_string(st.st_mode & 7) + "); make it 0600";
    return std::nullopt;
  }
  std::string out;
  char buf[256];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > 4096) break;
  }
  explicit_bzero(buf, sizeof buf);
  ::close(fd);
  size_t end = out.find_first_of("\r\n");
  if (end != std::string::npos) {
    explicit_bzero(out.data() + end, out.size() - end);
    out.resize(end);
  }
  if (out.empty()) {
    error = what + " " + path + " is empty";
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<std::string> admin_password(const Config& c, std::string& error) {
  if (!c.admin_password.empty() || c.admin_password_file.empty()) return c.admin_password;
  return read_password_file(c.admin_password_file, "admin_database.password_file", error);
}

bool valid_db_server_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '-' || name[0] == '_') return false;
  for (char ch : name)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) return false;
  return true;
}

namespace {
const DbServerAccounts* accounts_of(const Config& c, const std::string& name) {
  auto it = c.db_servers.find(name);
  return it == c.db_servers.end() ? nullptr : &it->second;
}
}  // namespace

std::pair<std::string, std::string> db_server_app_login(const Config& c, const std::string& name) {
  const DbServerAccounts* a = accounts_of(c, name);
  return {a && !a->user.empty() ? a->user : c.db_user, a && !a->password.empty() ? a->password : c.db_password};
}

std::string db_server_admin_user(const Config& c, const std::string& name) {
  const DbServerAccounts* a = accounts_of(c, name);
  return a && !a->admin_user.empty() ? a->admin_user : c.admin_user;
}

std::optional<std::string> db_server_admin_password(const Config& c, const std::string& name, std::string& error) {
  const DbServerAccounts* a = accounts_of(c, name);
  if (a && !a->admin_password_file.empty())
    return read_password_file(a->admin_password_file, "db_server." + name + ".admin_password_file", error);
  return admin_password(c, error);
}

std::optional<std::pair<std::string, std::string>> db_server_admin_login(const Config& c, const std::string& name,
                                                                         std::string& error) {
  if (name.empty()) return std::make_pair(c.admin_user, c.admin_password);
  auto password = db_server_admin_password(c, name, error);
  if (!password) return std::nullopt;
  return std::make_pair(db_server_admin_user(c, name), std::move(*password));
}

void wipe(std::string& secret) {
  explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

int cpu_count() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int worker_count(const Config& c) {
  return c.workers > 0 ? static_cast<int>(c.workers) : kWorkersPerCpu * cpu_count();
}

int64_t hash_concurrency(const Config& c) {
  if (c.max_concurrent_hashes > 0) return c.max_concurrent_hashes;
  int workers = worker_count(c);
  return workers / 2 > 1 ? workers / 2 : 1;
}

}  // namespace ecom
