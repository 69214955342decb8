#include "provisioning/provisioner.h"

#include "common/digest.h"
#include "common/strings.h"
#include "common/uuid.h"
#include "common/validation.h"
#include "db/identifier.h"
#include "db/migrator.h"
#include "provisioning/admin_invite.h"
#include "provisioning/app_privileges.h"
#include "provisioning/db_servers.h"
#include "provisioning/seeder.h"
#include "provisioning/server_limits.h"
#include "tenancy/slug.h"
#include "tenancy/tenant.h"

namespace ecom::provisioning {
namespace {

// The administrative account on the server `server` (db_server_admin_login); "" is the control
// database's server.
db::ConnectOptions admin_options(const Config& c, const std::string& url, const std::string& schema,
                                 const std::string& server = "") {
  std::string error;
  auto login = db_server_admin_login(c, server, error);
  if (!login) throw std::runtime_error(error);
  return db::ConnectOptions{url, login->first, login->second, schema, static_cast<int>(c.db_connect_timeout),
                            std::max<int>(60, static_cast<int>(c.db_read_timeout)),
                            static_cast<int>(c.db_write_timeout)};
}

// 'user'@'host' for GRANT; both come from config / mysql.db and are checked.
std::string account(const std::string& user, const std::string& host) {
  for (char c : user)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      throw std::runtime_error("database.user has characters a GRANT cannot carry safely");
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '%' || c == ':' || c == '_'))
      throw std::runtime_error("unexpected host in mysql.db for the application account");
  return "'" + user + "'@'" + host + "'";
}

}  // namespace

std::string validate_store_name(const std::string& name) {
  std::string_view t = trim(name);
  if (!valid_utf8(t) || t.empty() || utf8_length(t) > 200)
    throw ProvisionError(ProvisionError::Invalid, "name must be 1-200 characters");
  return std::string(t);
}

Provisioner::Provisioner(const Config& cfg)
    : cfg_(cfg),
      control_(std::make_unique<db::Connection>(admin_options(cfg, cfg.db_url, ""))),
      store_(*control_) {}

db::Connection& Provisioner::admin(const std::string& url, const std::string& server) {
  auto it = admins_.find(url);
  if (it != admins_.end()) return *it->second;
  return *admins_.emplace(url, open_admin(url, server)).first->second;
}

std::unique_ptr<db::Connection> Provisioner::open_admin(const std::string& url, const std::string& server) const {
  return std::make_unique<db::Connection>(admin_options(cfg_, url, "", server));
}

const std::vector<db::Migration>& Provisioner::tenant_migrations() {
  if (!migrations_) migrations_ = std::make_unique<std::vector<db::Migration>>(db::load_migrations(cfg_.tenant_migrations));
  return *migrations_;
}

std::vector<std::string> Provisioner::setup_control() {
  const std::string schema = db::quote_identifier(cfg_.control_schema);
  control_->execute("CREATE DATABASE IF NOT EXISTS " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  auto migrations = db::load_migrations(cfg_.control_migrations);
  auto outcome = db::apply_migrations(*control_, cfg_.control_schema, migrations);
  control_->use_schema(cfg_.control_schema);
  store_.register_default_server(cfg_.db_url);
  grant_app_control_privileges(*control_, cfg_.control_schema, app_accounts(*control_));
  refresh_capacities(0);
  return outcome.applied;
}

int64_t Provisioner::tables_per_store() {
  auto newest = control_->query(
      "SELECT t.schema_name, s.url, s.name, s.is_default FROM tenants t JOIN db_servers s ON s.id = t.db_server_id "
      "WHERE t.status = 'Ready' ORDER BY t.created_at DESC, t.id LIMIT 1");
  if (newest.next()) {
    std::string schema = newest.str(0), url = newest.str(1), name = newest.i64(3) ? "" : newest.str(2);
    try {
      if (int64_t n = count_base_tables(admin(url, name), schema); n > 0) return n;
    } catch (const std::exception&) {
      // Its server does not answer: counted from the migrations below.
    }
  }
  int64_t tables = 1;  // schema_migrations
  for (const auto& m : tenant_migrations()) {
    std::string sql = to_upper(m.sql);
    for (const char* word : {"CREATE TABLE", "DROP TABLE"}) {
      for (size_t at = sql.find(word); at != std::string::npos; at = sql.find(word, at + 1))
        tables += word[0] == 'C' ? 1 : -1;
    }
  }
  return std::max<int64_t>(1, tables);
}

std::vector<std::string> Provisioner::refresh_capacities(int64_t max_age_seconds) {
  std::vector<std::string> unreachable;
  std::optional<int64_t> tables;
  for (const auto& s : list_db_servers(*control_)) {
    if (s.limits_age && *s.limits_age <= max_age_seconds) continue;
    try {
      auto limits = read_server_limits(admin(s.url, s.is_default ? "" : s.name));
      if (!tables) tables = tables_per_store();
      record_derived_capacity(*control_, s.id, derive_capacity(limits, *tables), describe_limits(limits, *tables));
    } catch (const std::exception&) {
      // Tried again once the reading is as old as the next caller allows, not by every create.
      unreachable.push_back(s.name);
      record_limits_unread(*control_, s.id);
    }
  }
  return unreachable;
}

std::optional<std::string> Provisioner::no_room_for(const TenantRecord& t) {
  refresh_capacities(kLimitsMaxAgeSeconds);
  for (const auto& s : list_db_servers(*control_)) {
    if (s.id != t.server_id) continue;
    int64_t built = built_stores_besides(*control_, s.id, t.id);
    if (built < s.capacity) return std::nullopt;
    return "database server '" + s.name + "' is full: " + std::to_string(built) + " store(s) built, capacity " +
           std::to_string(s.capacity) + " (" + s.capacity_source() + ")";
  }
  return std::nullopt;
}

std::vector<std::string> Provisioner::app_accounts(db::Connection& a) {
  // The application account's hosts are those holding its grant on the control schema (stored
  // as given, with or without the wildcard escaped). mysql.db is all the administrative account
  // may read of the mysql schema.
  std::string escaped;
  for (char ch : cfg_.control_schema) {
    if (ch == '_' || ch == '%') escaped += '\\';
    escaped += ch;
  }
  auto hosts = a.query("SELECT DISTINCT Host FROM mysql.db WHERE User = ? AND Db IN (?, ?) ORDER BY Host",
                       {cfg_.db_user, cfg_.control_schema, escaped});
  std::vector<std::string> accounts;
  while (hosts.next()) accounts.push_back(account(cfg_.db_user, hosts.str(0)));
  if (accounts.empty())
    throw std::runtime_error("the application account '" + cfg_.db_user + "' holds no grant on the control schema " +
                             cfg_.control_schema + " (GRANT SELECT ON " + cfg_.control_schema + ".* TO it first)");
  return accounts;
}

void Provisioner::create_database(const TenantRecord& t, bool created_before, std::string& log, bool& created_now) {
  auto& a = admin(t.server_url, t.server_name);
  const std::string schema = db::quote_identifier(t.schema);
  // The schema carries the id of the store it was created for. A schema of that name that is
  // not this store's (a leftover of a deleted store, with its accounts and orders) is never
  // adopted by a new store.
  if (!uuid::is_valid(t.id)) throw std::runtime_error("invalid store id");
  const std::string owner = "ecom store " + t.id;
  {
    auto existing = a.query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", {t.schema});
    created_now = !(existing.next() && existing.i64(0) > 0);
  }
  a.execute("CREATE DATABASE IF NOT EXISTS " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci COMMENT '" +
            owner + "'");
  auto r = a.query("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", {t.schema});
  std::string comment = r.next() && !r.is_null(0) ? r.str(0) : "";
  if (comment != owner) {
    bool empty = false;
    if (comment.empty() && !created_before) {
      auto tables = a.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", {t.schema});
      empty = tables.next() && tables.i64(0) == 0;
    }
    if (!comment.empty() || !(created_before || empty))
      throw std::runtime_error("a schema named " + t.schema +
                               " already exists and was not created for this store (a deleted store's?); "
                               "drop or rename it, then repair");
    // A schema this store created before owners were recorded, or an empty one: claim it.
    a.execute("ALTER DATABASE " + schema + " COMMENT '" + owner + "'");
  }
  // The web workers' account reaches it through its grant on every store schema (ecom\_tenant\_%),
  // made once when the account is created: nothing is granted per store.
  log = "Database " + t.schema + " created successfully";
}

std::string Provisioner::drop_created_schema(const TenantRecord& t) {
  try {
    auto& a = admin(t.server_url, t.server_name);
    // Only the schema this store's run created: it carries the store's id.
    auto r = a.query("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", {t.schema});
    if (!r.next()) return "";
    if (r.is_null(0) || r.str(0) != "ecom store " + t.id) return "";
    a.execute("DROP DATABASE " + db::quote_identifier(t.schema));
    return " (the schema " + t.schema + " this run created was dropped again; repair builds it anew)";
  } catch (const std::exception& e) {
    return std::string(" (the schema ") + t.schema + " this run created could not be dropped: " + e.what() + ")";
  }
}

StepsOutcome Provisioner::run_steps(const TenantRecord& t) {
  StepsOutcome out;
  if (!t.schema_is_derived()) {
    // Checked before any step: the steps create, grant and seed in whatever schema the row names.
    out.failed_step = "CreateDatabase";
    out.error = "the schema name recorded for this store is not the one its slug gives; refusing to act on it";
    return out;
  }
  bool created_before = false;
  for (const auto& s : store_.steps(t.id))
    if (s.step == "CreateDatabase" && s.status == "Success") created_before = true;
  auto run = [&](const char* step, auto&& body) -> bool {
    store_.step_started(t.id, step);
    try {
      std::string log = body();
      store_.step_succeeded(t.id, step, log);
      return true;
    } catch (const std::exception& e) {
      out.failed_step = step;
      out.error = e.what();
      try {
        store_.step_failed(t.id, step, e.what());
      } catch (const std::exception&) {
      }
      return false;
    }
  };
  store_.set_status(t.id, tenancy::state::kProvisioning);
  bool created_now = false;
  bool ok = run("CreateDatabase", [&] {
              std::string log;
              create_database(t, created_before, log, created_now);
              return log;
            }) &&
            run("ApplyMigrations", [&] {
              auto o = db::apply_migrations(admin(t.server_url, t.server_name), t.schema, tenant_migrations());
              return o.applied.empty() ? std::string("Migrations already up to date")
                                       : "Migrations applied successfully (" + std::to_string(o.applied.size()) + ")";
            }) &&
            run("SeedData", [&] {
              std::string log = seed_store(admin(t.server_url, t.server_name), t.schema, cfg_.seed_file);
              if (!t.admin_email.empty() && !t.admin_activation_hash.empty() &&
                  create_signup_admin(admin(t.server_url, t.server_name), t.schema, t.admin_email, t.admin_activation_hash,
                                      t.created_at_sql))
                log += "; store admin invited";
              return log;
            });
  out.ok = ok;
  if (!ok && created_now) {
    // Nothing half-made stays behind: the store is Failed with no schema, and repair starts over.
    out.error += drop_created_schema(t);
    try {
      store_.step_failed(t.id, out.failed_step, out.error);
    } catch (const std::exception&) {
    }
  }
  try {
    store_.set_status(t.id, ok ? tenancy::state::kReady : tenancy::state::kFailed);
  } catch (const std::exception& e) {
    out.ok = false;
    out.error = std::string("cannot record the outcome: ") + e.what();
  }
  return out;
}

TenantRecord Provisioner::create(const std::string& slug, const std::string& name, const std::string& plan,
                                 const std::string& admin_email, std::string* activation_token,
                                 const std::string& server) {
  std::string why;
  if (!tenancy::valid_slug(slug, &why)) throw ProvisionError(ProvisionError::Invalid, "invalid slug: " + why);
  TenantRecord t;
  t.name = validate_store_name(name);
  if (!admin_email.empty()) {
    if (!valid_email(admin_email)) throw ProvisionError(ProvisionError::Invalid, "invalid admin email");
    std::string token = new_activation_token();
    t.admin_email = to_lower(admin_email);
    t.admin_activation_hash = digest::sha256_hex(token);
    if (activation_token) *activation_token = token;
  }
  auto plan_code = store_.find_plan(plan);
  if (!plan_code) throw ProvisionError(ProvisionError::PlanNotFound, "plan '" + plan + "' not found");
  refresh_capacities(kLimitsMaxAgeSeconds);
  // Refused before anything is made (no store row, no schema) when there is no room.
  auto placed = place_store(*control_, server);
  if (placed.outcome == Placement::Unknown) throw ProvisionError(ProvisionError::UnknownServer, placed.message);
  if (placed.outcome == Placement::Full) throw ProvisionError(ProvisionError::Full, placed.message);
  if (placed.outcome != Placement::Placed) throw ProvisionError(ProvisionError::Failed, placed.message);
  t.id = uuid::v4();
  t.slug = slug;
  t.plan_code = *plan_code;
  t.status = tenancy::state::kProvisioning;
  t.schema = db::tenant_schema_name(slug);
  t.server_id = placed.server.id;
  t.server_url = placed.server.url;
  t.server_name = placed.server.name;
  if (!store_.insert_tenant(t))
    throw ProvisionError(ProvisionError::SlugTaken, "slug '" + slug + "' is already taken");
  auto stored = store_.find_by_id(t.id);  // with what the database filled in (created_at)
  if (!stored) throw ProvisionError(ProvisionError::Failed, "the store record vanished during creation");
  auto outcome = run_steps(*stored);
  if (!outcome.ok)
    throw ProvisionError(ProvisionError::Failed, outcome.failed_step + " failed: " + outcome.error);
  return *store_.find_by_slug(slug);
}

std::string Provisioner::invite_admin(const std::string& slug, const std::string& email) {
  if (!valid_email(email)) throw ProvisionError(ProvisionError::Invalid, "invalid email");
  auto t = store_.find_by_slug(slug);
  if (!t) throw ProvisionError(ProvisionError::NotFound, "no store with slug '" + slug + "'");
  if (t->provisioning_status != tenancy::state::kReady)
    throw ProvisionError(ProvisionError::Failed, "the store is not ready (" + t->provisioning_status + ")");
  if (!t->schema_is_derived())
    throw ProvisionError(ProvisionError::Failed, "the schema name recorded for this store is not the one its slug gives");
  std::string token = new_activation_token();
  provisioning::invite_admin(admin(t->server_url, t->server_name), t->schema, email, digest::sha256_hex(token));
  return token;
}

TenantRecord Provisioner::repair(const std::string& slug) {
  auto t = store_.find_by_slug(slug);
  if (!t) throw ProvisionError(ProvisionError::NotFound, "no store with slug '" + slug + "'");
  // A suspension is a flag of its own: the steps set the provisioning status only.
  auto outcome = run_steps(*t);
  if (!outcome.ok) throw ProvisionError(ProvisionError::Failed, outcome.failed_step + " failed: " + outcome.error);
  return *store_.find_by_slug(slug);
}

}  // namespace ecom::provisioning
