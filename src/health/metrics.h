// The counters behind GET /metrics (Prometheus text format 0.0.4) and their exposition.
// The counters live in the scoreboard's shared memory (prefork::Metrics), so a worker's restart
// loses none of them; a request adds to them with a few relaxed atomic adds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "prefork/scoreboard.h"

namespace ecom::health {

// Route groups: the first path segment family, never the raw path (bounded label values).
enum class RouteGroup : int {
  kCatalog, kCart, kCheckout, kOrders, kAuth, kAdmin, kProvision, kSuperadmin, kPublic, kHealth, kOther
};
RouteGroup route_group(std::string_view path);
const char* route_group_name(RouteGroup g);

enum class DbErrorKind : int { kUnavailable, kDeadlock, kLockWait, kOther };

// Counts one answered request (no-op without a scoreboard).
void count_request(std::string_view path, int status, double seconds);
// Counts one database error that ended a request.
void count_db_error(DbErrorKind kind);

// A count of rows by state (`state` already one of a fixed set of label values).
struct StateCount {
  std::string state;
  int64_t count;
};

// What the control database says, read at each scrape; `ok` false when it did not answer.
struct ControlCounts {
  bool ok = false;
  std::vector<StateCount> jobs;     // provisioning jobs by status
  std::vector<StateCount> tenants;  // stores by provisioning status
};

// The label value of a provisioning job's status / a store's status (a fixed set; "other").
std::string job_state_label(std::string_view status);
std::string tenant_state_label(std::string_view status);

// Every known state at zero, `ok` false; add_count adds `n` under `label`.
ControlCounts zero_control_counts();
void add_count(std::vector<StateCount>& v, const std::string& label, int64_t n);

// The whole exposition.
std::string render_metrics(const prefork::Scoreboard& sb, const ControlCounts& control);

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace ecom::health
