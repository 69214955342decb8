#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cjson/cJSON.h>

#include <memory>
#include <string>

#include "common/error.h"
#include "http/errors.h"
#include "http/problem.h"
#include "http/response.h"

using ecom::ApiError;
using ecom::http::Response;
using ecom::http::write_problem;

namespace {

struct Json {
  explicit Json(const std::string& s) : p(cJSON_Parse(s.c_str()), cJSON_Delete) {}
  std::unique_ptr<cJSON, void (*)(cJSON*)> p;
  const cJSON* get(const char* k) const { return cJSON_GetObjectItemCaseSensitive(p.get(), k); }
  std::string str(const char* k) const {
    const cJSON* f = get(k);
    return f && cJSON_IsString(f) ? f->valuestring : "<missing>";
  }
};

const std::string* find_header(const Response& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (h.first == name) return &h.second;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(problem)

BOOST_AUTO_TEST_CASE(writes_problem_details_fields) {
  Response res;
  write_problem(res, ecom::http::not_found("No product with that id."), "/api/catalog/products/x");
  BOOST_TEST(res.status == 404);
  BOOST_TEST(res.content_type == "application/problem+json");
  Json j(res.body);
  BOOST_TEST_REQUIRE(j.p != nullptr, "body is not JSON: " << res.body);
  BOOST_TEST(j.str("title") == "Not Found");
  BOOST_TEST(j.str("detail") == "No product with that id.");
  BOOST_TEST(j.str("instance") == "/api/catalog/products/x");
  const cJSON* st = j.get("status");
  BOOST_TEST_REQUIRE(st != nullptr);
  BOOST_TEST(cJSON_IsNumber(st));
  BOOST_TEST(st->valueint == 404);
  BOOST_TEST(j.get("errors") == nullptr);
  const cJSON* type = j.get("type");
  if (type) BOOST_TEST(cJSON_IsString(type));
}

BOOST_AUTO_TEST_CASE(writes_validation_errors_map) {
  ecom::Validator v;
  v.add("email", "The email field is required.");
  v.add("phone", "Too short.");
  v.add("phone", "Bad characters.");
  ApiError e = ApiError::Validation(v.errors());
  Response res;
  write_problem(res, e, "/api/checkout/place-order");
  BOOST_TEST(res.status == 400);
  BOOST_TEST(res.content_type == "application/problem+json");
  Json j(res.body);
  BOOST_TEST_REQUIRE(j.p != nullptr, "body is not JSON: " << res.body);
  BOOST_TEST(j.str("instance") == "/api/checkout/place-order");
  const cJSON* errors = j.get("errors");
  BOOST_TEST_REQUIRE(errors != nullptr);
  BOOST_TEST_REQUIRE(cJSON_IsObject(errors));
  const cJSON* email = cJSON_GetObjectItemCaseSensitive(errors, "email");
  const cJSON* phone = cJSON_GetObjectItemCaseSensitive(errors, "phone");
  BOOST_TEST_REQUIRE(cJSON_IsArray(email));
  BOOST_TEST_REQUIRE(cJSON_IsArray(phone));
  BOOST_TEST(cJSON_GetArraySize(email) == 1);
  BOOST_TEST(cJSON_GetArraySize(phone) == 2);
  BOOST_TEST(std::string(cJSON_GetArrayItem(email, 0)->valuestring) == "The email field is required.");
  BOOST_TEST(std::string(cJSON_GetArrayItem(phone, 0)->valuestring) == "Too short.");
  BOOST_TEST(std::string(cJSON_GetArrayItem(phone, 1)->valuestring) == "Bad characters.");
  BOOST_TEST(cJSON_GetArraySize(errors) == 2);
}

BOOST_AUTO_TEST_CASE(copies_extra_headers) {
  ApiError e(405, "Method Not Allowed", "The method DELETE is not allowed here.");
  e.headers.emplace_back("Allow", "GET, HEAD");
  Response res;
  write_problem(res, e, "/health");
  BOOST_TEST(res.status == 405);
  const std::string* allow = find_header(res, "Allow");
  BOOST_TEST_REQUIRE(allow != nullptr);
  BOOST_TEST(*allow == "GET, HEAD");

  ApiError auth(401, "Unauthorized", "Missing token.");
  auth.headers.emplace_back("WWW-Authenticate", "Bearer");
  auth.headers.emplace_back("X-Extra", "1");
  Response res2;
  write_problem(res2, auth, "/provision/confirm");
  BOOST_TEST(res2.status == 401);
  BOOST_TEST_REQUIRE(find_header(res2, "WWW-Authenticate") != nullptr);
  BOOST_TEST(*find_header(res2, "WWW-Authenticate") == "Bearer");
  BOOST_TEST(find_header(res2, "X-Extra") != nullptr);
}

BOOST_AUTO_TEST_CASE(replaces_previous_body) {
  Response res;
  res.body = R"({"partial":)";
  res.content_type = "application/json";
  write_problem(res, ecom::http::conflict("Tenant not resolved", "Unknown store."), "/public/tenant-config");
  BOOST_TEST(res.status == 409);
  BOOST_TEST(res.content_type == "application/problem+json");
  Json j(res.body);
  BOOST_TEST_REQUIRE(j.p != nullptr, "body is not JSON: " << res.body);
  BOOST_TEST(j.str("title") == "Tenant not resolved");
  BOOST_TEST(j.get("partial") == nullptr);
}

BOOST_AUTO_TEST_CASE(escapes_instance_and_detail) {
  Response res;
  write_problem(res, ApiError::BadRequest("bad \"quote\"\n"), "/a\"b\\c");
  Json j(res.body);
  BOOST_TEST_REQUIRE(j.p != nullptr, "body is not JSON: " << res.body);
  BOOST_TEST(j.str("detail") == "bad \"quote\"\n");
  BOOST_TEST(j.str("instance") == "/a\"b\\c");
}

BOOST_AUTO_TEST_SUITE_END()
