#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "common/money.h"

namespace m = ecom::money;

BOOST_AUTO_TEST_SUITE(money)

BOOST_AUTO_TEST_CASE(parses_mariadb_decimals) {
  BOOST_TEST(m::parse("299.99").value_or(-1) == 29999);
  BOOST_TEST(m::parse("10").value_or(-1) == 1000);
  BOOST_TEST(m::parse("76.5").value_or(-1) == 7650);
  BOOST_TEST(m::parse("0.1500").value_or(-1) == 15);
  BOOST_TEST(m::parse("0").value_or(-1) == 0);
  BOOST_TEST(m::parse("0.05").value_or(-1) == 5);
  BOOST_TEST(m::parse(".5").value_or(-1) == 50);
}

BOOST_AUTO_TEST_CASE(parses_negative_amounts) {
  BOOST_TEST(m::parse("-0.5").value_or(1) == -50);
  BOOST_TEST(m::parse("-10").value_or(1) == -1000);
  BOOST_TEST(m::parse("-299.99").value_or(1) == -29999);
}

BOOST_AUTO_TEST_CASE(rounds_extra_decimals_half_away_from_zero) {
  BOOST_TEST(m::parse("0.175").value_or(-1) == 18);
  BOOST_TEST(m::parse("0.1749").value_or(-1) == 17);
  BOOST_TEST(m::parse("0.1575").value_or(-1) == 16);
  BOOST_TEST(m::parse("0.9950").value_or(-1) == 100);
  BOOST_TEST(m::parse("-0.175").value_or(1) == -18);
  BOOST_TEST(m::parse("-0.174").value_or(1) == -17);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_amounts) {
  for (const char* s : {"", "-", ".", "5.", "abc", "1.2.3", "+1", " 1", "1 ", "1e3", "1,5", "--1", "0x10"})
    BOOST_TEST(!m::parse(s).has_value(), "parse(\"" << s << "\") should fail");
}

BOOST_AUTO_TEST_CASE(rejects_amounts_that_would_overflow) {
  BOOST_TEST(!m::parse("99999999999999999999").has_value());
  BOOST_TEST(!m::parse("9223372036854775807").has_value());
  BOOST_TEST(m::parse("1000000000000").value_or(-1) == 100000000000000);
}

BOOST_AUTO_TEST_CASE(parse_scaled_keeps_its_range_and_never_overflows) {
  BOOST_TEST(m::parse_scaled("9000000000000.5", 4).value_or(-1) == 90'000'000'000'005'000);
  BOOST_TEST(!m::parse_scaled("90000000000000", 4).has_value());
  BOOST_TEST(m::parse_scaled("9000000000.123456789", 9).value_or(-1) == 9'000'000'000'123'456'789);
  BOOST_TEST(!m::parse_scaled("90000000000", 9).has_value());  // 9 × 10^19 units: beyond int64
  BOOST_TEST(!m::parse_scaled("1", 10).has_value());
}

BOOST_AUTO_TEST_CASE(formats_with_at_most_two_decimals) {
  BOOST_TEST(m::format(25499) == "254.99");
  BOOST_TEST(m::format(1000) == "10");
  BOOST_TEST(m::format(7650) == "76.5");
  BOOST_TEST(m::format(0) == "0");
  BOOST_TEST(m::format(5) == "0.05");
  BOOST_TEST(m::format(50) == "0.5");
  BOOST_TEST(m::format(101) == "1.01");
  BOOST_TEST(m::format(110) == "1.1");
}

BOOST_AUTO_TEST_CASE(formats_negative_amounts) {
  BOOST_TEST(m::format(-5) == "-0.05");
  BOOST_TEST(m::format(-1000) == "-10");
  BOOST_TEST(m::format(-25499) == "-254.99");
  BOOST_TEST(m::format(std::numeric_limits<int64_t>::min()) == "-92233720368547758.08");
}

BOOST_AUTO_TEST_CASE(format_and_parse_round_trip) {
  for (m::Cents c : {0LL, 1LL, 9LL, 10LL, 99LL, 100LL, 12345LL, -1LL, -12345LL, 100000000LL})
    BOOST_TEST(m::parse(m::format(c)).value_or(-999999) == c);
}

BOOST_AUTO_TEST_CASE(tax_on_1_05_at_15_percent_is_0_16) {
  m::Cents subtotal = 3 * 35;  // 3 × 0.35
  BOOST_TEST(subtotal == 105);
  // 1.05 × 0.15 = 0.1575 → 0.16
  BOOST_TEST(m::apply_rate(subtotal, 1500, 4) == 16);
  BOOST_TEST(m::apply_rate(subtotal, 15, 2) == 16);
}

BOOST_AUTO_TEST_CASE(rounds_half_away_from_zero) {
  // 0.35 × 0.5 = 0.175 → 0.18
  BOOST_TEST(m::apply_rate(35, 5, 1) == 18);
  BOOST_TEST(m::apply_rate(-35, 5, 1) == -18);
  BOOST_TEST(m::apply_rate(35, -5, 1) == -18);
  // 0.25 × 0.5 = 0.125 → 0.13 (not banker's 0.12)
  BOOST_TEST(m::apply_rate(25, 5, 1) == 13);
  BOOST_TEST(m::apply_rate(-25, 5, 1) == -13);
  // just below half rounds down
  BOOST_TEST(m::apply_rate(1, 4999, 4) == 0);
  BOOST_TEST(m::apply_rate(1, 5000, 4) == 1);
  BOOST_TEST(m::apply_rate(-1, 4999, 4) == 0);
}

BOOST_AUTO_TEST_CASE(apply_rate_matches_header_example) {
  // round(509.98 × 0.15) = 76.497 → 76.50
  BOOST_TEST(m::apply_rate(50998, 1500, 4) == 7650);
  BOOST_TEST(m::apply_rate(50998, 0, 4) == 0);
  BOOST_TEST(m::apply_rate(50998, 1, 0) == 50998);
}

BOOST_AUTO_TEST_CASE(apply_rate_does_not_overflow_on_large_products) {
  // 10^15 cents × 0.9999 needs more than 64 bits in the intermediate product.
  BOOST_TEST(m::apply_rate(1'000'000'000'000'000LL, 9999, 4) == 999'900'000'000'000LL);
}

BOOST_AUTO_TEST_CASE(format_wide_prints_amounts_beyond_64_bits) {
  BOOST_TEST(m::format_wide(m::times(m::kMaxAmount, 10'000'000)) == "99999999999900000");
  BOOST_TEST(m::format_wide(m::times(m::kMaxAmount, 2)) == "19999999999.98");
  BOOST_TEST(m::format_wide(m::times(std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max())) ==
             "850705917302346158473969077842325012.49");
  BOOST_TEST(m::format_wide(-m::times(m::kMaxAmount, 3)) == "-29999999999.97");
  BOOST_TEST(m::format(std::numeric_limits<int64_t>::min()) == "-92233720368547758.08");
  BOOST_TEST(m::format(m::kMaxAmount) == "9999999999.99");
}

namespace {
// parse_units(text), "out" left at -1 unless it succeeds.
m::UnitsCheck units_of(const std::string& text, int decimals, int64_t max, int64_t& out) {
  return m::parse_units(text, decimals, max, out);
}
}  // namespace

BOOST_AUTO_TEST_CASE(parse_units_accepts_amounts_with_two_decimals_in_any_spelling) {
  struct Case {
    const char* text;
    int64_t cents;
  };
  for (Case c : {Case{"19.99", 1999}, Case{"19.990", 1999}, Case{"1.999e1", 1999}, Case{"1999e-2", 1999},
                 Case{"1e2", 10000}, Case{"1E+2", 10000}, Case{"0", 0}, Case{"-0", 0}, Case{"-0.0", 0},
                 Case{"0.000e99999999999", 0}, Case{"0.01", 1}, Case{"1.", 100}, Case{"007.50", 750},
                 Case{"9999999999.99", m::kMaxAmount}, Case{"1234567.89", 123456789}, Case{"0.07", 7}}) {
    int64_t out = -1;
    BOOST_TEST((units_of(c.text, 2, m::kMaxAmount, out) == m::UnitsCheck::kOk), c.text);
    BOOST_TEST(out == c.cents, c.text);
  }
  int64_t out = -1;
  BOOST_TEST((units_of("0.0825", 4, 10000, out) == m::UnitsCheck::kOk));
  BOOST_TEST(out == 825);
  BOOST_TEST((units_of("42", 0, 100, out) == m::UnitsCheck::kOk));
  BOOST_TEST(out == 42);
}

BOOST_AUTO_TEST_CASE(parse_units_accepts_what_binary_floating_point_makes_of_such_amounts) {
  // The shortest round-trip texts of 0.1 + 0.2, 1.1 + 2.2, 0.29 * 3 and of the double nearest 1.15.
  struct Case {
    const char* text;
    int64_t cents;
  };
  for (Case c : {Case{"0.30000000000000004", 30}, Case{"3.3000000000000003", 330}, Case{"0.8699999999999999", 87},
                 Case{"1.1499999999999999", 115}, Case{"19.989999999999998", 1999}}) {
    int64_t out = -1;
    BOOST_TEST((units_of(c.text, 2, m::kMaxAmount, out) == m::UnitsCheck::kOk), c.text);
    BOOST_TEST(out == c.cents, c.text);
  }
}

BOOST_AUTO_TEST_CASE(parse_units_tolerance_is_exactly_ten_to_the_minus_14_of_the_amount) {
  // One cent: a distance of 10^-14 cents is accepted, anything beyond it refused.
  int64_t out = -1;
  BOOST_TEST((units_of("0.0100000000000001", 2, m::kMaxAmount, out) == m::UnitsCheck::kOk));
  BOOST_TEST(out == 1);
  out = -1;
  BOOST_TEST((units_of("0.0099999999999999", 2, m::kMaxAmount, out) == m::UnitsCheck::kOk));
  BOOST_TEST(out == 1);
  BOOST_TEST((units_of("0.01000000000000011", 2, m::kMaxAmount, out) == m::UnitsCheck::kTooManyDecimals));
  BOOST_TEST((units_of("0.00999999999999989", 2, m::kMaxAmount, out) == m::UnitsCheck::kTooManyDecimals));
}

BOOST_AUTO_TEST_CASE(parse_units_refuses_extra_decimals_instead_of_rounding) {
  for (const char* text : {"19.999", "19.99999", "19.9999999", "19.99000001", "19.9900000001", "1234567.891", "0.001",
                           "0.015", "0.005", "9999999999.989", "9999999999.995", "99999999.985", "1e-300", "5e-324", "1e-99999999999"}) {
    int64_t out = -1;
    BOOST_TEST((units_of(text, 2, m::kMaxAmount, out) == m::UnitsCheck::kTooManyDecimals), text);
    BOOST_TEST(out == -1, text);
  }
  int64_t out = -1;
  BOOST_TEST((units_of("0.12345", 4, 10000, out) == m::UnitsCheck::kTooManyDecimals));
  BOOST_TEST((units_of("0.15000001", 4, 10000, out) == m::UnitsCheck::kTooManyDecimals));
  BOOST_TEST((units_of("1.5", 0, 100, out) == m::UnitsCheck::kTooManyDecimals));
  BOOST_TEST(out == -1);
}

BOOST_AUTO_TEST_CASE(parse_units_bounds_without_converting) {
  int64_t out = -1;
  for (const char* text : {"1e10", "10000000000", "10000000000.00", "1e11", "10000000000.01",
                           "9999999999.999", "1e19", "9.3e18", "1e300", "1e400", "1e99999999999",
                           "1.7976931348623157e308", "123456789012345678901234567890"})
    BOOST_TEST((units_of(text, 2, m::kMaxAmount, out) == m::UnitsCheck::kTooLarge), text);
  BOOST_TEST((units_of("1.0001", 4, 10000, out) == m::UnitsCheck::kTooLarge));
  BOOST_TEST((units_of("101", 0, 100, out) == m::UnitsCheck::kTooLarge));
  BOOST_TEST(out == -1);
}

BOOST_AUTO_TEST_CASE(parse_units_refuses_negative_values_but_zero) {
  int64_t out = -1;
  for (const char* text : {"-0.01", "-1", "-1e300", "-1e400", "-1e-400", "-.5", "-0.0000000000000000001"})
    BOOST_TEST((units_of(text, 2, m::kMaxAmount, out) == m::UnitsCheck::kNegative), text);
  BOOST_TEST(out == -1);
}

BOOST_AUTO_TEST_CASE(parse_units_refuses_text_that_is_no_number) {
  int64_t out = -1;
  for (const char* text : {"", "-", ".", "-.", "abc", "1e", "1e+", "1.5.3", "+1", "1-2", "0x10", " 1", "1 ", "NaN",
                           "Infinity", "1,5", "1e5e"})
    BOOST_TEST((units_of(text, 2, m::kMaxAmount, out) == m::UnitsCheck::kNotANumber), text);
  BOOST_TEST(out == -1);
}

BOOST_AUTO_TEST_CASE(is_plain_decimal_accepts_non_negative_decimals) {
  BOOST_TEST(m::is_plain_decimal("10", 2));
  BOOST_TEST(m::is_plain_decimal("10.5", 2));
  BOOST_TEST(m::is_plain_decimal("0.25", 2));
  BOOST_TEST(m::is_plain_decimal("0", 2));
  BOOST_TEST(m::is_plain_decimal("007.10", 2));
  BOOST_TEST(m::is_plain_decimal("10", 0));
}

BOOST_AUTO_TEST_CASE(is_plain_decimal_rejects_signs_exponents_and_extra_places) {
  for (const char* s : {"", "-1", "+1", "1e3", "1.", ".5", "1.234", " 1", "1 ", "1,5", "abc", "1.2.3", "0x1"})
    BOOST_TEST(!m::is_plain_decimal(s, 2), "is_plain_decimal(\"" << s << "\", 2) should be false");
  BOOST_TEST(!m::is_plain_decimal("10.5", 0));
  BOOST_TEST(!m::is_plain_decimal("123456789012345678901", 2));  // > 20 chars
}

BOOST_AUTO_TEST_SUITE_END()
