#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "tenancy/features.h"

using namespace ecom::tenancy;

BOOST_AUTO_TEST_SUITE(features)

BOOST_AUTO_TEST_CASE(snake_to_camel_converts_codes) {
  BOOST_TEST(snake_to_camel("guest_checkout") == "guestCheckout");
  BOOST_TEST(snake_to_camel("catalog") == "catalog");
  BOOST_TEST(snake_to_camel("max_cart_items") == "maxCartItems");
  BOOST_TEST(snake_to_camel("") == "");
}

BOOST_AUTO_TEST_CASE(feature_from_camel_maps_known_features) {
  BOOST_TEST(feature_from_camel("guestCheckout").value_or("?") == "guest_checkout");
  BOOST_TEST(feature_from_camel("catalog").value_or("?") == "catalog");
  BOOST_TEST(feature_from_camel("cart").value_or("?") == "cart");
  BOOST_TEST(feature_from_camel("checkout").value_or("?") == "checkout");
  BOOST_TEST(feature_from_camel("categories").value_or("?") == "categories");
  BOOST_TEST(feature_from_camel("push").value_or("?") == "push");
}

BOOST_AUTO_TEST_CASE(feature_from_camel_rejects_unknown_or_snake_case) {
  for (const char* s : {"guest_checkout", "GuestCheckout", "guestcheckout", "Catalog", "", "unknown", "maxCartItems"})
    BOOST_TEST(!feature_from_camel(s).has_value(), "feature_from_camel(\"" << s << "\")");
}

BOOST_AUTO_TEST_CASE(every_feature_round_trips_through_camel_case) {
  for (const char* f : kFeatures) BOOST_TEST(feature_from_camel(snake_to_camel(f)).value_or("?") == f);
}

BOOST_AUTO_TEST_CASE(known_limit_accepts_only_declared_limits) {
  BOOST_TEST(known_limit("maxCartItems"));
  BOOST_TEST(known_limit("maxProductsPerOrder"));
  BOOST_TEST(!known_limit("max_cart_items"));
  BOOST_TEST(!known_limit("maxcartitems"));
  BOOST_TEST(!known_limit(""));
  BOOST_TEST(!known_limit("catalog"));
}

BOOST_AUTO_TEST_SUITE_END()
