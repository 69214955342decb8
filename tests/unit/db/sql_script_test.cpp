#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "db/sql_script.h"

using ecom::db::split_statements;
using V = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(sql_script)

BOOST_AUTO_TEST_CASE(splits_on_semicolons_and_trims) {
  BOOST_TEST(split_statements("SELECT 1;  SELECT 2 ;\n\nSELECT 3") == (V{"SELECT 1", "SELECT 2", "SELECT 3"}));
}

BOOST_AUTO_TEST_CASE(drops_empty_statements) {
  BOOST_TEST(split_statements("").empty());
  BOOST_TEST(split_statements(" ;;  ; \n").empty());
  BOOST_TEST(split_statements(";SELECT 1;;") == (V{"SELECT 1"}));
}

BOOST_AUTO_TEST_CASE(keeps_semicolons_inside_single_quotes) {
  BOOST_TEST(split_statements("INSERT INTO t VALUES ('a;b');SELECT 2;") ==
             (V{"INSERT INTO t VALUES ('a;b')", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(keeps_semicolons_inside_double_quotes_and_backticks) {
  BOOST_TEST(split_statements("SELECT \"x;y\"; SELECT `we;ird` FROM t;") ==
             (V{"SELECT \"x;y\"", "SELECT `we;ird` FROM t"}));
}

BOOST_AUTO_TEST_CASE(handles_doubled_quotes) {
  BOOST_TEST(split_statements("SELECT 'it''s; fine'; SELECT 2") == (V{"SELECT 'it''s; fine'", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT \"a\"\";\"; SELECT 2") == (V{"SELECT \"a\"\";\"", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT `a``;b`; SELECT 2") == (V{"SELECT `a``;b`", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT ''; SELECT 2") == (V{"SELECT ''", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(handles_backslash_escapes_in_strings) {
  BOOST_TEST(split_statements("SELECT 'a\\';b'; SELECT 2") == (V{"SELECT 'a\\';b'", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT 'a\\\\'; SELECT 2") == (V{"SELECT 'a\\\\'", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT \"a\\\";b\"; SELECT 2") == (V{"SELECT \"a\\\";b\"", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(backslash_is_literal_in_backticks) {
  BOOST_TEST(split_statements("SELECT `a\\`; SELECT 2") == (V{"SELECT `a\\`", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(drops_dash_dash_comments) {
  BOOST_TEST(split_statements("-- header; not a statement\nSELECT 1; -- trailing; comment\nSELECT 2;") ==
             (V{"SELECT 1", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT 1 --\tTab comment;\n;") == (V{"SELECT 1"}));
  BOOST_TEST(split_statements("SELECT 1; --") == (V{"SELECT 1"}));
}

BOOST_AUTO_TEST_CASE(double_dash_without_space_is_not_a_comment) {
  BOOST_TEST(split_statements("SELECT 5--1; SELECT 2") == (V{"SELECT 5--1", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(drops_hash_comments) {
  BOOST_TEST(split_statements("# a; b\nSELECT 1;#x;y\nSELECT 2") == (V{"SELECT 1", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(drops_block_comments) {
  BOOST_TEST(split_statements("/* a; b */SELECT 1;/* multi\nline; */ SELECT 2") == (V{"SELECT 1", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT/*;*/1; SELECT 2") == (V{"SELECT 1", "SELECT 2"}));
  BOOST_TEST(split_statements("SELECT 1; /* unterminated ; comment").size() == 1u);
}

BOOST_AUTO_TEST_CASE(comment_markers_inside_strings_are_kept) {
  BOOST_TEST(split_statements("SELECT '-- no', '# no', '/* no */'; SELECT 2") ==
             (V{"SELECT '-- no', '# no', '/* no */'", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(quotes_inside_comments_do_not_open_strings) {
  BOOST_TEST(split_statements("-- don't\nSELECT 1; /* it's */ SELECT 2; # o'clock\nSELECT 3") ==
             (V{"SELECT 1", "SELECT 2", "SELECT 3"}));
}

BOOST_AUTO_TEST_CASE(keeps_multiline_statements_intact) {
  auto v = split_statements(
      "CREATE TABLE t (\n  id CHAR(36) NOT NULL, -- the id\n  name VARCHAR(200) DEFAULT 'x;y'\n);\n"
      "INSERT INTO t VALUES ('1', 'a');\n");
  BOOST_TEST_REQUIRE(v.size() == 2u);
  BOOST_TEST(v[0].find("CREATE TABLE t (") == 0u);
  BOOST_TEST(v[0].find("DEFAULT 'x;y'") != std::string::npos);
  BOOST_TEST(v[0].find("the id") == std::string::npos);
  BOOST_TEST(v[1] == "INSERT INTO t VALUES ('1', 'a')");
}

BOOST_AUTO_TEST_SUITE_END()
