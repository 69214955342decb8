// Provisioning a store: the three recorded steps (CreateDatabase,
// ApplyMigrations, SeedData), creation and repair. Used by ecom-provision.
// Runs with the administrative database account; never in a web worker.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/config.h"
#include "db/connection.h"
#include "db/migrator.h"
#include "provisioning/control_store.h"

namespace ecom::provisioning {

// Why a create/repair was refused or failed; the CLI maps kinds to exit codes
// and the HTTP layer to status codes.
class ProvisionError : public std::runtime_error {
 public:
  // Full: the database server has no room for another store; nothing was made.
  enum Kind { Invalid, PlanNotFound, SlugTaken, NotFound, UnknownServer, Full, Failed };
  ProvisionError(Kind k, const std::string& m) : std::runtime_error(m), kind_(k) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct StepsOutcome {
  bool ok = false;
  std::string failed_step;
  std::string error;
};

class Provisioner {
 public:
  explicit Provisioner(const Config& cfg);

  ControlStore& store() { return store_; }
  db::Connection& control() { return *control_; }
  // An administrative connection to a database server (one per URL, reused), with the accounts
  // of server `server` ([db_server.NAME]; "" or a server without a section: [admin_database]).
  db::Connection& admin(const std::string& url, const std::string& server = "");
  // A new administrative connection of its own (for a thread; see db::ThreadScope).
  std::unique_ptr<db::Connection> open_admin(const std::string& url, const std::string& server = "") const;

  // setup: control schema + migrations + default server. Throws on failure.
  std::vector<std::string> setup_control();

  // Validates and inserts a tenant (status `initial_status`), then, if it is
  // Provisioning, runs the steps. Throws ProvisionError.
  // With `admin_email`, the store's admin is invited during SeedData and the
  // activation token is written to `*activation_token`.
  // The store goes to `server` (a name; UnknownServer when there is none, Failed when it is
  // draining) or, when "", where provisioning/db_servers.h places it.
  TenantRecord create(const std::string& slug, const std::string& name, const std::string& plan,
                      const std::string& admin_email = "", std::string* activation_token = nullptr,
                      const std::string& server = "");

  // Invites (or re-invites) a store admin now; returns the activation token.
  std::string invite_admin(const std::string& slug, const std::string& email);

  // Runs the three steps for an existing tenant, recording each; marks it Ready or Failed. When
  // a step fails after CreateDatabase made the schema in this run, the schema is dropped again
  // (never one that was there before), so that a repair starts from nothing.
  StepsOutcome run_steps(const TenantRecord& t);

  // Why a store placed on a server but not built yet (a queued sign-up) cannot be built there
  // now: the server holds as many built stores besides it as its capacity. nullopt: room.
  std::optional<std::string> no_room_for(const TenantRecord& t);

  // Derives again the capacity of every server whose limits were read more than
  // `max_age_seconds` ago (or never), recording it in db_servers. A server that does not answer
  // keeps what was recorded. Returns the servers that did not answer.
  std::vector<std::string> refresh_capacities(int64_t max_age_seconds);
  // How long a derived capacity is trusted before create and run read the limits again.
  static constexpr int64_t kLimitsMaxAgeSeconds = 600;

  // Re-runs whatever is missing for a tenant (schema, migrations, seed). Throws ProvisionError.
  TenantRecord repair(const std::string& slug);

  // Tenant migrations, loaded once per process.
  const std::vector<db::Migration>& tenant_migrations();

 private:
  // `created_before`: this store's CreateDatabase step succeeded in an earlier run.
  // `created_now`: the schema did not exist before this call.
  void create_database(const TenantRecord& t, bool created_before, std::string& log, bool& created_now);
  // Drops the schema a failed run created; what to add to the failed step's error.
  std::string drop_created_schema(const TenantRecord& t);
  // The base tables of the newest Ready store (else what the tenant migrations create, and
  // schema_migrations): the tables a store holds.
  int64_t tables_per_store();
  // 'user'@'host' of every host of the application account on the server of `a`.
  std::vector<std::string> app_accounts(db::Connection& a);
  const Config& cfg_;
  std::unique_ptr<db::Connection> control_;
  ControlStore store_;
  std::map<std::string, std::unique_ptr<db::Connection>> admins_;
  std::unique_ptr<std::vector<db::Migration>> migrations_;
};

// 1–200 characters after trimming (CONTRACT §3). Returns the trimmed name or throws Invalid.
std::string validate_store_name(const std::string& name);

}  // namespace ecom::provisioning
