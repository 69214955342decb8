#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "common/strings.h"
#include "common/uuid.h"
#include "provisioning/seeder.h"

using ecom::provisioning::expand_seed_placeholders;

BOOST_AUTO_TEST_SUITE(seed_placeholders)

BOOST_AUTO_TEST_CASE(text_without_placeholders_is_unchanged) {
  BOOST_TEST(expand_seed_placeholders("") == "");
  BOOST_TEST(expand_seed_placeholders("INSERT INTO t VALUES ('a', '{x}', '}}');") ==
             "INSERT INTO t VALUES ('a', '{x}', '}}');");
}

BOOST_AUTO_TEST_CASE(replaces_placeholder_with_valid_uuid) {
  std::string out = expand_seed_placeholders("{{id:cat_shoes}}");
  BOOST_TEST(out.size() == 36u);
  BOOST_TEST(ecom::uuid::is_valid(out));
  BOOST_TEST(ecom::uuid::normalize(out) == out);
  BOOST_TEST(out[14] == '4');
}

BOOST_AUTO_TEST_CASE(same_name_gives_same_uuid) {
  std::string out = expand_seed_placeholders("{{id:a}},{{id:b}},{{id:a}}");
  auto parts = ecom::split(out, ',');
  BOOST_TEST_REQUIRE(parts.size() == 3u);
  for (const auto& p : parts) BOOST_TEST(ecom::uuid::is_valid(p), p);
  BOOST_TEST(parts[0] == parts[2]);
  BOOST_TEST(parts[0] != parts[1]);
}

BOOST_AUTO_TEST_CASE(different_names_give_different_uuids) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += (i ? "," : "") + std::string("{{id:p") + std::to_string(i) + "}}";
  auto parts = ecom::split(expand_seed_placeholders(text), ',');
  BOOST_TEST_REQUIRE(parts.size() == 50u);
  for (size_t i = 0; i < parts.size(); ++i) {
    BOOST_TEST(ecom::uuid::is_valid(parts[i]));
    for (size_t j = i + 1; j < parts.size(); ++j) BOOST_TEST(parts[i] != parts[j]);
  }
}

BOOST_AUTO_TEST_CASE(keeps_surrounding_text) {
  std::string out = expand_seed_placeholders("INSERT INTO p (id, name) VALUES ('{{id:x}}', 'X');\n");
  std::string prefix = "INSERT INTO p (id, name) VALUES ('";
  std::string suffix = "', 'X');\n";
  BOOST_TEST_REQUIRE(out.size() == prefix.size() + 36 + suffix.size());
  BOOST_TEST(out.substr(0, prefix.size()) == prefix);
  BOOST_TEST(ecom::uuid::is_valid(out.substr(prefix.size(), 36)));
  BOOST_TEST(out.substr(prefix.size() + 36) == suffix);
}

BOOST_AUTO_TEST_CASE(each_run_gives_fresh_uuids) {
  BOOST_TEST(expand_seed_placeholders("{{id:a}}") != expand_seed_placeholders("{{id:a}}"));
}

BOOST_AUTO_TEST_CASE(unterminated_placeholder_throws) {
  BOOST_CHECK_THROW(expand_seed_placeholders("VALUES ('{{id:a')"), std::runtime_error);
  BOOST_CHECK_THROW(expand_seed_placeholders("{{id:a}} {{"), std::runtime_error);
  BOOST_CHECK_THROW(expand_seed_placeholders("{{id:a}"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(malformed_placeholder_throws) {
  BOOST_CHECK_THROW(expand_seed_placeholders("{{id:}}"), std::runtime_error);
  BOOST_CHECK_THROW(expand_seed_placeholders("{{name:a}}"), std::runtime_error);
  BOOST_CHECK_THROW(expand_seed_placeholders("{{}}"), std::runtime_error);
  BOOST_CHECK_THROW(expand_seed_placeholders("{{ID:a}}"), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
