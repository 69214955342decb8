#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <map>
#include <string>
#include <vector>

#include "db/identifier.h"
#include "tenancy/slug.h"

using ecom::db::quote_identifier;
using ecom::db::safe_identifier;
using ecom::db::tenant_schema_name;

BOOST_AUTO_TEST_SUITE(identifier)

BOOST_AUTO_TEST_CASE(tenant_schema_name_replaces_hyphens) {
  BOOST_TEST(tenant_schema_name("demo-store") == "ecom_tenant_demo_store");
  BOOST_TEST(tenant_schema_name("abc") == "ecom_tenant_abc");
  BOOST_TEST(tenant_schema_name("a-b-c-1") == "ecom_tenant_a_b_c_1");
}

BOOST_AUTO_TEST_CASE(tenant_schema_name_rejects_unsafe_slugs) {
  for (const char* s : {"Demo", "a`b", "a b", "a;drop database x", "a.b", "caf\xC3\xA9", "a/b", "a'b"})
    BOOST_CHECK_THROW(tenant_schema_name(s), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(short_slugs_map_to_plain_schema_names) {
  std::string slug = "my-store-" + std::string(30, 'x');
  BOOST_TEST(tenant_schema_name(slug) == "ecom_tenant_my_store_" + std::string(30, 'x'));
}

BOOST_AUTO_TEST_CASE(plain_names_up_to_51_chars_hashed_names_are_exactly_64) {
  std::string s51(51, 'k'), s52(52, 'k');
  BOOST_TEST(tenant_schema_name(s51) == "ecom_tenant_" + s51);
  BOOST_TEST(tenant_schema_name(s52).size() == 64u);
  BOOST_TEST(tenant_schema_name(s52).substr(0, 55) == "ecom_tenant_" + std::string(43, 'k'));
  BOOST_TEST(tenant_schema_name(s52)[55] == '_');
}

BOOST_AUTO_TEST_CASE(long_slug_schema_names_are_deterministic_and_fit_64_chars) {
  for (size_t n : {52u, 53u, 60u, 63u}) {
    std::string slug(n, 'b');
    std::string a = tenant_schema_name(slug), b = tenant_schema_name(slug);
    BOOST_TEST(a == b);
    BOOST_TEST(a.size() <= 64u);
    BOOST_TEST(a.rfind("ecom_tenant_", 0) == 0u);
    BOOST_TEST(safe_identifier(a));
  }
}

// CONTRACT §2 allows slugs of up to 63 characters, and the provisioner derives the
// schema name from every valid slug; a valid slug must never make that throw.
// ("ecom_tenant_" + 63 chars is 75 > MariaDB's 64-character identifier limit.)
BOOST_AUTO_TEST_CASE(every_valid_slug_maps_to_a_safe_schema_name) {
  std::string failing;  // lengths of valid slugs whose schema name throws or is unsafe
  for (size_t n = 3; n <= 63; ++n) {
    std::string slug(n, 'a');
    if (!ecom::tenancy::valid_slug(slug)) continue;
    bool ok = false;
    try {
      ok = safe_identifier(tenant_schema_name(slug));
    } catch (const std::invalid_argument&) {
    }
    if (!ok) failing += (failing.empty() ? "" : ",") + std::to_string(n);
  }
  BOOST_TEST(failing.empty(), "valid slugs of these lengths have no usable schema name: " << failing);
}

// Two different valid slugs must never share a schema (CONTRACT §2: tenant A never reads
// or writes tenant B's schema), however long they are.
BOOST_AUTO_TEST_CASE(distinct_slugs_get_distinct_schema_names) {
  std::vector<std::string> slugs = {std::string(52, 'a'), std::string(53, 'a'), std::string(60, 'a'),
                                    std::string(63, 'a'), std::string(62, 'a') + "b",
                                    std::string(43, 'a') + "-" + std::string(19, 'c'),
                                    std::string(43, 'a') + "-" + std::string(19, 'd'), "demo-store", "demo-store2"};
  std::map<std::string, std::string> owner;  // schema -> slug
  for (const auto& s : slugs) {
    BOOST_TEST_REQUIRE(ecom::tenancy::valid_slug(s), s);
    std::string schema = tenant_schema_name(s);
    auto [it, inserted] = owner.emplace(schema, s);
    BOOST_TEST(inserted, "slugs '" << it->second << "' and '" << s << "' share schema " << schema);
  }
}

// A long slug's schema name read back as a slug ('_' -> '-') is itself a valid slug; it must
// not map onto the long slug's schema, or a store created with it would share that schema.
BOOST_AUTO_TEST_CASE(schema_name_of_long_slug_cannot_be_claimed_by_another_slug) {
  for (const std::string& long_slug : {std::string(60, 'a'), std::string(63, 'z'),
                                       "shop-" + std::string(50, 'q'), std::string(53, 'm')}) {
    BOOST_TEST_REQUIRE(ecom::tenancy::valid_slug(long_slug));
    std::string schema = tenant_schema_name(long_slug);
    std::string other = schema.substr(std::string("ecom_tenant_").size());
    for (auto& c : other)
      if (c == '_') c = '-';
    if (other == long_slug || !ecom::tenancy::valid_slug(other)) continue;
    std::string other_schema;
    try {
      other_schema = tenant_schema_name(other);
    } catch (const std::invalid_argument&) {
      continue;
    }
    BOOST_TEST(other_schema != schema,
               "slug '" << other << "' gets the same schema as '" << long_slug << "': " << schema);
  }
}

BOOST_AUTO_TEST_CASE(safe_identifier_accepts_lowercase_digits_underscore) {
  BOOST_TEST(safe_identifier("ecom_control"));
  BOOST_TEST(safe_identifier("a"));
  BOOST_TEST(safe_identifier("_"));
  BOOST_TEST(safe_identifier("t1_2"));
  BOOST_TEST(safe_identifier(std::string(64, 'x')));
}

BOOST_AUTO_TEST_CASE(safe_identifier_rejects_everything_else) {
  for (const char* s : {"", "Ecom", "a-b", "a b", "a`b", "a;b", "a.b", "a'b", "a\"b", "a\\b", "caf\xC3\xA9", "a\nb"})
    BOOST_TEST(!safe_identifier(s), "safe_identifier(\"" << s << "\")");
  BOOST_TEST(!safe_identifier(std::string(65, 'x')));
  BOOST_TEST(!safe_identifier(std::string("a\0b", 3)));
}

BOOST_AUTO_TEST_CASE(quote_identifier_wraps_in_backticks) {
  BOOST_TEST(quote_identifier("ecom_control") == "`ecom_control`");
  BOOST_TEST(quote_identifier("ecom_tenant_demo_store") == "`ecom_tenant_demo_store`");
}

BOOST_AUTO_TEST_CASE(quote_identifier_rejects_unsafe_names) {
  for (const char* s : {"", "a`b", "x`; DROP DATABASE ecom_control; --", "Upper", "a-b", "a b", "a.b"})
    BOOST_CHECK_THROW(quote_identifier(s), std::invalid_argument);
  BOOST_CHECK_THROW(quote_identifier(std::string(65, 'a')), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
