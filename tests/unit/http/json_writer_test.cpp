#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cjson/cJSON.h>

#include <cstdint>
#include <string>

#include "http/json_writer.h"

using ecom::http::JsonWriter;

namespace {
std::string escaped(std::string_view s) {
  std::string out;
  JsonWriter::escape_into(out, s);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json_writer)

BOOST_AUTO_TEST_CASE(escapes_quotes_and_backslashes) {
  BOOST_TEST(escaped("plain") == "\"plain\"");
  BOOST_TEST(escaped("") == "\"\"");
  BOOST_TEST(escaped("say \"hi\"") == "\"say \\\"hi\\\"\"");
  BOOST_TEST(escaped("a\\b") == "\"a\\\\b\"");
  BOOST_TEST(escaped("</script>") == "\"</script>\"");
}

BOOST_AUTO_TEST_CASE(escapes_control_characters) {
  BOOST_TEST(escaped("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  BOOST_TEST(escaped(std::string(1, '\0')) == "\"\\u0000\"");
  BOOST_TEST(escaped("\x01") == "\"\\u0001\"");
  BOOST_TEST(escaped("\x1f") == "\"\\u001f\"");
  BOOST_TEST(escaped("\x7f") == "\"\x7f\"");  // DEL is legal in JSON strings
}

BOOST_AUTO_TEST_CASE(keeps_plain_runs_around_escapes) {
  BOOST_TEST(escaped("ab\"cd\\ef\ngh") == "\"ab\\\"cd\\\\ef\\ngh\"");
  BOOST_TEST(escaped("\"\"") == "\"\\\"\\\"\"");                   // adjacent escapes
  BOOST_TEST(escaped("\x01x\x02") == "\"\\u0001x\\u0002\"");          // first and last
  std::string long_text(5000, 'a');
  long_text[2500] = '"';
  BOOST_TEST(escaped(long_text) == "\"" + std::string(2500, 'a') + "\\\"" + std::string(2499, 'a') + "\"");
}

BOOST_AUTO_TEST_CASE(passes_utf8_through) {
  BOOST_TEST(escaped("caf\xC3\xA9 \xE2\x82\xAC") == "\"caf\xC3\xA9 \xE2\x82\xAC\"");
}

BOOST_AUTO_TEST_CASE(writes_object_with_commas_between_fields) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("a", 1).field("b", "x").field("c", true).key("d").null().end_object();
  BOOST_TEST(out == R"({"a":1,"b":"x","c":true,"d":null})");
}

BOOST_AUTO_TEST_CASE(writes_empty_containers) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("items").begin_array().end_array().key("o").begin_object().end_object().end_object();
  BOOST_TEST(out == R"({"items":[],"o":{}})");
}

BOOST_AUTO_TEST_CASE(places_commas_in_nested_containers) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("items").begin_array();
  w.begin_object().field("id", 1).key("tags").begin_array().string("a").string("b").end_array().end_object();
  w.begin_object().field("id", 2).key("tags").begin_array().end_array().end_object();
  w.begin_array().integer(1).begin_array().integer(2).integer(3).end_array().integer(4).end_array();
  w.end_array();
  w.field("total", int64_t{2});
  w.end_object();
  BOOST_TEST(out == R"({"items":[{"id":1,"tags":["a","b"]},{"id":2,"tags":[]},[1,[2,3],4]],"total":2})");
  cJSON* parsed = cJSON_Parse(out.c_str());
  BOOST_TEST(parsed != nullptr);
  cJSON_Delete(parsed);
}

BOOST_AUTO_TEST_CASE(writes_top_level_array_of_scalars) {
  std::string out;
  JsonWriter w(out);
  w.begin_array().integer(-7).boolean(false).string("s").null().money(150).end_array();
  BOOST_TEST(out == R"([-7,false,"s",null,1.5])");
}

BOOST_AUTO_TEST_CASE(escapes_keys) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("we\"ird\n", "v").end_object();
  BOOST_TEST(out == R"({"we\"ird\n":"v"})");
}

BOOST_AUTO_TEST_CASE(formats_money_with_at_most_two_decimals) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("price").money(29999);
  w.key("finalPrice").money(25499);
  w.key("shipping").money(1000);
  w.key("tax").money(7650);
  w.key("zero").money(0);
  w.key("cents").money(5);
  w.key("refund").money(-250);
  w.end_object();
  BOOST_TEST(out ==
             R"({"price":299.99,"finalPrice":254.99,"shipping":10,"tax":76.5,"zero":0,"cents":0.05,"refund":-2.5})");
}

BOOST_AUTO_TEST_CASE(writes_integer_extremes) {
  std::string out;
  JsonWriter w(out);
  w.begin_array().integer(INT64_MAX).integer(INT64_MIN).integer(0).end_array();
  BOOST_TEST(out == "[9223372036854775807,-9223372036854775808,0]");
}

BOOST_AUTO_TEST_CASE(raw_inserts_json_verbatim_with_commas) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("a", 1).key("attrs").raw(R"({"color":"red","size":42})").key("list").begin_array();
  w.raw("1").raw("[2]").end_array().end_object();
  BOOST_TEST(out == R"({"a":1,"attrs":{"color":"red","size":42},"list":[1,[2]]})");
}

BOOST_AUTO_TEST_CASE(appends_to_existing_buffer) {
  std::string out = "prefix:";
  JsonWriter w(out);
  w.begin_object().field("k", "v").end_object();
  BOOST_TEST(out == R"(prefix:{"k":"v"})");
}

BOOST_AUTO_TEST_SUITE_END()
