#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "common/config.h"
#include "common/validation.h"
#include "provisioning/signup_validation.h"

using namespace ecom::provisioning;

BOOST_AUTO_TEST_SUITE(signup_validation)

BOOST_AUTO_TEST_CASE(accepts_ordinary_emails) {
  for (const char* e : {"a@b.co", "owner+shop@example.com", "first.last@sub.example.org"})
    BOOST_TEST(ecom::valid_email(e), e);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_emails) {
  for (const char* e : {"", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a b@c.com", "a@b..com", "a@.b.com",
                        "a@b.com.", "<a>@b.com"})
    BOOST_TEST(!ecom::valid_email(e), e);
  BOOST_TEST(!ecom::valid_email(std::string(250, 'a') + "@b.com"));
}

BOOST_AUTO_TEST_CASE(phones_are_digits_spaces_and_plus_parens_hyphen) {
  for (const char* p : {"+1234567890", "(555) 123-4567", "1234567", "+44 20 7946 0958"}) BOOST_TEST(ecom::valid_phone(p), p);
  for (const char* p : {"", "123456", "123456789012345678901", "12345x67", "+++----", "555.123.4567"})
    BOOST_TEST(!ecom::valid_phone(p), p);
}

BOOST_AUTO_TEST_CASE(names_are_trimmed_and_bounded) {
  ecom::Validator v;
  BOOST_TEST(check_name(std::string("  My Shop  "), v).value() == "My Shop");
  BOOST_TEST(!check_name(std::string("   "), v).has_value());
  BOOST_TEST(!check_name(std::string(201, 'x'), v).has_value());
  BOOST_TEST(check_name(std::string(200, 'x'), v).has_value());
  BOOST_TEST(v.errors().at("name").size() == 2u);
}

BOOST_AUTO_TEST_CASE(slugs_are_checked_under_the_given_field) {
  ecom::Validator v;
  BOOST_TEST(check_slug(std::string("good-one"), "slug", v).value() == "good-one");
  BOOST_TEST(!check_slug(std::string("Bad"), "slug", v).has_value());
  BOOST_TEST(!check_slug(std::string("admin"), "slug", v).has_value());
  BOOST_TEST(v.errors().at("slug").size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(secrets)

BOOST_AUTO_TEST_CASE(random_distinct_secrets_pass) {
  ecom::Config c;
  c.confirm_token_secret = "3f9a1c0d7be24e58a6c1d2f3b4a59687";
  c.superadmin_token_secret = "8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a";
  c.access_token_secret = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  BOOST_TEST(ecom::secret_problems(c).empty());
}

BOOST_AUTO_TEST_CASE(empty_short_placeholder_or_shared_secrets_fail) {
  ecom::Config c;
  BOOST_TEST(ecom::secret_problems(c).size() >= 3u);
  c.confirm_token_secret = "short";
  c.superadmin_token_secret = "change-me-change-me-change-me-change-me";
  c.access_token_secret = std::string(40, 'x');
  auto p = ecom::secret_problems(c);
  BOOST_TEST(p.size() >= 3u);
  c.confirm_token_secret = c.superadmin_token_secret = c.access_token_secret = "3f9a1c0d7be24e58a6c1d2f3b4a59687";
  BOOST_TEST(!ecom::secret_problems(c).empty());
}

BOOST_AUTO_TEST_SUITE_END()
