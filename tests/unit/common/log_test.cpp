#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "common/log.h"

namespace log = ecom::log;

BOOST_AUTO_TEST_SUITE(log_field)

BOOST_AUTO_TEST_CASE(keeps_slugs_and_tokens_as_they_are) {
  BOOST_TEST(log::field("demo-store", 64) == "demo-store");
  BOOST_TEST(log::field("GET", 32) == "GET");
  BOOST_TEST(log::field("/api/catalog/products", 200, log::kPathChars) == "/api/catalog/products");
  BOOST_TEST(log::field("/a=b:c@d+e", 200, log::kPathChars) == "/a=b:c@d+e");
}

BOOST_AUTO_TEST_CASE(escapes_what_could_forge_fields_or_lines) {
  BOOST_TEST(log::field("x tenant=forged", 64) == "x%20tenant%3Dforged");
  BOOST_TEST(log::field("a\nb\r\tc\x1b\x7f", 64) == "a%0Ab%0D%09c%1B%7F");
  BOOST_TEST(log::field("100%", 64) == "100%25");
  BOOST_TEST(log::field("caf\xc3\xa9", 64) == "caf%C3%A9");
  BOOST_TEST(log::field("/x y\n", 64, log::kPathChars) == "/x%20y%0A");
  BOOST_TEST(log::field(std::string("a\0b", 3), 64) == "a%00b");
}

BOOST_AUTO_TEST_CASE(bounds_the_result_without_cutting_an_escape) {
  BOOST_TEST(log::field("abcdef", 4) == "abcd");
  BOOST_TEST(log::field("ab cd", 4) == "ab");  // "ab%20" would be 5 bytes
  BOOST_TEST(log::field("   ", 7) == "%20%20");
  BOOST_TEST(log::field(std::string(1000, ' '), 63).size() == 63);
}

BOOST_AUTO_TEST_CASE(empty_text_is_a_dash) {
  BOOST_TEST(log::field("", 64) == "-");
  BOOST_TEST(log::field(" ", 2) == "-");
}

BOOST_AUTO_TEST_SUITE_END()
