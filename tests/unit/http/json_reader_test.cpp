#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "http/json_reader.h"

using ecom::ApiError;
using ecom::Validator;
using ecom::http::ObjectReader;
using ecom::http::parse_json_body;

namespace {

// Status of the ApiError thrown by parse_json_body(body), or 0 when it did not throw.
int parse_status(const std::string& body) {
  try {
    parse_json_body(body);
  } catch (const ApiError& e) {
    return e.status();
  }
  return 0;
}

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_reader)

BOOST_AUTO_TEST_CASE(parses_valid_object) {
  auto root = parse_json_body(R"({"name":"Shoe","qty":2,"ok":true})");
  BOOST_TEST_REQUIRE(root != nullptr);
  BOOST_TEST(cJSON_IsObject(root.get()));
}

BOOST_AUTO_TEST_CASE(allows_surrounding_whitespace) {
  BOOST_TEST(parse_status(" \n\t{\"a\":1}\r\n ") == 0);
  BOOST_TEST(parse_status("[1,2]") == 0);
  BOOST_TEST(parse_status("\"s\"") == 0);
}

BOOST_AUTO_TEST_CASE(malformed_json_is_400) {
  for (const char* b : {"{", "}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1,]", "{\"a\":1,}", "nul", "tru",
                        "\"unterminated", "{\"a\":01x}"})
    BOOST_TEST(parse_status(b) == 400, "body: " << b);
}

BOOST_AUTO_TEST_CASE(trailing_garbage_is_400) {
  BOOST_TEST(parse_status("{} x") == 400);
  BOOST_TEST(parse_status("{}{}") == 400);
  BOOST_TEST(parse_status("{\"a\":1}]") == 400);
  BOOST_TEST(parse_status("1 2") == 400);
}

BOOST_AUTO_TEST_CASE(empty_body_is_400) {
  BOOST_TEST(parse_status("") == 400);
  BOOST_TEST(parse_status("   \n\t ") == 400);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_400) {
  BOOST_TEST(parse_status("{\"a\":\"\xff\"}") == 400);
  BOOST_TEST(parse_status("{\"a\":\"\xC0\xAF\"}") == 400);
  BOOST_TEST(parse_status("{\"a\":\"\xED\xA0\x80\"}") == 400);
  BOOST_TEST(parse_status(std::string("{\"a\":\"x\0y\"}", 11)) == 400);
  BOOST_TEST(parse_status("{\"a\":\"caf\xC3\xA9\"}") == 0);
}

BOOST_AUTO_TEST_CASE(nesting_deeper_than_32_is_400) {
  BOOST_TEST(parse_status(nested_arrays(32)) == 0);
  BOOST_TEST(parse_status(nested_arrays(33)) == 400);
  BOOST_TEST(parse_status(nested_objects(32)) == 0);
  BOOST_TEST(parse_status(nested_objects(33)) == 400);
  BOOST_TEST(parse_status(nested_arrays(100000)) == 400);
  BOOST_TEST(parse_status(std::string(100000, '[')) == 400);
}

BOOST_AUTO_TEST_CASE(brackets_inside_strings_do_not_count_as_depth) {
  std::string body = "{\"a\":\"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"}";
  BOOST_TEST(parse_status(body) == 0);
}

BOOST_AUTO_TEST_CASE(errors_have_bad_request_title) {
  try {
    parse_json_body("{");
    BOOST_FAIL("expected ApiError");
  } catch (const ApiError& e) {
    BOOST_TEST(e.status() == 400);
    BOOST_TEST(e.title() == "Bad Request");
    BOOST_TEST(!e.detail().empty());
  }
}

BOOST_AUTO_TEST_CASE(object_reader_requires_an_object) {
  Validator v;
  for (const char* b : {"[1]", "1", "\"s\"", "null", "true"}) {
    auto root = parse_json_body(b);
    try {
      ObjectReader r(root.get(), v);
      (void)r;
      BOOST_ERROR("ObjectReader accepted " << b);
    } catch (const ApiError& e) {
      BOOST_TEST(e.status() == 400);
    }
  }
  BOOST_CHECK_THROW(ObjectReader(nullptr, v), ApiError);
}

BOOST_AUTO_TEST_CASE(object_reader_reads_well_typed_fields) {
  auto root = parse_json_body(R"({"s":"text","i":42,"neg":-3,"b":false,"o":{"k":1},"n":null})");
  Validator v;
  ObjectReader r(root.get(), v);
  BOOST_TEST(r.string("s", true).value_or("?") == "text");
  BOOST_TEST(r.integer("i", true, 1, 100).value_or(-1) == 42);
  BOOST_TEST(r.integer("neg", true, -10, 10).value_or(0) == -3);
  auto b = r.boolean("b", true);
  BOOST_TEST_REQUIRE(b.has_value());
  BOOST_TEST(*b == false);
  BOOST_TEST(r.object("o", true) != nullptr);
  BOOST_TEST(r.has("s"));
  BOOST_TEST(!r.has("n"));        // null counts as absent
  BOOST_TEST(!r.has("missing"));
  BOOST_TEST(r.raw("n") != nullptr);
  BOOST_TEST(v.ok());
}

BOOST_AUTO_TEST_CASE(object_reader_optional_missing_fields_are_not_errors) {
  auto root = parse_json_body(R"({"n":null})");
  Validator v;
  ObjectReader r(root.get(), v);
  BOOST_TEST(!r.string("s", false).has_value());
  BOOST_TEST(!r.integer("i", false, 0, 10).has_value());
  BOOST_TEST(!r.boolean("b", false).has_value());
  BOOST_TEST(r.object("o", false) == nullptr);
  BOOST_TEST(!r.string("n", false).has_value());
  BOOST_TEST(v.ok());
}

BOOST_AUTO_TEST_CASE(object_reader_required_missing_or_null_fields_are_errors) {
  auto root = parse_json_body(R"({"n":null})");
  Validator v;
  ObjectReader r(root.get(), v);
  r.string("s", true);
  r.integer("n", true, 0, 10);
  BOOST_TEST(v.errors().count("s") == 1u);
  BOOST_TEST(v.errors().count("n") == 1u);
}

BOOST_AUTO_TEST_CASE(object_reader_collects_type_errors_in_validator) {
  auto root = parse_json_body(
      R"({"name":5,"quantity":"2","frac":1.5,"flag":1,"obj":[1],"big":1e300,"ok":"fine"})");
  Validator v;
  ObjectReader r(root.get(), v);
  BOOST_TEST(!r.string("name", true).has_value());
  BOOST_TEST(!r.integer("quantity", true, 1, 100).has_value());
  BOOST_TEST(!r.integer("frac", true, 0, 100).has_value());
  BOOST_TEST(!r.boolean("flag", true).has_value());
  BOOST_TEST(r.object("obj", true) == nullptr);
  BOOST_TEST(!r.integer("big", true, 0, INT64_MAX).has_value());
  BOOST_TEST(r.string("ok", true).value_or("?") == "fine");

  const auto& errs = v.errors();
  BOOST_TEST(errs.size() == 6u);
  for (const char* k : {"name", "quantity", "frac", "flag", "obj", "big"}) {
    BOOST_TEST(errs.count(k) == 1u, "missing error for " << k);
    if (errs.count(k)) BOOST_TEST(errs.at(k).size() == 1u);
  }
  BOOST_TEST(errs.count("ok") == 0u);

  try {
    v.throw_if_any();
    BOOST_FAIL("expected ApiError");
  } catch (const ApiError& e) {
    BOOST_TEST(e.status() == 400);
    BOOST_TEST(e.errors().size() == 6u);
  }
}

BOOST_AUTO_TEST_CASE(object_reader_checks_integer_bounds) {
  auto root = parse_json_body(R"({"q0":0,"q1":1,"q100":100,"q101":101,"qneg":-1,"qf":2.0})");
  Validator v;
  ObjectReader r(root.get(), v);
  BOOST_TEST(!r.integer("q0", true, 1, 100).has_value());
  BOOST_TEST(r.integer("q1", true, 1, 100).value_or(-1) == 1);
  BOOST_TEST(r.integer("q100", true, 1, 100).value_or(-1) == 100);
  BOOST_TEST(!r.integer("q101", true, 1, 100).has_value());
  BOOST_TEST(!r.integer("qneg", true, 1, 100).has_value());
  BOOST_TEST(r.integer("qf", true, 1, 100).value_or(-1) == 2);
  BOOST_TEST(v.errors().size() == 3u);
  BOOST_TEST(v.errors().count("q0") == 1u);
  BOOST_TEST(v.errors().count("q101") == 1u);
  BOOST_TEST(v.errors().count("qneg") == 1u);
}

BOOST_AUTO_TEST_CASE(object_reader_is_case_sensitive) {
  auto root = parse_json_body(R"({"Email":"a@b.c"})");
  Validator v;
  ObjectReader r(root.get(), v);
  BOOST_TEST(!r.string("email", false).has_value());
  BOOST_TEST(!r.has("email"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(json_reader_hostile)

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused_at_any_depth) {
  for (const char* body : {R"({"a":1,"a":2})", R"({"x":{"b":1,"b":1}})", R"([{"k":1},{"k":2,"k":3}])"}) {
    try {
      ecom::http::parse_json_body(body);
      BOOST_ERROR(std::string("accepted: ") + body);
    } catch (const ecom::ApiError& e) {
      BOOST_TEST(e.status() == 400);
    }
  }
  BOOST_CHECK_NO_THROW(ecom::http::parse_json_body(R"([{"k":1},{"k":2}])"));
}

BOOST_AUTO_TEST_CASE(escaped_nul_is_refused) {
  BOOST_CHECK_THROW(ecom::http::parse_json_body(R"({"name":"a\u0000b"})"), ecom::ApiError);
  BOOST_CHECK_NO_THROW(ecom::http::parse_json_body(R"({"name":"a\\u0000b"})") );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(json_number_texts)

namespace {

using ecom::http::number_text;

// The number texts of a parsed body in document order, depth first ("-" for a number without).
std::vector<std::string> texts_of(const cJSON* node) {
  std::vector<std::string> out;
  for (; node; node = node->next) {
    if (cJSON_IsNumber(node)) out.push_back(number_text(node) ? number_text(node) : "-");
    auto below = texts_of(node->child);
    out.insert(out.end(), below.begin(), below.end());
  }
  return out;
}

std::vector<std::string> texts(const std::string& body) { return texts_of(parse_json_body(body).get()); }

}  // namespace

BOOST_AUTO_TEST_CASE(every_number_keeps_its_literal_in_document_order) {
  auto got = texts(R"({"a":1,"b":{"c":[2,-3.5e+2,{"d":0.30000000000000004}],"e":[[19.990],5E-1]},"z":-0})");
  std::vector<std::string> want = {"1", "2", "-3.5e+2", "0.30000000000000004", "19.990", "5E-1", "-0"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(digits_in_strings_and_keys_are_not_numbers) {
  // Escaped quotes and backslashes inside strings, digits and signs in keys and values.
  auto got = texts(R"({"s":"1, 2 \"3\" -4e5","k\"7\\":8,"t":"\\","u":[ "9" , 10 ],"v":"\\\"11","w":-12})");
  std::vector<std::string> want = {"8", "10", "-12"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(literals_are_kept_as_written) {
  // Whitespace around them, exponents of every form, what cJSON accepts beyond RFC 8259.
  auto got = texts(" [ 1e2 ,1E+2,\n1e-2\t, -1.5E-3, 0.0, 1., -.5, 007, true, null, \"x\" ] ");
  std::vector<std::string> want = {"1e2", "1E+2", "1e-2", "-1.5E-3", "0.0", "1.", "-.5", "007"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
  BOOST_TEST(texts(" -42 ") == std::vector<std::string>{"-42"}, boost::test_tools::per_element());
  std::string long_literal = "1" + std::string(80, '0') + ".5";
  BOOST_TEST(texts("[" + long_literal + "]") == std::vector<std::string>{long_literal}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(only_number_items_have_a_text) {
  auto root = parse_json_body(R"({"n":5,"s":"5","b":true,"z":null,"o":{},"a":[]})");
  BOOST_TEST(std::string(number_text(cJSON_GetObjectItemCaseSensitive(root.get(), "n"))) == "5");
  for (const char* k : {"s", "b", "z", "o", "a"})
    BOOST_TEST(number_text(cJSON_GetObjectItemCaseSensitive(root.get(), k)) == nullptr, k);
  BOOST_TEST(number_text(nullptr) == nullptr);
  // A tree parse_json_body did not make has numbers without text.
  ecom::http::JsonPtr plain(cJSON_Parse("[1]"));
  BOOST_TEST(number_text(plain->child) == nullptr);
}

BOOST_AUTO_TEST_CASE(texts_survive_printing_and_are_freed_with_the_tree) {
  // cJSON prints numbers from their double and frees every valuestring (run under ASan).
  auto root = parse_json_body(R"({"a":{"p":1.50,"q":[1e2]}})");
  char* printed = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(root.get(), "a"));
  BOOST_TEST(std::string(printed) == R"({"p":1.5,"q":[100]})");
  cJSON_free(printed);
  ecom::http::JsonPtr copy(cJSON_Duplicate(root.get(), 1));
  BOOST_TEST(texts_of(copy.get()) == (std::vector<std::string>{"1.50", "1e2"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
