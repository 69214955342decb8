// The provisioner's reads and writes of the control database: database
// servers, plans, tenants and their recorded steps.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

namespace ecom::provisioning {

inline constexpr const char* kStepNames[3] = {"CreateDatabase", "ApplyMigrations", "SeedData"};

struct TenantRecord {
  std::string id, slug, name, plan_code, plan_name;
  std::string status;               // what the store shows: "Suspended" when suspended, else provisioning_status
  std::string provisioning_status;  // PendingConfirmation|Queued|Provisioning|Ready|Failed (the steps' outcome)
  bool suspended = false;           // the super admin's decision; only PATCH changes it
  std::string schema, server_url, server_name, created_at;
  std::string created_at_sql;  // "YYYY-MM-DD HH:MM:SS" (UTC), as stored
  std::string admin_email, admin_activation_hash;  // "" when no admin was asked for
  std::string created_by = "operator";  // "operator" | "signup"
  std::string signup_client;  // sign-up only: the client address's limit key
  int64_t server_id = 0;

  // The schema name is always derived from the slug; a row that says otherwise was tampered
  // with, and nothing administrative may act on it.
  bool schema_is_derived() const;
};

struct StepRecord {
  std::string step, status;
  std::optional<std::string> started_at, completed_at, log, error_message;
};

class ControlStore {
 public:
  explicit ControlStore(db::Connection& c) : c_(c) {}

  // Where new stores go: provisioning/db_servers.h (place_store).
  void register_default_server(const std::string& url);

  // Plan code as stored (upper case) for a case-insensitive code; nullopt if unknown.
  std::optional<std::string> find_plan(const std::string& code);

  std::optional<TenantRecord> find_by_slug(const std::string& slug);
  std::optional<TenantRecord> find_by_id(const std::string& id);
  std::vector<TenantRecord> list(int64_t limit, int64_t offset);
  std::vector<TenantRecord> list_with_status(const std::vector<std::string>& statuses);
  int64_t count();
  // Ready or Suspended stores created by self-service sign-up more than `days` days ago.
  std::vector<TenantRecord> signups_older_than(int64_t days);

  // Inserts a tenant and its three Pending steps. Throws db::Error (Duplicate when the slug is taken).
  // false when the slug (or the schema name it gives) is taken.
  [[nodiscard]] bool insert_tenant(const TenantRecord& t);
  // The provisioning status (Provisioning, Ready, Failed); never lifts or sets a suspension.
  void set_status(const std::string& tenant_id, const std::string& status);
  void set_suspended(const std::string& tenant_id, bool suspended);
  void set_plan(const std::string& tenant_id, const std::string& plan_code);

  // Self-service sign-up (init): a PendingConfirmation tenant (created_by 'signup') whose
  // confirm token expires at `expires_unix`. Throws db::Error (Duplicate when the slug is taken).
  // false when the slug (or the schema name it gives) is taken.
  [[nodiscard]] bool insert_pending(const TenantRecord& t, int64_t expires_unix);
  // Deletes the PendingConfirmation record holding `slug` if its token has expired.
  bool release_expired_pending(const std::string& slug);
  // Deletes every expired PendingConfirmation record; returns how many.
  int64_t delete_expired_pending();
  // PendingConfirmation → Queued plus a provisioning job, atomically, unless `max_queued`
  // (0 = no cap) stores are already Queued or Provisioning. Confirms are serialised by a
  // named lock for the check, so parallel confirms cannot overfill the queue.
  enum class Confirm { Queued, NotPending, QueueFull, Busy };
  Confirm confirm_and_queue(const std::string& tenant_id, int64_t max_queued);

  // Per-tenant overrides of features (snake_case) and limits (camelCase).
  std::map<std::string, bool> feature_overrides(const std::string& tenant_id);
  std::map<std::string, int64_t> limit_overrides(const std::string& tenant_id);
  void set_feature_override(const std::string& tenant_id, const std::string& feature, std::optional<bool> enabled);
  void set_limit_override(const std::string& tenant_id, const std::string& limit, std::optional<int64_t> value);

  void step_started(const std::string& tenant_id, const std::string& step);
  void step_succeeded(const std::string& tenant_id, const std::string& step, const std::string& log);
  void step_failed(const std::string& tenant_id, const std::string& step, const std::string& error);
  std::vector<StepRecord> steps(const std::string& tenant_id);

 private:
  std::optional<TenantRecord> find(const std::string& where, const std::string& value);
  bool insert_with_steps(const std::string& tenant_id, const std::string& insert_sql,
                         const std::vector<db::Param>& params);
  void insert_steps(const std::string& tenant_id);
  db::Connection& c_;
};

}  // namespace ecom::provisioning
