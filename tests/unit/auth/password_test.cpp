#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "auth/password.h"

using namespace ecom::auth;

BOOST_AUTO_TEST_SUITE(password)

// Low costs keep the unit tests fast; the format and the checks are the same.
BOOST_AUTO_TEST_CASE(hash_verifies_only_the_right_password) {
  std::string h = password_hash("correct horse", 1000);
  BOOST_TEST(password_verify("correct horse", h));
  BOOST_TEST(!password_verify("correct horsf", h));
  BOOST_TEST(!password_verify("", h));
}

BOOST_AUTO_TEST_CASE(hash_carries_its_parameters_and_a_fresh_salt) {
  std::string a = password_hash("pw-123456", 1000), b = password_hash("pw-123456", 1000);
  BOOST_TEST(a.rfind("pbkdf2-sha256$1000$", 0) == 0u);
  BOOST_TEST(a != b);
  BOOST_TEST(password_iterations(a).value() == 1000);
  BOOST_TEST(password_iterations(password_hash("x", 2000)).value() == 2000);
}

BOOST_AUTO_TEST_CASE(malformed_hashes_never_verify) {
  for (const char* h : {"", "plain", "pbkdf2-sha256$1000$abc", "md5$1000$AAAAAAAAAAA$AAAA",
                        "pbkdf2-sha256$x$AAAAAAAAAAA$AAAA", "pbkdf2-sha256$10$AAAAAAAAAAAA$AAAA"})
    BOOST_TEST(!password_verify("anything", h), h);
}

BOOST_AUTO_TEST_CASE(dummy_hash_is_well_formed_and_matches_nothing_guessable) {
  const std::string& d = password_dummy_hash(1000);
  BOOST_TEST(password_iterations(d).value() == 1000);
  BOOST_TEST(!password_verify("", d));
  BOOST_TEST(!password_verify("password", d));
}

BOOST_AUTO_TEST_SUITE_END()
