// What the web workers' database account may do in the control schema: read everything, and
// write only what the public API and the super admin's PATCH write. It can never change where a
// store's data lives (tenants.schema_name, tenants.db_server_id, db_servers), which the
// provisioning agent acts on with the administrative account.
#pragma once

#include <string>
#include <vector>

#include "db/connection.h"

namespace ecom::provisioning {

struct TablePrivileges {
  const char* table;
  const char* privileges;  // as GRANT takes them, column lists included
};

// Beyond SELECT on the whole control schema.
inline constexpr TablePrivileges kAppControlPrivileges[] = {
    // init inserts a sign-up, an expired one is deleted; PATCH and confirm change these columns.
    {"tenants", "INSERT, DELETE, UPDATE (status, suspended, plan_code, confirm_expires_at, updated_at)"},
    {"provisioning_steps", "INSERT"},  // init: the three Pending steps
    {"provisioning_jobs", "INSERT"},   // confirm: the job the provisioner takes
    {"tenant_feature_overrides", "INSERT, UPDATE, DELETE"},
    {"tenant_limit_overrides", "INSERT, UPDATE, DELETE"},
    {"signup_events", "INSERT, DELETE"},  // sign-up limits: a row per init/confirm, taken back when refused
};

// Grants `accounts` ('user'@'host') the table privileges above. Idempotent; run by setup after
// the control migrations (column privileges need the tables). SELECT on the whole schema (and
// nothing else there) is granted when the account is created (README "Database accounts").
void grant_app_control_privileges(db::Connection& admin, const std::string& control_schema,
                                  const std::vector<std::string>& accounts);

}  // namespace ecom::provisioning
