#include "provisioning/control_store.h"

#include "common/clock.h"
#include "common/log.h"
#include "common/uuid.h"
#include "db/identifier.h"
#include "tenancy/tenant.h"

namespace ecom::provisioning {
namespace {

// NULL for an empty text.
db::Param optional_text(const std::string& s) { return s.empty() ? db::Param(nullptr) : db::Param(s); }

// A slug is taken when its row exists, or when another slug gives the same schema name.
bool slug_taken(const db::Error& e) {
  return e.is_duplicate_of("uq_tenants_slug") || e.is_duplicate_of("uq_tenants_schema");
}

const char* kTenantColumns =
    "SELECT t.id, t.slug, t.name, t.plan_code, p.name, t.status, t.schema_name, s.url, t.created_at, s.id, "
    "COALESCE(t.admin_email, ''), COALESCE(t.admin_activation_hash, ''), t.suspended, t.created_by, "
    "COALESCE(t.signup_client, ''), s.name "
    "FROM tenants t JOIN plans p ON p.code = t.plan_code JOIN db_servers s ON s.id = t.db_server_id ";

TenantRecord read_tenant(db::Rows& r) {
  TenantRecord t;
  t.id = r.str(0);
  t.slug = r.str(1);
  t.name = r.str(2);
  t.plan_code = r.str(3);
  t.plan_name = r.str(4);
  t.provisioning_status = r.str(5);
  // 'Suspended' in the status column is how suspensions were kept before the flag existed.
  t.suspended = r.i64(12) != 0 || t.provisioning_status == tenancy::state::kSuspended;
  if (t.provisioning_status == tenancy::state::kSuspended) t.provisioning_status = tenancy::state::kReady;
  t.status = t.suspended ? tenancy::state::kSuspended : t.provisioning_status;
  t.schema = r.str(6);
  t.server_url = r.str(7);
  t.created_at_sql = r.str(8);
  t.created_at = clock::iso_from_sql(t.created_at_sql);
  t.server_id = r.i64(9);
  t.admin_email = r.str(10);
  t.admin_activation_hash = r.str(11);
  t.created_by = r.str(13);
  t.signup_client = r.str(14);
  t.server_name = r.str(15);
  return t;
}

std::optional<std::string> opt(db::Rows& r, int col) {
  if (r.is_null(col)) return std::nullopt;
  return r.str(col);
}

}  // namespace

bool TenantRecord::schema_is_derived() const { return !slug.empty() && schema == db::tenant_schema_name(slug); }

void ControlStore::register_default_server(const std::string& url) {
  c_.exec(
      "INSERT INTO db_servers (name, url, is_default) VALUES ('default', ?, 1) "
      "ON DUPLICATE KEY UPDATE url = VALUES(url)",
      {url});
}

std::optional<std::string> ControlStore::find_plan(const std::string& code) {
  auto r = c_.query("SELECT code FROM plans WHERE code = UPPER(?)", {code});
  if (!r.next()) return std::nullopt;
  return r.str(0);
}

std::optional<TenantRecord> ControlStore::find(const std::string& where, const std::string& value) {
  auto r = c_.query(std::string(kTenantColumns) + where, {value});
  if (!r.next()) return std::nullopt;
  return read_tenant(r);
}

std::optional<TenantRecord> ControlStore::find_by_slug(const std::string& slug) {
  return find("WHERE t.slug = ?", slug);
}

std::optional<TenantRecord> ControlStore::find_by_id(const std::string& id) { return find("WHERE t.id = ?", id); }

std::vector<TenantRecord> ControlStore::list(int64_t limit, int64_t offset) {
  std::vector<TenantRecord> out;
  auto r = c_.query(std::string(kTenantColumns) + "ORDER BY t.created_at, t.slug LIMIT ? OFFSET ?", {limit, offset});
  while (r.next()) out.push_back(read_tenant(r));
  return out;
}

std::vector<TenantRecord> ControlStore::list_with_status(const std::vector<std::string>& statuses) {
  std::vector<TenantRecord> out;
  for (const auto& s : statuses) {
    auto r = c_.query(std::string(kTenantColumns) + "WHERE t.status = ? ORDER BY t.slug", {s});
    while (r.next()) {
      auto t = read_tenant(r);
      // The callers (migrate, gc) act in each schema with the administrative account.
      if (!t.schema_is_derived()) {
        log::error("store '" + t.slug + "': the schema name recorded for it is not the one its slug gives; skipped");
        continue;
      }
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::vector<TenantRecord> ControlStore::signups_older_than(int64_t days) {
  std::vector<TenantRecord> out;
  auto r = c_.query(std::string(kTenantColumns) +
                        "WHERE t.created_by = 'signup' AND t.status IN ('Ready', 'Suspended') "
                        "AND t.created_at < UTC_TIMESTAMP() - INTERVAL ? DAY ORDER BY t.created_at, t.slug",
                    {days});
  while (r.next()) out.push_back(read_tenant(r));
  return out;
}

int64_t ControlStore::count() {
  auto r = c_.query("SELECT COUNT(*) FROM tenants");
  return r.next() ? r.i64(0) : 0;
}

bool ControlStore::insert_tenant(const TenantRecord& t) {
  return insert_with_steps(t.id,
                           "INSERT INTO tenants (id, slug, name, plan_code, status, db_server_id, schema_name, "
                           "admin_email, admin_activation_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           {t.id, t.slug, t.name, t.plan_code, t.status, t.server_id, t.schema,
                            optional_text(t.admin_email), optional_text(t.admin_activation_hash)});
}

void ControlStore::set_status(const std::string& tenant_id, const std::string& status) {
  // Assignments run left to right: a legacy 'Suspended' status is kept as the flag first.
  c_.exec("UPDATE tenants SET suspended = (suspended OR status = 'Suspended'), status = ?, "
          "updated_at = UTC_TIMESTAMP() WHERE id = ?",
          {status, tenant_id});
}

void ControlStore::set_suspended(const std::string& tenant_id, bool suspended) {
  // A legacy 'Suspended' status becomes the flag it stands for.
  c_.exec("UPDATE tenants SET suspended = ?, status = IF(status = 'Suspended', 'Ready', status), "
          "updated_at = UTC_TIMESTAMP() WHERE id = ?",
          {static_cast<int64_t>(suspended ? 1 : 0), tenant_id});
}

void ControlStore::set_plan(const std::string& tenant_id, const std::string& plan_code) {
  c_.exec("UPDATE tenants SET plan_code = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?", {plan_code, tenant_id});
}

bool ControlStore::insert_pending(const TenantRecord& t, int64_t expires_unix) {
  return insert_with_steps(
      t.id,
      "INSERT INTO tenants (id, slug, name, plan_code, status, db_server_id, schema_name, admin_email, "
      "admin_activation_hash, confirm_expires_at, created_by, signup_client) VALUES (?, ?, ?, ?, "
      "'PendingConfirmation', ?, ?, ?, ?, FROM_UNIXTIME(?), 'signup', ?)",
      {t.id, t.slug, t.name, t.plan_code, t.server_id, t.schema, optional_text(t.admin_email),
       optional_text(t.admin_activation_hash), expires_unix, optional_text(t.signup_client)});
}

// The tenant row and its three steps, in one transaction; false (nothing written) when the slug
// is taken.
bool ControlStore::insert_with_steps(const std::string& tenant_id, const std::string& insert_sql,
                                     const std::vector<db::Param>& params) {
  db::Transaction tx(c_);
  try {
    c_.exec(insert_sql, params);
  } catch (const db::Error& e) {
    if (slug_taken(e)) return false;
    throw;
  }
  insert_steps(tenant_id);
  tx.commit();
  return true;
}

void ControlStore::insert_steps(const std::string& tenant_id) {
  for (int i = 0; i < 3; ++i)
    c_.exec("INSERT INTO provisioning_steps (tenant_id, step, position) VALUES (?, ?, ?)",
            {tenant_id, std::string(kStepNames[i]), static_cast<int64_t>(i)});
}

bool ControlStore::release_expired_pending(const std::string& slug) {
  return c_.exec(
             "DELETE FROM tenants WHERE slug = ? AND status = 'PendingConfirmation' "
             "AND confirm_expires_at < UTC_TIMESTAMP()",
             {slug}) > 0;
}

int64_t ControlStore::delete_expired_pending() {
  return static_cast<int64_t>(c_.exec(
      "DELETE FROM tenants WHERE status = 'PendingConfirmation' AND confirm_expires_at < UTC_TIMESTAMP()"));
}

ControlStore::Confirm ControlStore::confirm_and_queue(const std::string& tenant_id, int64_t max_queued) {
  std::optional<db::NamedLock> lock;
  if (max_queued > 0) {
    lock.emplace(c_, "ecom_signup_queue", 5);
    if (!lock->acquired()) return Confirm::Busy;
  }
  db::Transaction tx(c_);
  if (c_.exec("UPDATE tenants SET status = 'Queued', confirm_expires_at = NULL, updated_at = UTC_TIMESTAMP() "
              "WHERE id = ? AND status = 'PendingConfirmation'",
              {tenant_id}) == 0)
    return Confirm::NotPending;
  if (max_queued > 0) {
    auto r = c_.query("SELECT COUNT(*) FROM tenants WHERE status IN ('Queued', 'Provisioning')");
    if (r.next() && r.i64(0) > max_queued) return Confirm::QueueFull;  // this one included; rolled back
  }
  c_.exec("INSERT INTO provisioning_jobs (id, tenant_id, status) VALUES (?, ?, 'Queued')", {uuid::v4(), tenant_id});
  tx.commit();
  return Confirm::Queued;
}

std::map<std::string, bool> ControlStore::feature_overrides(const std::string& tenant_id) {
  std::map<std::string, bool> out;
  auto r = c_.query("SELECT feature, enabled FROM tenant_feature_overrides WHERE tenant_id = ?", {tenant_id});
  while (r.next()) out[r.str(0)] = r.i64(1) != 0;
  return out;
}

std::map<std::string, int64_t> ControlStore::limit_overrides(const std::string& tenant_id) {
  std::map<std::string, int64_t> out;
  auto r = c_.query("SELECT limit_code, value FROM tenant_limit_overrides WHERE tenant_id = ?", {tenant_id});
  while (r.next()) out[r.str(0)] = r.i64(1);
  return out;
}

void ControlStore::set_feature_override(const std::string& tenant_id, const std::string& feature,
                                        std::optional<bool> enabled) {
  if (!enabled) {
    c_.exec("DELETE FROM tenant_feature_overrides WHERE tenant_id = ? AND feature = ?", {tenant_id, feature});
    return;
  }
  c_.exec(
      "INSERT INTO tenant_feature_overrides (tenant_id, feature, enabled) VALUES (?, ?, ?) "
      "ON DUPLICATE KEY UPDATE enabled = VALUES(enabled)",
      {tenant_id, feature, static_cast<int64_t>(*enabled ? 1 : 0)});
}

void ControlStore::set_limit_override(const std::string& tenant_id, const std::string& limit,
                                      std::optional<int64_t> value) {
  if (!value) {
    c_.exec("DELETE FROM tenant_limit_overrides WHERE tenant_id = ? AND limit_code = ?", {tenant_id, limit});
    return;
  }
  c_.exec(
      "INSERT INTO tenant_limit_overrides (tenant_id, limit_code, value) VALUES (?, ?, ?) "
      "ON DUPLICATE KEY UPDATE value = VALUES(value)",
      {tenant_id, limit, *value});
}

void ControlStore::step_started(const std::string& tenant_id, const std::string& step) {
  c_.exec(
      "UPDATE provisioning_steps SET status = 'InProgress', started_at = UTC_TIMESTAMP(), completed_at = NULL, "
      "log = NULL, error_message = NULL WHERE tenant_id = ? AND step = ?",
      {tenant_id, step});
}

void ControlStore::step_succeeded(const std::string& tenant_id, const std::string& step, const std::string& log) {
  c_.exec(
      "UPDATE provisioning_steps SET status = 'Success', completed_at = UTC_TIMESTAMP(), log = ? "
      "WHERE tenant_id = ? AND step = ?",
      {log, tenant_id, step});
}

void ControlStore::step_failed(const std::string& tenant_id, const std::string& step, const std::string& error) {
  c_.exec(
      "UPDATE provisioning_steps SET status = 'Failed', completed_at = UTC_TIMESTAMP(), error_message = ? "
      "WHERE tenant_id = ? AND step = ?",
      {error.substr(0, 60000), tenant_id, step});
}

std::vector<StepRecord> ControlStore::steps(const std::string& tenant_id) {
  std::vector<StepRecord> out;
  auto r = c_.query(
      "SELECT step, status, started_at, completed_at, log, error_message FROM provisioning_steps "
      "WHERE tenant_id = ? ORDER BY position",
      {tenant_id});
  while (r.next()) {
    StepRecord s;
    s.step = r.str(0);
    s.status = r.str(1);
    s.started_at = opt(r, 2);
    s.completed_at = opt(r, 3);
    if (s.started_at) s.started_at = clock::iso_from_sql(*s.started_at);
    if (s.completed_at) s.completed_at = clock::iso_from_sql(*s.completed_at);
    s.log = opt(r, 4);
    s.error_message = opt(r, 5);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ecom::provisioning
