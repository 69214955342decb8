#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <set>

#include "cart/owner.h"
#include "checkout/pricing.h"
#include "checkout/place_order.h"
#include "common/error.h"
#include "common/money.h"

using namespace ecom::checkout;

BOOST_AUTO_TEST_SUITE(pricing)

BOOST_AUTO_TEST_CASE(document_example_under_the_rule_gets_free_shipping) {
  // 2 × 254.99 = 509.98 > 100: free shipping (the rule wins over the document's example).
  Totals t = compute_totals(50998, StoreSettings{});
  BOOST_TEST(t.tax == 7650);
  BOOST_TEST(t.shipping == 0);
  BOOST_TEST(t.total == 50998 + 7650);
}

BOOST_AUTO_TEST_CASE(small_cart_pays_flat_shipping_and_rounds_tax_half_away_from_zero) {
  // 3 × 0.35 = 1.05; tax 0.1575 → 0.16.
  Totals t = compute_totals(105, StoreSettings{});
  BOOST_TEST(t.tax == 16);
  BOOST_TEST(t.shipping == 1000);
  BOOST_TEST(t.total == 1121);
}

BOOST_AUTO_TEST_CASE(order_totals_up_to_the_columns_maximum) {
  using ecom::money::kMaxAmount;
  StoreSettings no_tax{0, 1000, 10000};
  auto t = order_totals(kMaxAmount, no_tax);
  BOOST_TEST_REQUIRE(std::holds_alternative<Totals>(t));
  BOOST_TEST(std::get<Totals>(t).total == kMaxAmount);
  BOOST_TEST(std::get<Totals>(order_totals(50998, StoreSettings{})).total == 50998 + 7650);
}

BOOST_AUTO_TEST_CASE(order_totals_beyond_the_maximum_name_the_amount) {
  using ecom::checkout::AmountTooLarge;
  using ecom::money::kMaxAmount;
  using ecom::money::times;
  // "" when the totals fit, else which amount would not.
  auto refused = [](ecom::money::WideCents subtotal, StoreSettings s) -> std::string {
    auto r = order_totals(subtotal, s);
    const auto* too_large = std::get_if<AmountTooLarge>(&r);
    if (!too_large) return "";
    BOOST_TEST((too_large->amount > kMaxAmount));
    return too_large->what;
  };
  BOOST_TEST(refused(kMaxAmount + 1, StoreSettings{0, 0, 0}) == "subtotal");
  BOOST_TEST(refused(times(kMaxAmount, 2), StoreSettings{}) == "subtotal");
  BOOST_TEST(refused(times(kMaxAmount, 10'000'000), StoreSettings{}) == "subtotal");  // beyond int64
  BOOST_TEST(refused(kMaxAmount, StoreSettings{}) == "total");                         // the tax
  BOOST_TEST(refused(kMaxAmount, StoreSettings{0, 1, kMaxAmount}) == "total");        // the shipping
  BOOST_TEST(refused(kMaxAmount - 1, StoreSettings{0, 1, kMaxAmount}).empty());
}

BOOST_AUTO_TEST_CASE(threshold_itself_is_not_free) {
  BOOST_TEST(compute_totals(10000, StoreSettings{}).shipping == 1000);
  BOOST_TEST(compute_totals(10001, StoreSettings{}).shipping == 0);
}

BOOST_AUTO_TEST_CASE(store_settings_apply) {
  StoreSettings s{825, 499, 5000};  // 8.25 %, 4.99 flat, free above 50
  Totals t = compute_totals(4000, s);
  BOOST_TEST(t.tax == 330);
  BOOST_TEST(t.shipping == 499);
  BOOST_TEST(t.total == 4829);
  BOOST_TEST(compute_totals(5001, s).shipping == 0);
}

BOOST_AUTO_TEST_CASE(tax_rates_parse_with_four_decimals) {
  BOOST_TEST(ecom::money::parse_scaled("0.1500", 4).value() == 1500);
  BOOST_TEST(ecom::money::parse_scaled("0.0825", 4).value() == 825);
  BOOST_TEST(ecom::money::parse_scaled("1", 4).value() == 10000);
  BOOST_TEST(ecom::money::parse_scaled("0.00005", 4).value() == 1);
  BOOST_TEST(!ecom::money::parse_scaled("x", 4).has_value());
  BOOST_TEST(!ecom::money::parse_scaled("1.", 4).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(order_number)

BOOST_AUTO_TEST_CASE(has_the_documented_shape_and_utc_date) {
  std::string n = make_order_number(1733067000);  // 2024-12-01T15:30:00Z
  BOOST_TEST_REQUIRE(n.size() == 19u, n);
  BOOST_TEST(n.substr(0, 13) == "ORD-20241201-");
  for (size_t i = 13; i < n.size(); ++i) BOOST_TEST(std::isdigit(static_cast<unsigned char>(n[i])) != 0, n);
}

BOOST_AUTO_TEST_CASE(suffixes_vary) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(make_order_number(1733067000));
  BOOST_TEST(seen.size() > 40u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_id)

BOOST_AUTO_TEST_CASE(accepts_8_to_128_safe_characters) {
  BOOST_TEST(ecom::cart::valid_session_id("abcdefgh"));
  BOOST_TEST(ecom::cart::valid_session_id("550e8400-e29b-41d4-a716-446655440000"));
  BOOST_TEST(ecom::cart::valid_session_id(std::string(128, 'x')));
}

BOOST_AUTO_TEST_CASE(rejects_short_long_and_unsafe) {
  for (const std::string& s : {std::string("abcdefg"), std::string(129, 'x'), std::string("abc def gh"),
                               std::string("abcdefgh;"), std::string("abcd'efgh"), std::string("abcdéfgh")})
    BOOST_TEST(!ecom::cart::valid_session_id(s), s);
}

BOOST_AUTO_TEST_SUITE_END()
