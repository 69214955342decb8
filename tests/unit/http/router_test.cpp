#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "http/request.h"
#include "http/router.h"

using ecom::http::Match;
using ecom::http::Request;
using ecom::http::Router;

namespace {

void noop(ecom::Context&) {}

Request req(const std::string& method, const std::string& path) {
  Request r;
  r.method = method;
  r.path = path;
  return r;
}

Router sample_router() {
  Router r;
  r.add("GET", "/health", noop);
  r.add("GET", "/api/cart", noop);
  r.add("DELETE", "/api/cart", noop);
  r.add("POST", "/api/cart/items", noop);
  r.add("PUT", "/api/cart/items/{itemId}", noop);
  r.add("DELETE", "/api/cart/items/{itemId}", noop);
  r.add("GET", "/api/catalog/products/{id}", noop);
  r.add("POST", "/provision/init", noop);
  r.add("GET", "/superadmin/tenants/{slug}/orders/{orderId}", noop);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(finds_literal_route) {
  Router r = sample_router();
  Request q = req("GET", "/health");
  Match m = r.match(q);
  BOOST_TEST_REQUIRE(m.kind == Match::kFound);
  BOOST_TEST(m.route->pattern == "/health");
  BOOST_TEST(m.route->method == "GET");
}

BOOST_AUTO_TEST_CASE(selects_route_by_method) {
  Router r = sample_router();
  Request q = req("DELETE", "/api/cart");
  Match m = r.match(q);
  BOOST_TEST_REQUIRE(m.kind == Match::kFound);
  BOOST_TEST(m.route->method == "DELETE");
}

BOOST_AUTO_TEST_CASE(unknown_path_is_not_found) {
  Router r = sample_router();
  for (const char* p : {"/nope", "/", "/api", "/api/cart/extra/segments/here", "/healthz", "/HEALTH"}) {
    Request q = req("GET", p);
    BOOST_TEST(r.match(q).kind == Match::kNotFound, "path " << p);
  }
}

BOOST_AUTO_TEST_CASE(trailing_slash_is_not_found) {
  Router r = sample_router();
  Request q = req("GET", "/health/");
  BOOST_TEST(r.match(q).kind == Match::kNotFound);
  Request q2 = req("GET", "/api/catalog/products/abc/");
  BOOST_TEST(r.match(q2).kind == Match::kNotFound);
  Request q3 = req("DELETE", "/health/");
  BOOST_TEST(r.match(q3).kind == Match::kNotFound);
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  Router r = sample_router();
  Request q = req("POST", "/provision/init");
  BOOST_TEST(r.match(q).kind == Match::kFound);
  Request q2 = req("GET", "/provision/init");
  Match m = r.match(q2);
  BOOST_TEST(m.kind == Match::kMethodNotAllowed);
  BOOST_TEST(m.allow == "POST");
  BOOST_TEST(m.route == nullptr);
}

BOOST_AUTO_TEST_CASE(allow_lists_every_method_and_head_when_get_is_allowed) {
  Router r = sample_router();
  Request q = req("POST", "/api/cart");
  Match m = r.match(q);
  BOOST_TEST(m.kind == Match::kMethodNotAllowed);
  BOOST_TEST(m.allow == "GET, DELETE, HEAD");

  Request q2 = req("DELETE", "/health");
  Match m2 = r.match(q2);
  BOOST_TEST(m2.kind == Match::kMethodNotAllowed);
  BOOST_TEST(m2.allow == "GET, HEAD");

  Request q3 = req("GET", "/api/cart/items/123");
  Match m3 = r.match(q3);
  BOOST_TEST(m3.kind == Match::kMethodNotAllowed);
  BOOST_TEST(m3.allow == "PUT, DELETE");
}

BOOST_AUTO_TEST_CASE(allow_lists_each_method_once) {
  Router r;
  r.add("GET", "/x/{a}", noop);
  r.add("GET", "/x/{b}", noop);
  r.add("POST", "/x/{c}", noop);
  Request q = req("PATCH", "/x/1");
  Match m = r.match(q);
  BOOST_TEST(m.kind == Match::kMethodNotAllowed);
  BOOST_TEST(m.allow == "GET, POST, HEAD");
}

BOOST_AUTO_TEST_CASE(head_is_served_by_get_route) {
  Router r = sample_router();
  Request q = req("HEAD", "/health");
  Match m = r.match(q);
  BOOST_TEST_REQUIRE(m.kind == Match::kFound);
  BOOST_TEST(m.route->method == "GET");
  Request q2 = req("HEAD", "/provision/init");
  BOOST_TEST(r.match(q2).kind == Match::kMethodNotAllowed);
}

BOOST_AUTO_TEST_CASE(fills_path_parameters) {
  Router r = sample_router();
  Request q = req("GET", "/api/catalog/products/123e4567-e89b-12d3-a456-426614174000");
  Match m = r.match(q);
  BOOST_TEST_REQUIRE(m.kind == Match::kFound);
  BOOST_TEST(q.params.size() == 1u);
  BOOST_TEST(q.param("id") == "123e4567-e89b-12d3-a456-426614174000");

  Request q2 = req("GET", "/superadmin/tenants/demo-store/orders/o-1");
  Match m2 = r.match(q2);
  BOOST_TEST_REQUIRE(m2.kind == Match::kFound);
  BOOST_TEST(q2.param("slug") == "demo-store");
  BOOST_TEST(q2.param("orderId") == "o-1");
}

BOOST_AUTO_TEST_CASE(parameter_does_not_match_empty_or_missing_segment) {
  Router r = sample_router();
  Request q = req("GET", "/api/catalog/products");
  BOOST_TEST(r.match(q).kind == Match::kNotFound);
  Request q2 = req("PUT", "/api/cart/items/");
  BOOST_TEST(r.match(q2).kind == Match::kNotFound);
}

BOOST_AUTO_TEST_CASE(parameters_are_not_left_from_other_routes) {
  Router r = sample_router();
  Request q = req("DELETE", "/api/cart/items/abc");
  Match m = r.match(q);
  BOOST_TEST_REQUIRE(m.kind == Match::kFound);
  BOOST_TEST(m.route->method == "DELETE");
  BOOST_TEST(q.params.size() == 1u);
  BOOST_TEST(q.param("itemId") == "abc");
}

BOOST_AUTO_TEST_CASE(literal_segments_are_case_sensitive) {
  Router r = sample_router();
  Request q = req("GET", "/API/cart");
  BOOST_TEST(r.match(q).kind == Match::kNotFound);
}

BOOST_AUTO_TEST_SUITE_END()
