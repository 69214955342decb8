#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "common/strings.h"
#include "common/uuid.h"
#include "http/request.h"

using ecom::http::choose_request_id;
using ecom::http::parse_query;
using ecom::http::Request;

namespace {
Request parsed(const std::string& raw) {
  Request r;
  r.raw_query = raw;
  parse_query(r);
  return r;
}
bool has_bad(const Request& r, const std::string& name) {
  return std::find(r.bad_query_params.begin(), r.bad_query_params.end(), name) != r.bad_query_params.end();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(request)

BOOST_AUTO_TEST_CASE(parse_query_splits_and_decodes) {
  Request r = parsed("a=1&b=x%20y&c=x+y");
  BOOST_TEST(r.query.size() == 3u);
  BOOST_TEST(r.query.at("a") == "1");
  BOOST_TEST(r.query.at("b") == "x y");
  BOOST_TEST(r.query.at("c") == "x y");
  BOOST_TEST(r.bad_query_params.empty());
}

BOOST_AUTO_TEST_CASE(parse_query_keeps_first_value) {
  Request r = parsed("page=1&page=2");
  BOOST_TEST(r.query.at("page") == "1");
}

BOOST_AUTO_TEST_CASE(parse_query_handles_empty_parts_and_missing_values) {
  Request r = parsed("&&flag&search=&x=a=b&");
  BOOST_TEST(r.query.size() == 3u);
  BOOST_TEST(r.query.at("flag") == "");
  BOOST_TEST(r.query.at("search") == "");
  BOOST_TEST(r.query.at("x") == "a=b");
  BOOST_TEST(parsed("").query.empty());
}

BOOST_AUTO_TEST_CASE(parse_query_decodes_names) {
  Request r = parsed("page%53ize=5&min+price=1");
  BOOST_TEST(r.query.count("pageSize") == 1u);
  BOOST_TEST(r.query.count("min price") == 1u);
  const std::string* v = r.query_param("pageSize");
  BOOST_TEST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == "5");
  BOOST_TEST(r.query_param("nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(parse_query_records_undecodable_values) {
  Request r = parsed("minPrice=%zz&search=ok&page=%");
  BOOST_TEST(r.query.count("minPrice") == 0u);
  BOOST_TEST(r.query.count("page") == 0u);
  BOOST_TEST(r.query.at("search") == "ok");
  BOOST_TEST(has_bad(r, "minPrice"));
  BOOST_TEST(has_bad(r, "page"));
  BOOST_TEST(r.bad_query_params.size() == 2u);
}

BOOST_AUTO_TEST_CASE(parse_query_records_invalid_utf8_values) {
  Request r = parsed("search=%FF&q=%C0%AF&n=a%00b&ok=caf%C3%A9");
  BOOST_TEST(has_bad(r, "search"));
  BOOST_TEST(has_bad(r, "q"));
  BOOST_TEST(has_bad(r, "n"));
  BOOST_TEST(r.query.count("search") == 0u);
  BOOST_TEST(r.query.at("ok") == "caf\xC3\xA9");
}

// Names end up as keys of the 400 response's `errors` object (dispatcher), and in
// req.query; they must be valid UTF-8 like values, or the problem body is not valid JSON.
BOOST_AUTO_TEST_CASE(parse_query_never_yields_invalid_utf8_names) {
  Request r = parsed("%FF=%zz&%C0%AF=1&a%00b=1&ok=1");
  for (const auto& name : r.bad_query_params)
    BOOST_TEST(ecom::valid_utf8(name), "bad_query_params holds invalid UTF-8 name");
  for (const auto& [name, value] : r.query) BOOST_TEST(ecom::valid_utf8(name), "query holds invalid UTF-8 name");
  BOOST_TEST(r.query.count("ok") == 1u);
}

BOOST_AUTO_TEST_CASE(request_id_keeps_valid_client_value) {
  std::string id = "abc-123_X.y";
  BOOST_TEST(choose_request_id(&id) == id);
  std::string one = "a";
  BOOST_TEST(choose_request_id(&one) == "a");
  std::string max(64, 'z');
  BOOST_TEST(choose_request_id(&max) == max);
  std::string u = "123e4567-e89b-12d3-a456-426614174000";
  BOOST_TEST(choose_request_id(&u) == u);
}

BOOST_AUTO_TEST_CASE(request_id_replaces_missing_or_invalid_value_with_uuid) {
  BOOST_TEST(ecom::uuid::is_valid(choose_request_id(nullptr)));
  for (std::string bad : {std::string(), std::string(65, 'a'), std::string("has space"), std::string("a/b"),
                          std::string("a\nb"), std::string("caf\xC3\xA9"), std::string("a;b"),
                          std::string("<script>")}) {
    std::string id = choose_request_id(&bad);
    BOOST_TEST(id != bad);
    BOOST_TEST(ecom::uuid::is_valid(id));
    BOOST_TEST(id.size() == 36u);
  }
}

BOOST_AUTO_TEST_CASE(request_id_generated_values_differ) {
  BOOST_TEST(choose_request_id(nullptr) != choose_request_id(nullptr));
}

BOOST_AUTO_TEST_SUITE_END()
