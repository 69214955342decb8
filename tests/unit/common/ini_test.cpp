#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "common/ini.h"

namespace {
std::string get(const ecom::ini::ParseResult& r, const std::string& s, const std::string& k) {
  auto sit = r.doc.find(s);
  if (sit == r.doc.end()) return "<no section>";
  auto kit = sit->second.find(k);
  return kit == sit->second.end() ? "<no key>" : kit->second;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(ini)

BOOST_AUTO_TEST_CASE(parses_sections_and_keys) {
  auto r = ecom::ini::parse("[server]\nlisten = /tmp/a.sock\nworkers=4\n\n[database]\nurl = tcp://127.0.0.1:3306\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "server", "listen") == "/tmp/a.sock");
  BOOST_TEST(get(r, "server", "workers") == "4");
  BOOST_TEST(get(r, "database", "url") == "tcp://127.0.0.1:3306");
  BOOST_TEST(r.doc.size() == 2u);
}

BOOST_AUTO_TEST_CASE(empty_input_is_ok) {
  auto r = ecom::ini::parse("");
  BOOST_TEST(r.ok());
  BOOST_TEST(r.doc.empty());
  auto r2 = ecom::ini::parse("\n\n   \n");
  BOOST_TEST(r2.ok());
  BOOST_TEST(r2.doc.empty());
}

BOOST_AUTO_TEST_CASE(keys_before_any_section_go_to_empty_section) {
  auto r = ecom::ini::parse("top = 1\n[s]\nk = v");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "", "top") == "1");
  BOOST_TEST(get(r, "s", "k") == "v");
}

BOOST_AUTO_TEST_CASE(skips_comment_lines) {
  auto r = ecom::ini::parse("; comment\n# another\n[s]\n  ; indented comment\n  # also\nk = v\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(r.doc.size() == 1u);
  BOOST_TEST(r.doc.at("s").size() == 1u);
  BOOST_TEST(get(r, "s", "k") == "v");
}

BOOST_AUTO_TEST_CASE(lowercases_sections_and_keys) {
  auto r = ecom::ini::parse("[SerVer]\nListen_Mode = 0660\n[ Database ]\nURL = X\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "server", "listen_mode") == "0660");
  BOOST_TEST(get(r, "database", "url") == "X");  // value case kept
  BOOST_TEST(r.doc.count("SerVer") == 0u);
}

BOOST_AUTO_TEST_CASE(strips_one_pair_of_double_quotes) {
  auto r = ecom::ini::parse(
      "[s]\n"
      "a = \"  spaced  \"\n"
      "b = \"\"\n"
      "c = \"\n"
      "d = \"with \"inner\" quotes\"\n"
      "e = \"x;y # z\"\n"
      "f = 'single'\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "s", "a") == "  spaced  ");
  BOOST_TEST(get(r, "s", "b") == "");
  BOOST_TEST(get(r, "s", "c") == "\"");
  BOOST_TEST(get(r, "s", "d") == "with \"inner\" quotes");
  BOOST_TEST(get(r, "s", "e") == "x;y # z");
  BOOST_TEST(get(r, "s", "f") == "'single'");
}

BOOST_AUTO_TEST_CASE(trims_keys_and_values_and_keeps_equals_in_values) {
  auto r = ecom::ini::parse("[s]\n   key   =   a = b   \nempty =\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "s", "key") == "a = b");
  BOOST_TEST(get(r, "s", "empty") == "");
}

BOOST_AUTO_TEST_CASE(accepts_crlf_line_endings) {
  auto r = ecom::ini::parse("[s]\r\nk = v\r\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "s", "k") == "v");
}

BOOST_AUTO_TEST_CASE(later_value_wins) {
  auto r = ecom::ini::parse("[s]\nk = 1\nk = 2\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "s", "k") == "2");
}

BOOST_AUTO_TEST_CASE(sections_reopen_and_merge) {
  auto r = ecom::ini::parse("[a]\nx = 1\n[b]\ny = 2\n[A]\nz = 3\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(get(r, "a", "x") == "1");
  BOOST_TEST(get(r, "a", "z") == "3");
}

BOOST_AUTO_TEST_CASE(empty_section_is_recorded) {
  auto r = ecom::ini::parse("[empty]\n");
  BOOST_TEST_REQUIRE(r.ok(), r.error);
  BOOST_TEST(r.doc.count("empty") == 1u);
}

BOOST_AUTO_TEST_CASE(missing_equals_reports_line_number) {
  auto r = ecom::ini::parse("[server]\nworkers = 4\n\n; c\njust a line\n");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.error.rfind("line 5:", 0) == 0u, r.error);
}

BOOST_AUTO_TEST_CASE(malformed_section_header_reports_line_number) {
  auto r = ecom::ini::parse("[server\nk = v\n");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.error.rfind("line 1:", 0) == 0u, r.error);

  auto r2 = ecom::ini::parse("k = v\n\n[]\n");
  BOOST_TEST(!r2.ok());
  BOOST_TEST(r2.error.rfind("line 3:", 0) == 0u, r2.error);
}

BOOST_AUTO_TEST_CASE(blank_section_name_is_an_error) {
  auto r = ecom::ini::parse("[s]\nk = v\n[   ]\n");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.error.rfind("line 3:", 0) == 0u, r.error);
}

BOOST_AUTO_TEST_CASE(empty_key_is_an_error) {
  auto r = ecom::ini::parse("[s]\n = value\n");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.error.rfind("line 2:", 0) == 0u, r.error);
}

BOOST_AUTO_TEST_CASE(line_numbers_count_crlf_lines) {
  auto r = ecom::ini::parse("[s]\r\nk = v\r\n\r\nbroken\r\n");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.error.rfind("line 4:", 0) == 0u, r.error);
}

BOOST_AUTO_TEST_SUITE_END()
