// A resolved store: what the control database says about it, with its
// effective features and limits (plan + overrides).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace ecom::tenancy {

namespace state {
inline constexpr const char* kPendingConfirmation = "PendingConfirmation";
inline constexpr const char* kQueued = "Queued";
inline constexpr const char* kProvisioning = "Provisioning";
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kFailed = "Failed";
inline constexpr const char* kSuspended = "Suspended";
}  // namespace state

struct Tenant {
  std::string id;
  std::string slug;
  std::string name;
  std::string plan_code;
  std::string status;
  std::string schema;         // ecom_tenant_<slug>
  std::string quoted_schema;  // `ecom_tenant_<slug>`, for SQL text
  std::string server_url;     // the database server holding the schema
  std::string server_name;    // its name (db_servers.name; its accounts: [db_server.NAME])
  // While a move switches the store to another server (tenants.locked_until), a point on
  // clock::mono_ms(): the store answers 423 until then, even from a cached entry. 0 = not locked.
  int64_t locked_until_ms = 0;
  std::set<std::string> features;          // enabled, snake_case
  std::map<std::string, int64_t> limits;   // camelCase → value

  bool has(const std::string& feature) const { return features.count(feature) != 0; }
  int64_t limit(const std::string& name, int64_t fallback) const {
    auto it = limits.find(name);
    return it == limits.end() ? fallback : it->second;
  }
  // "`schema`.table" — every tenant query names its tables through this.
  std::string table(const char* name) const { return quoted_schema + "." + name; }
};

}  // namespace ecom::tenancy
