#include "health/routes.h"

#include <arpa/inet.h>

#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "core/context.h"
#include "db/connection.h"
#include "http/errors.h"
#include "health/metrics.h"
#include "http/json_writer.h"
#include "prefork/scoreboard.h"

namespace ecom::health {
namespace {

// Every registered database server, and whether it answers (one ping each on this worker's
// connection to it, opened on first use; the control database's server is not pinged twice).
// Empty when the list cannot be read.
std::vector<HealthCheck::Server> server_states(Context& ctx) {
  std::vector<HealthCheck::Server> out;
  try {
    auto rows = ctx.control_db().query("SELECT name, url FROM db_servers ORDER BY id");
    std::vector<std::pair<std::string, std::string>> servers;
    while (rows.next()) servers.emplace_back(rows.str(0), rows.str(1));
    for (const auto& [name, url] : servers)
      out.push_back({name, url == ctx.services.config.db_url || ctx.services.server_db(name, url).ping()});
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

// What /health reports, as this worker last checked it: the control database's ping, then the
// servers' list and their pings. A check costs two round trips or more; /health is polled by
// monitors and load balancers, often many times a second, so each worker reuses its last check
// for kHealthReuseMs unless something says the state may have moved (db::connection_events():
// a connection of this worker lost, dropped or opened, e.g. by a store request that failed)
// or the caller asks for a fresh check (Cache-Control: no-cache). The check is kept in the
// worker's services (Services::health).
constexpr int64_t kHealthReuseMs = 1000;

bool wants_fresh_check(const http::Request& req) {
  const std::string* cc = req.header("cache-control");
  return cc && (cc->find("no-cache") != std::string::npos || cc->find("max-age=0") != std::string::npos);
}

const HealthCheck& health_check(Context& ctx) {
  HealthCheck& last = ctx.services.health;
  int64_t now = clock::mono_ms();
  if (last.done && now - last.checked_ms < kHealthReuseMs && last.events == db::connection_events() &&
      !wants_fresh_check(ctx.req))
    return last;
  last.ok = ctx.control_db().ping();
  last.servers = last.ok ? server_states(ctx) : std::vector<HealthCheck::Server>{};
  last.checked_ms = clock::mono_ms();
  last.events = db::connection_events();
  last.done = true;
  return last;
}

// Healthy when the control database answers a round trip. A database server for stores that
// does not answer makes only its own stores unavailable: /health stays Healthy and says which
// (`servers`, with more than one server registered, and `detail`). The state is this worker's
// check of at most kHealthReuseMs ago (see HealthCheck).
void get_health(Context& ctx) {
  const HealthCheck& c = health_check(ctx);
  std::string down;
  for (const auto& s : c.servers)
    if (!s.up) down += (down.empty() ? "'" : ", '") + s.name + "'";
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("status", c.ok ? "Healthy" : "Unhealthy");
  w.field("timestamp", clock::iso_now());
  if (!c.ok) w.field("detail", "The control database does not answer.");
  else if (!down.empty())
    w.field("detail", "Database server " + down + " does not answer; only the stores it holds are unavailable.");
  if (c.servers.size() > 1) {
    w.key("servers").begin_object();
    for (const auto& s : c.servers) w.field(s.name, s.up ? "Up" : "Down");
    w.end_object();
  }
  w.end_object();
  ctx.res.status = c.ok ? http::status::kOk : http::status::kServiceUnavailable;
  ctx.res.add_header("Cache-Control", "no-store");
}

// Only an explicit loopback address: 127.0.0.0/8, ::1 or ::ffff:127.x.y.z. An empty or missing
// REMOTE_ADDR (a proxy on a unix socket that does not pass it) is not one.
bool loopback(const std::string& addr) {
  unsigned char a[16];
  if (inet_pton(AF_INET, addr.c_str(), a) == 1) return a[0] == 127;
  if (inet_pton(AF_INET6, addr.c_str(), a) != 1) return false;
  static constexpr unsigned char kOne[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a, kOne, 16) == 0 || (std::memcmp(a, kMapped, 12) == 0 && a[12] == 127);
}

// GET /status — the operators' page (CONTRACT §10), like PHP-FPM's status?json.
// nginx exposes it to localhost only; the application checks REMOTE_ADDR as well.
void get_status(Context& ctx) {
  if (!loopback(ctx.req.remote_addr)) throw http::forbidden("The status page is available from localhost only.");
  const prefork::Scoreboard* sb = prefork::scoreboard();
  if (!sb) throw http::unavailable("No scoreboard in this process.");
  auto slots = prefork::scoreboard_snapshot(*sb);
  int64_t started = sb->master_started_unix.load();
  int busy = 0;
  for (const auto& s : slots) busy += s.state == prefork::SlotState::Busy ? 1 : 0;

  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("pool", "ecom");
  w.field("startedAt", clock::iso_from_time(static_cast<std::time_t>(started)));
  w.field("uptimeSeconds", static_cast<int64_t>(std::time(nullptr) - started));
  w.field("acceptedRequests", static_cast<int64_t>(sb->accepted.load()));
  w.field("totalWorkers", static_cast<int64_t>(slots.size()));
  w.field("activeWorkers", static_cast<int64_t>(busy));
  w.field("idleWorkers", static_cast<int64_t>(slots.size()) - busy);
  w.field("restarts", static_cast<int64_t>(sb->restarts.load()));
  w.field("slowRequests", static_cast<int64_t>(sb->slow_requests.load()));
  w.field("requestTimeouts", static_cast<int64_t>(sb->timeouts.load()));
  w.field("reloads", static_cast<int64_t>(sb->reloads.load()));
  w.key("workers").begin_array();
  for (const auto& s : slots) {
    w.begin_object();
    w.field("pid", static_cast<int64_t>(s.pid));
    w.field("state", s.state == prefork::SlotState::Busy ? "Busy" : "Idle");
    w.field("requests", static_cast<int64_t>(s.requests));
    w.field("startedAt", clock::iso_from_time(static_cast<std::time_t>(s.started_unix)));
    if (s.state == prefork::SlotState::Busy) {
      w.key("currentRequest").begin_object();
      w.field("requestId", s.request_id);
      w.field("method", s.method);
      w.field("path", s.path);
      if (s.tenant.empty()) w.key("tenant").null();
      else w.field("tenant", s.tenant);
      w.field("ageMs", s.request_age_ms);
      w.end_object();
    } else {
      w.key("currentRequest").null();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  ctx.res.add_header("Cache-Control", "no-store");
}

// Provisioning jobs and stores by status: two small grouped counts on the control database.
ControlCounts control_counts(Context& ctx) {
  ControlCounts c = zero_control_counts();
  try {
    auto jobs = ctx.control_db().query("SELECT status, COUNT(*) FROM provisioning_jobs GROUP BY status");
    while (jobs.next()) add_count(c.jobs, job_state_label(jobs.str(0)), jobs.i64(1));
    auto tenants = ctx.control_db().query("SELECT status, COUNT(*) FROM tenants GROUP BY status");
    while (tenants.next()) add_count(c.tenants, tenant_state_label(tenants.str(0)), tenants.i64(1));
    c.ok = true;
  } catch (const std::exception&) {
    c = zero_control_counts();  // reported as ecom_control_database_up 0
  }
  return c;
}

// GET /metrics — the same counters for Prometheus (text format 0.0.4); localhost only, like /status.
void get_metrics(Context& ctx) {
  if (!loopback(ctx.req.remote_addr)) throw http::forbidden("The metrics are available from localhost only.");
  const prefork::Scoreboard* sb = prefork::scoreboard();
  if (!sb) throw http::unavailable("No scoreboard in this process.");
  ctx.res.body = render_metrics(*sb, control_counts(ctx));
  ctx.res.content_type = kMetricsContentType;
  ctx.res.add_header("Cache-Control", "no-store");
}

}  // namespace

void add_routes(http::Router& r) {
  r.add("GET", "/health", get_health);
  r.add("GET", "/status", get_status);
  r.add("GET", "/metrics", get_metrics);
}

}  // namespace ecom::health
