#include "health/metrics.h"

#include <cinttypes>
#include <cstdio>

namespace ecom::health {
namespace {

using prefork::Metrics;

// Upper bounds of the latency buckets in seconds; the last bucket is +Inf.
constexpr double kBucketBounds[Metrics::kBuckets - 1] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                         0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
constexpr const char* kBucketLabels[Metrics::kBuckets] = {"0.001", "0.0025", "0.005", "0.01", "0.025",
                                                          "0.05",  "0.1",    "0.25",  "0.5",  "1",
                                                          "2.5",   "5",      "10",    "+Inf"};
constexpr const char* kClassLabels[Metrics::kClasses] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr const char* kDbErrorLabels[Metrics::kDbErrorKinds] = {"unavailable", "deadlock", "lock_wait", "other"};

// `path` is `prefix` or starts with `prefix` followed by '/'.
bool under(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, const char* name, const std::string& labels, uint64_t value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

uint64_t get(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

// A family of one unlabelled sample: its HELP, its TYPE and its value.
void single(std::string& out, const char* name, const char* type, const char* help, uint64_t value) {
  header(out, name, type, help);
  sample(out, name, "", value);
}

void render_requests(std::string& out, const Metrics& m) {
  header(out, "ecom_http_requests_total", "counter", "Requests answered, by route group and status class.");
  for (int g = 0; g < Metrics::kGroups; ++g)
    for (int c = 0; c < Metrics::kClasses; ++c)
      sample(out, "ecom_http_requests_total",
             std::string("group=\"") + route_group_name(static_cast<RouteGroup>(g)) + "\",class=\"" +
                 kClassLabels[c] + "\"",
             get(m.requests[g][c]));
}

void render_latency(std::string& out, const Metrics& m) {
  header(out, "ecom_http_request_duration_seconds", "histogram", "Time the application took to answer a request.");
  uint64_t cumulative = 0;
  for (int b = 0; b < Metrics::kBuckets; ++b) {
    cumulative += get(m.latency[b]);
    sample(out, "ecom_http_request_duration_seconds_bucket", std::string("le=\"") + kBucketLabels[b] + "\"",
           cumulative);
  }
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(get(m.latency_sum_us)) / 1e6);
  out += "ecom_http_request_duration_seconds_sum ";
  out += sum;
  out += '\n';
  sample(out, "ecom_http_request_duration_seconds_count", "", cumulative);
}

void render_workers(std::string& out, const prefork::Scoreboard& sb) {
  int busy = 0, idle = 0;
  for (const auto& s : prefork::scoreboard_snapshot(sb)) (s.state == prefork::SlotState::Busy ? busy : idle) += 1;
  header(out, "ecom_workers", "gauge", "Workers by state.");
  sample(out, "ecom_workers", "state=\"busy\"", static_cast<uint64_t>(busy));
  sample(out, "ecom_workers", "state=\"idle\"", static_cast<uint64_t>(idle));
  single(out, "ecom_worker_restarts_total", "counter", "Workers respawned after an exit.", get(sb.restarts));
  single(out, "ecom_slow_requests_total", "counter", "Requests over server.slow_request_ms.", get(sb.slow_requests));
  single(out, "ecom_request_timeouts_total", "counter", "Workers killed for exceeding server.request_timeout.",
         get(sb.timeouts));
  single(out, "ecom_reloads_total", "counter", "Configuration reloads (SIGHUP).", get(sb.reloads));
  header(out, "ecom_answer_cache_bytes", "gauge", "What each worker's catalog answer cache holds, by scoreboard slot.");
  for (int i = 0; i < prefork::kMaxSlots; ++i) {
    const auto& s = sb.slots[i];
    if (s.pid.load(std::memory_order_acquire) == 0) continue;
    sample(out, "ecom_answer_cache_bytes", "slot=\"" + std::to_string(i) + "\"", get(s.answer_cache_bytes));
  }
}

void render_data(std::string& out, const Metrics& m) {
  header(out, "ecom_database_errors_total", "counter", "Database errors that ended a request, by kind.");
  for (int k = 0; k < Metrics::kDbErrorKinds; ++k)
    sample(out, "ecom_database_errors_total", std::string("kind=\"") + kDbErrorLabels[k] + "\"", get(m.db_errors[k]));
  single(out, "ecom_tenant_cache_hits_total", "counter", "Store lookups answered from a worker's cache.",
         get(m.tenant_cache_hits));
  single(out, "ecom_tenant_cache_misses_total", "counter", "Store lookups that queried the control database.",
         get(m.tenant_cache_misses));
  single(out, "ecom_answer_cache_hits_total", "counter", "Public catalog answers served from a worker's cache.",
         get(m.answer_cache_hits));
  single(out, "ecom_answer_cache_misses_total", "counter", "Public catalog answers rendered from the database.",
         get(m.answer_cache_misses));
}

void render_control(std::string& out, const ControlCounts& c) {
  single(out, "ecom_control_database_up", "gauge", "1 when the control database answered this scrape.", c.ok ? 1 : 0);
  if (!c.ok) return;
  header(out, "ecom_provisioning_jobs", "gauge", "Provisioning jobs by state.");
  for (const auto& j : c.jobs)
    sample(out, "ecom_provisioning_jobs", "state=\"" + j.state + "\"", static_cast<uint64_t>(j.count));
  header(out, "ecom_tenants", "gauge", "Stores by provisioning status.");
  for (const auto& t : c.tenants)
    sample(out, "ecom_tenants", "status=\"" + t.state + "\"", static_cast<uint64_t>(t.count));
}

}  // namespace

RouteGroup route_group(std::string_view path) {
  static constexpr std::pair<std::string_view, RouteGroup> kPrefixes[] = {
      {"/api/catalog", RouteGroup::kCatalog}, {"/api/cart", RouteGroup::kCart},
      {"/api/checkout", RouteGroup::kCheckout}, {"/api/orders", RouteGroup::kOrders},
      {"/api/auth", RouteGroup::kAuth},       {"/api/admin", RouteGroup::kAdmin},
      {"/api/features", RouteGroup::kPublic}, {"/provision", RouteGroup::kProvision},
      {"/superadmin", RouteGroup::kSuperadmin}, {"/public", RouteGroup::kPublic},
      {"/health", RouteGroup::kHealth},       {"/status", RouteGroup::kHealth},
      {"/metrics", RouteGroup::kHealth}};
  for (const auto& [prefix, group] : kPrefixes)
    if (under(path, prefix)) return group;
  return RouteGroup::kOther;
}

const char* route_group_name(RouteGroup g) {
  static constexpr const char* kNames[] = {"catalog",    "cart",   "checkout", "orders", "auth", "admin",
                                           "provision",  "superadmin", "public", "health", "other"};
  int i = static_cast<int>(g);
  return i >= 0 && i < Metrics::kGroups ? kNames[i] : "other";
}

void count_request(std::string_view path, int status, double seconds) {
  prefork::Scoreboard* sb = prefork::scoreboard();
  if (!sb) return;
  Metrics& m = sb->metrics;
  int cls = status / 100 - 1;
  if (cls < 0 || cls >= Metrics::kClasses) cls = Metrics::kClasses - 1;
  m.requests[static_cast<int>(route_group(path))][cls].fetch_add(1, std::memory_order_relaxed);
  int b = 0;
  while (b < Metrics::kBuckets - 1 && seconds > kBucketBounds[b]) ++b;
  m.latency[b].fetch_add(1, std::memory_order_relaxed);
  m.latency_sum_us.fetch_add(seconds > 0 ? static_cast<uint64_t>(seconds * 1e6) : 0, std::memory_order_relaxed);
}

void count_db_error(DbErrorKind kind) {
  prefork::Scoreboard* sb = prefork::scoreboard();
  int k = static_cast<int>(kind);
  if (sb && k >= 0 && k < Metrics::kDbErrorKinds) sb->metrics.db_errors[k].fetch_add(1, std::memory_order_relaxed);
}

std::string job_state_label(std::string_view s) {
  if (s == "Queued") return "queued";
  if (s == "Running") return "running";
  if (s == "Done") return "done";
  if (s == "Failed") return "failed";
  return "other";
}

std::string tenant_state_label(std::string_view s) {
  if (s == "PendingConfirmation") return "pending_confirmation";
  if (s == "Queued") return "queued";
  if (s == "Provisioning") return "provisioning";
  if (s == "Ready") return "ready";
  if (s == "Failed") return "failed";
  return "other";
}

ControlCounts zero_control_counts() {
  ControlCounts c;
  for (const char* s : {"queued", "running", "done", "failed", "other"}) c.jobs.push_back({s, 0});
  for (const char* s : {"pending_confirmation", "queued", "provisioning", "ready", "failed", "other"})
    c.tenants.push_back({s, 0});
  return c;
}

void add_count(std::vector<StateCount>& v, const std::string& label, int64_t n) {
  for (auto& e : v)
    if (e.state == label) {
      e.count += n;
      return;
    }
  v.push_back({label, n});
}

std::string render_metrics(const prefork::Scoreboard& sb, const ControlCounts& control) {
  std::string out;
  out.reserve(16384);
  render_requests(out, sb.metrics);
  render_latency(out, sb.metrics);
  render_workers(out, sb);
  render_data(out, sb.metrics);
  render_control(out, control);
  return out;
}

}  // namespace ecom::health
