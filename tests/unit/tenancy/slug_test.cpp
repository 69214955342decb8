#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "tenancy/slug.h"

using ecom::tenancy::valid_slug;

BOOST_AUTO_TEST_SUITE(slug)

BOOST_AUTO_TEST_CASE(accepts_lowercase_alphanumeric_with_single_hyphens) {
  for (const char* s : {"abc", "demo-store", "store1", "123", "a-b-c", "my-shop-2024", "a1-b2"})
    BOOST_TEST(valid_slug(s), "slug " << s);
}

BOOST_AUTO_TEST_CASE(length_must_be_3_to_63) {
  std::string why;
  BOOST_TEST(!valid_slug("", &why));
  BOOST_TEST(!why.empty());
  BOOST_TEST(!valid_slug("a"));
  BOOST_TEST(!valid_slug("ab"));
  BOOST_TEST(valid_slug("abc"));
  BOOST_TEST(valid_slug(std::string(63, 'a')));
  why.clear();
  BOOST_TEST(!valid_slug(std::string(64, 'a'), &why));
  BOOST_TEST(!why.empty());
}

BOOST_AUTO_TEST_CASE(rejects_reserved_words) {
  for (const char* s : {"admin", "api", "www", "health", "public", "provision", "superadmin", "status"}) {
    std::string why;
    BOOST_TEST(!valid_slug(s, &why), "slug " << s);
    BOOST_TEST(why.find("reserved") != std::string::npos, why);
  }
  // Only the exact words are reserved.
  BOOST_TEST(valid_slug("admin-store"));
  BOOST_TEST(valid_slug("my-api"));
  BOOST_TEST(valid_slug("statuses"));
}

BOOST_AUTO_TEST_CASE(rejects_leading_trailing_and_double_hyphens) {
  for (const char* s : {"-abc", "abc-", "a--b", "---", "-a-", "ab--", "--ab"}) {
    std::string why;
    BOOST_TEST(!valid_slug(s, &why), "slug " << s);
    BOOST_TEST(!why.empty());
  }
}

BOOST_AUTO_TEST_CASE(rejects_uppercase_and_other_characters) {
  for (const char* s : {"Demo", "DEMO", "demO", "demo_store", "demo store", "demo.store", "demo/store",
                        "d\xC3\xA9mo", "demo;", "demo'", "de`mo"})
    BOOST_TEST(!valid_slug(s), "slug " << s);
  BOOST_TEST(!valid_slug(std::string("ab\0c", 4)));
}

BOOST_AUTO_TEST_CASE(why_is_optional_and_untouched_on_success) {
  BOOST_TEST(!valid_slug("A"));
  std::string why = "unchanged";
  BOOST_TEST(valid_slug("good-slug", &why));
  BOOST_TEST(why == "unchanged");
}

BOOST_AUTO_TEST_SUITE_END()
