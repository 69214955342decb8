#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "health/metrics.h"
#include "prefork/scoreboard.h"

using ecom::health::RouteGroup;
using ecom::health::route_group;
using ecom::prefork::Metrics;

namespace {
ecom::prefork::Scoreboard& board() {
  static ecom::prefork::Scoreboard* sb = ecom::prefork::scoreboard() ? ecom::prefork::scoreboard()
                                                                      : ecom::prefork::scoreboard_create();
  return *sb;
}
uint64_t at(const std::atomic<uint64_t>& a) { return a.load(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(route_groups_follow_the_first_segments_never_a_lookalike) {
  BOOST_TEST(static_cast<int>(route_group("/api/catalog/products")) == static_cast<int>(RouteGroup::kCatalog));
  BOOST_TEST(static_cast<int>(route_group("/api/catalog")) == static_cast<int>(RouteGroup::kCatalog));
  BOOST_TEST(static_cast<int>(route_group("/api/catalogue")) == static_cast<int>(RouteGroup::kOther));
  BOOST_TEST(static_cast<int>(route_group("/api/cart/items/1")) == static_cast<int>(RouteGroup::kCart));
  BOOST_TEST(static_cast<int>(route_group("/api/admin/orders")) == static_cast<int>(RouteGroup::kAdmin));
  BOOST_TEST(static_cast<int>(route_group("/provision/tenants/init")) == static_cast<int>(RouteGroup::kProvision));
  BOOST_TEST(static_cast<int>(route_group("/superadmin/tenants")) == static_cast<int>(RouteGroup::kSuperadmin));
  BOOST_TEST(static_cast<int>(route_group("/public/tenant-config")) == static_cast<int>(RouteGroup::kPublic));
  BOOST_TEST(static_cast<int>(route_group("/metrics")) == static_cast<int>(RouteGroup::kHealth));
  BOOST_TEST(static_cast<int>(route_group("/healthz")) == static_cast<int>(RouteGroup::kOther));
  BOOST_TEST(static_cast<int>(route_group("")) == static_cast<int>(RouteGroup::kOther));
  BOOST_TEST(std::string(ecom::health::route_group_name(RouteGroup::kCheckout)) == "checkout");
}

BOOST_AUTO_TEST_CASE(a_request_adds_to_its_group_class_and_latency_bucket) {
  Metrics& m = board().metrics;
  uint64_t cat2 = at(m.requests[0][1]), other5 = at(m.requests[10][4]);
  uint64_t b2 = at(m.latency[2]), inf = at(m.latency[Metrics::kBuckets - 1]), sum = at(m.latency_sum_us);
  ecom::health::count_request("/api/catalog/products", 200, 0.004);  // 2.5 ms < 4 ms <= 5 ms
  ecom::health::count_request("/x", 503, 60.0);                       // past 10 s: +Inf
  ecom::health::count_request("/x", 999, 0.0);                        // nonsense status: 5xx
  BOOST_TEST(at(m.requests[0][1]) == cat2 + 1);
  BOOST_TEST(at(m.requests[10][4]) == other5 + 2);
  BOOST_TEST(at(m.latency[2]) == b2 + 1);
  BOOST_TEST(at(m.latency[Metrics::kBuckets - 1]) == inf + 1);
  BOOST_TEST(at(m.latency_sum_us) == sum + 4000 + 60000000);
}

BOOST_AUTO_TEST_CASE(the_exposition_has_help_type_and_cumulative_buckets) {
  ecom::health::count_db_error(ecom::health::DbErrorKind::kLockWait);
  auto c = ecom::health::zero_control_counts();
  ecom::health::add_count(c.jobs, ecom::health::job_state_label("Done"), 3);
  ecom::health::add_count(c.jobs, ecom::health::job_state_label("Weird"), 2);
  c.ok = true;
  std::string text = ecom::health::render_metrics(board(), c);
  BOOST_TEST(text.find("# TYPE ecom_http_requests_total counter\n") != std::string::npos);
  BOOST_TEST(text.find("# TYPE ecom_http_request_duration_seconds histogram\n") != std::string::npos);
  BOOST_TEST(text.find("ecom_http_request_duration_seconds_bucket{le=\"+Inf\"} ") != std::string::npos);
  BOOST_TEST(text.find("ecom_provisioning_jobs{state=\"done\"} 3\n") != std::string::npos);
  BOOST_TEST(text.find("ecom_provisioning_jobs{state=\"other\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("ecom_provisioning_jobs{state=\"queued\"} 0\n") != std::string::npos);
  BOOST_TEST(text.find("ecom_database_errors_total{kind=\"lock_wait\"} ") != std::string::npos);
  BOOST_TEST(text.find("ecom_control_database_up 1\n") != std::string::npos);
  BOOST_TEST(text.back() == '\n');
  c.ok = false;
  std::string down = ecom::health::render_metrics(board(), c);
  BOOST_TEST(down.find("ecom_control_database_up 0\n") != std::string::npos);
  BOOST_TEST(down.find("ecom_provisioning_jobs") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
