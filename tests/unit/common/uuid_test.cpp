#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "common/uuid.h"

BOOST_AUTO_TEST_SUITE(uuid)

BOOST_AUTO_TEST_CASE(v4_is_lowercase_hyphenated_version_4) {
  for (int i = 0; i < 100; ++i) {
    std::string u = ecom::uuid::v4();
    BOOST_TEST_REQUIRE(u.size() == 36u);
    BOOST_TEST(ecom::uuid::is_valid(u));
    BOOST_TEST(u[8] == '-');
    BOOST_TEST(u[13] == '-');
    BOOST_TEST(u[18] == '-');
    BOOST_TEST(u[23] == '-');
    BOOST_TEST(u[14] == '4');
    BOOST_TEST(std::string("89ab").find(u[19]) != std::string::npos);
    BOOST_TEST(ecom::uuid::normalize(u) == u);
  }
}

BOOST_AUTO_TEST_CASE(v4_values_differ) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(ecom::uuid::v4());
  BOOST_TEST(seen.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(is_valid_accepts_any_version_and_case) {
  BOOST_TEST(ecom::uuid::is_valid("123e4567-e89b-12d3-a456-426614174000"));
  BOOST_TEST(ecom::uuid::is_valid("123E4567-E89B-12D3-A456-426614174000"));
  BOOST_TEST(ecom::uuid::is_valid("00000000-0000-0000-0000-000000000000"));
}

BOOST_AUTO_TEST_CASE(is_valid_rejects_malformed_ids) {
  for (const char* s : {"", "not-a-uuid", "123e4567e89b12d3a456426614174000",
                        "123e4567-e89b-12d3-a456-42661417400",     // 35
                        "123e4567-e89b-12d3-a456-4266141740000",   // 37
                        "123e4567-e89b-12d3-a456_426614174000", "123e4567-e89b-12d3-a456-42661417400g",
                        "{123e4567-e89b-12d3-a456-426614174000}", "123e456-7e89b-12d3-a456-426614174000",
                        " 23e4567-e89b-12d3-a456-426614174000"})
    BOOST_TEST(!ecom::uuid::is_valid(s), "is_valid(\"" << s << "\") should be false");
}

BOOST_AUTO_TEST_CASE(normalize_lowercases) {
  BOOST_TEST(ecom::uuid::normalize("123E4567-E89B-12D3-A456-426614174ABC") ==
             "123e4567-e89b-12d3-a456-426614174abc");
}

BOOST_AUTO_TEST_SUITE_END()
