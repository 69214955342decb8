// The dispatcher's own answers, before any handler or database: routing,
// body and query checks, the store header's shape, the caller, the JSON body,
// and how database failures are reported.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "app/dispatcher.h"
#include "common/config.h"
#include "db/connection.h"
#include "auth/access_token.h"
#include "superadmin/auth.h"

using ecom::Context;
using ecom::Dispatcher;
using ecom::http::Auth;
using ecom::http::Request;
using ecom::http::Response;
using ecom::http::Router;

namespace {

ecom::Config test_config() {
  ecom::Config c;
  // Nothing listens here: a test that reached the database would get 503, not its answer.
  c.db_url = "tcp://127.0.0.1:1";
  c.db_connect_timeout = 1;
  c.superadmin_token_secret = "superadmin-secret-for-dispatcher-tests-0123456789";
  c.access_token_secret = "access-secret-for-dispatcher-tests-0123456789abcd";
  c.max_body_bytes = 64 * 1024;
  return c;
}

struct Fixture {
  ecom::Config config = test_config();
  ecom::Services services{config};
  Router router;
  int handled = 0;
  std::string seen_body_name;

  Fixture() {
    router.add("GET", "/things", [this](Context&) { ++handled; });
    router.add("GET", "/store-things", [this](Context&) { ++handled; }, {.tenant = true});
    router.add("POST", "/admin-things", [this](Context& ctx) {
      ++handled;
      const cJSON* name = cJSON_GetObjectItemCaseSensitive(ctx.body(), "name");
      if (cJSON_IsString(name)) seen_body_name = name->valuestring;
    }, {.auth = Auth::kSuperadmin, .json_body = ecom::http::JsonBody::kRequired});
    router.add("GET", "/unavailable", [](Context&) -> void {
      throw ecom::db::Error(ecom::db::ErrorKind::Unavailable, 2003, "no server");
    });
    router.add("GET", "/deadlock", [](Context&) -> void {
      throw ecom::db::Error(ecom::db::ErrorKind::Deadlock, 1213, "deadlock");
    });
    router.add("GET", "/broken", [](Context&) -> void {
      throw ecom::db::Error(ecom::db::ErrorKind::Other, 1146, "no such table");
    });
  }

  Response send(Request req) {
    if (req.request_id.empty()) req.request_id = "test-request";
    Response res;
    Dispatcher(router, services).handle(req, res);
    return res;
  }
};

Request request(std::string method, std::string path, std::string body = {}, std::string content_type = {}) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

const std::string* header(const Response& res, const std::string& name) {
  for (const auto& [n, v] : res.headers)
    if (n == name) return &v;
  return nullptr;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(dispatcher, Fixture)

BOOST_AUTO_TEST_CASE(a_found_route_runs_its_handler_and_echoes_the_request_id) {
  auto res = send(request("GET", "/things"));
  BOOST_TEST(res.status == 200);
  BOOST_TEST(handled == 1);
  BOOST_TEST_REQUIRE(header(res, "X-Request-Id") != nullptr);
  BOOST_TEST(*header(res, "X-Request-Id") == "test-request");
}

BOOST_AUTO_TEST_CASE(an_unknown_path_is_404_problem_details) {
  auto res = send(request("GET", "/nothing-here"));
  BOOST_TEST(res.status == 404);
  BOOST_TEST(res.content_type == "application/problem+json");
  BOOST_TEST(contains(res.body, "\"title\":\"Not Found\""));
  BOOST_TEST(contains(res.body, "\"instance\":\"/nothing-here\""));
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(a_known_path_with_another_method_is_405_with_allow) {
  auto res = send(request("DELETE", "/things"));
  BOOST_TEST(res.status == 405);
  BOOST_TEST_REQUIRE(header(res, "Allow") != nullptr);
  BOOST_TEST(*header(res, "Allow") == "GET, HEAD");
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(an_oversized_body_is_413_naming_the_configured_limit) {
  auto req = request("GET", "/things", "{}", "application/json");
  req.body_too_large = true;
  auto res = send(req);
  BOOST_TEST(res.status == 413);
  BOOST_TEST(contains(res.body, "exceeds the 64 KiB limit"));
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(a_body_that_is_not_json_is_415) {
  auto res = send(request("GET", "/things", "name=x", "application/x-www-form-urlencoded"));
  BOOST_TEST(res.status == 415);
  BOOST_TEST(handled == 0);
  BOOST_TEST(send(request("GET", "/things", "{}", "application/merge-patch+json; charset=utf-8")).status == 200);
}

BOOST_AUTO_TEST_CASE(an_undecodable_query_parameter_is_a_validation_error_naming_it) {
  auto req = request("GET", "/things");
  req.bad_query_params.push_back("search");
  auto res = send(req);
  BOOST_TEST(res.status == 400);
  BOOST_TEST(contains(res.body, "\"search\""));
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(a_store_route_without_the_header_is_409_without_a_query) {
  auto res = send(request("GET", "/store-things"));
  BOOST_TEST(res.status == 409);
  BOOST_TEST(contains(res.body, "The X-Tenant-Slug header is required."));
}

BOOST_AUTO_TEST_CASE(a_malformed_slug_is_409_without_a_query) {
  auto req = request("GET", "/store-things");
  req.headers["x-tenant-slug"] = "Not A Slug!";
  auto res = send(req);
  BOOST_TEST(res.status == 409);  // a query would have failed with 503: nothing listens
  BOOST_TEST(contains(res.body, "No store matches"));
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(a_protected_route_without_a_token_is_401_with_its_challenge) {
  auto res = send(request("POST", "/admin-things", "{\"name\":\"x\"}", "application/json"));
  BOOST_TEST(res.status == 401);
  BOOST_TEST_REQUIRE(header(res, "WWW-Authenticate") != nullptr);
  BOOST_TEST(*header(res, "WWW-Authenticate") == "Bearer realm=\"superadmin\"");
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(the_caller_is_checked_before_the_body_is_parsed) {
  auto res = send(request("POST", "/admin-things", "{not json", "application/json"));
  BOOST_TEST(res.status == 401);
}

BOOST_AUTO_TEST_CASE(a_token_of_another_kind_is_403) {
  auto req = request("POST", "/admin-things", "{\"name\":\"x\"}", "application/json");
  req.headers["authorization"] = "Bearer " + ecom::auth::mint_access_token(config, "0d6f5c2e-6a4b-4c1d-9f3e-2a1b0c9d8e7f",
                                                                          "some-store", "admin");
  BOOST_TEST(send(req).status == 403);
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(an_allowed_caller_gets_the_parsed_body) {
  auto req = request("POST", "/admin-things", "{\"name\":\"lamp\"}", "application/json");
  req.headers["authorization"] = "Bearer " + ecom::superadmin::mint_superadmin_token(config, 60);
  auto res = send(req);
  BOOST_TEST(res.status == 200);
  BOOST_TEST(handled == 1);
  BOOST_TEST(seen_body_name == "lamp");
}

BOOST_AUTO_TEST_CASE(an_allowed_caller_with_malformed_json_gets_400) {
  auto req = request("POST", "/admin-things", "{\"name\":", "application/json");
  req.headers["authorization"] = "Bearer " + ecom::superadmin::mint_superadmin_token(config, 60);
  BOOST_TEST(send(req).status == 400);
  BOOST_TEST(handled == 0);
}

BOOST_AUTO_TEST_CASE(database_failures_become_503_with_retry_after_or_500) {
  auto down = send(request("GET", "/unavailable"));
  BOOST_TEST(down.status == 503);
  BOOST_TEST_REQUIRE(header(down, "Retry-After") != nullptr);
  BOOST_TEST(*header(down, "Retry-After") == "2");
  auto busy = send(request("GET", "/deadlock"));
  BOOST_TEST(busy.status == 503);
  BOOST_TEST_REQUIRE(header(busy, "Retry-After") != nullptr);
  BOOST_TEST(*header(busy, "Retry-After") == "1");
  auto broken = send(request("GET", "/broken"));
  BOOST_TEST(broken.status == 500);
  BOOST_TEST(!contains(broken.body, "no such table"));  // no internals in the answer
}

BOOST_AUTO_TEST_SUITE_END()
