#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "db/sql_text.h"

using ecom::db::inline_params;
using ecom::db::Param;
using ecom::db::placeholders;

namespace {

// Stands in for the connection's escaping: marks what it was given, so a test sees that every
// string went through it.
std::string mark(const std::string& v) { return "<" + v + ">"; }

std::string inlined(const std::string& sql, const std::vector<Param>& params) {
  return inline_params(sql, params, mark);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_text)

BOOST_AUTO_TEST_CASE(placeholders_outside_quotes_and_comments) {
  BOOST_TEST(placeholders("SELECT ? , ?") == (std::vector<size_t>{7, 11}));
  BOOST_TEST(placeholders("SELECT '?', \"?\", `a?b`, ?") == (std::vector<size_t>{24}));
  BOOST_TEST(placeholders("SELECT 'it''s ?', 'a\\'?', ?") == (std::vector<size_t>{26}));
  BOOST_TEST(placeholders("SELECT `a``?` FROM t WHERE x = ?") == (std::vector<size_t>{31}));
  BOOST_TEST(placeholders("SELECT 1 -- ?\n, ? # ?\n, /* ? */ ?") == (std::vector<size_t>{16, 32}));
  // "--" without a space after it is not a comment: two minus signs.
  BOOST_TEST(placeholders("SELECT 1 --?") == (std::vector<size_t>{11}));
  BOOST_TEST(placeholders("SELECT 'unterminated ?").empty());
  BOOST_TEST(placeholders("SELECT 1 /* unterminated ?").empty());
}

BOOST_AUTO_TEST_CASE(params_become_literals) {
  BOOST_TEST(inlined("SELECT a FROM t WHERE id = ? AND n > ? AND x IS ? LIMIT ? OFFSET ?",
                     {std::string("k'1"), int64_t{-5}, nullptr, int64_t{20}, int64_t{0}}) ==
             "SELECT a FROM t WHERE id = '<k'1>' AND n >  -5 AND x IS NULL LIMIT 20 OFFSET 0");
  BOOST_TEST(inlined("SELECT ?", {int64_t{INT64_MAX}}) == "SELECT 9223372036854775807");
  BOOST_TEST(inlined("SELECT 1 -?", {int64_t{-1}}) == "SELECT 1 - -1");
  BOOST_TEST(inlined("SELECT '?', ?", {std::string("")}) == "SELECT '?', '<>'");
  BOOST_TEST(inlined("SELECT 1", {}) == "SELECT 1");
}

BOOST_AUTO_TEST_CASE(every_string_goes_through_the_escaping) {
  int calls = 0;
  std::string out = inline_params("INSERT INTO t VALUES (?, ?, ?)",
                                  {std::string("a"), std::string("b\\"), std::string("caf\xC3\xA9")},
                                  [&](const std::string& v) {
                                    ++calls;
                                    return mark(v);
                                  });
  BOOST_TEST(calls == 3);
  BOOST_TEST(out == "INSERT INTO t VALUES ('<a>', '<b\\>', '<caf\xC3\xA9>')");
}

BOOST_AUTO_TEST_CASE(a_parameter_count_that_does_not_match_is_refused) {
  BOOST_CHECK_THROW(inlined("SELECT ?, ?", {int64_t{1}}), std::invalid_argument);
  BOOST_CHECK_THROW(inlined("SELECT '?'", {int64_t{1}}), std::invalid_argument);
  BOOST_CHECK_THROW(inlined("SELECT 1", {nullptr}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(datetimes_read_unprepared_take_the_prepared_form) {
  using ecom::db::prepared_datetime_form;
  BOOST_TEST(prepared_datetime_form("2024-02-29 23:59:59.123") == "2024-02-29 23:59:59.123000");
  BOOST_TEST(prepared_datetime_form("2024-02-29 23:59:59.120") == "2024-02-29 23:59:59.120000");
  BOOST_TEST(prepared_datetime_form("2024-02-29 23:59:59.1") == "2024-02-29 23:59:59.100000");
  BOOST_TEST(prepared_datetime_form("2024-02-29 23:59:59.000001") == "2024-02-29 23:59:59.000001");
  BOOST_TEST(prepared_datetime_form("2026-01-01 00:00:00.000") == "2026-01-01 00:00:00");
  // Anything else as it is.
  for (const char* v : {"2026-01-01 00:00:00", "2026-01-01", "12:00:00.5", "9.40", "2026-01-01 00:00:00.12x",
                        "2026-01-01 00:00:00.1234567", "", "2026-01-01T00:00:00.5"})
    BOOST_TEST(prepared_datetime_form(v) == v);
}

BOOST_AUTO_TEST_SUITE_END()
