#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "admin/input.h"
#include "common/error.h"
#include "common/money.h"
#include "http/json_reader.h"

using ecom::Validator;
using ecom::admin::read_decimal;
using ecom::http::ObjectReader;
using ecom::http::parse_json_body;

namespace {

struct Read {
  std::optional<int64_t> units;
  std::string error;  // the field's one message, "" when none
};

// read_decimal of the field "price" in `body` ({"price": <value>} unless it is a whole object).
Read read_price(const std::string& value, int decimals = 2, int64_t max = ecom::money::kMaxAmount,
                bool required = true) {
  auto root = parse_json_body(value.empty() || value[0] != '{' ? "{\"price\": " + value + "}" : value);
  Validator v;
  ObjectReader r(root.get(), v);
  Read out{read_decimal(r, v, "price", required, decimals, max), ""};
  if (v.errors().count("price")) out.error = v.errors().at("price").front();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(admin_input)

BOOST_AUTO_TEST_CASE(read_decimal_reads_amounts_from_their_text) {
  struct Case {
    const char* text;
    int64_t cents;
  };
  for (Case c : {Case{"19.99", 1999}, Case{"19.990", 1999}, Case{"1.999e1", 1999}, Case{"1e2", 10000},
                 Case{"0.30000000000000004", 30}, Case{"1.1499999999999999", 115}, Case{"-0", 0}, Case{"0", 0},
                 Case{"9999999999.99", ecom::money::kMaxAmount}}) {
    Read got = read_price(c.text);
    BOOST_TEST(got.units.value_or(-1) == c.cents, c.text);
    BOOST_TEST(got.error == "", c.text);
  }
  Read rate = read_price("0.0825", 4, 10000);
  BOOST_TEST(rate.units.value_or(-1) == 825);
}

BOOST_AUTO_TEST_CASE(read_decimal_messages) {
  const std::string decimals = "price must have at most 2 decimal places (it is refused, not rounded).";
  const std::string negative = "price must be a non-negative number.";
  const std::string too_large = "price must be at most 9999999999.99.";
  struct Case {
    const char* text;
    const std::string& message;
  };
  for (Case c : {Case{"19.999", decimals}, Case{"19.99000001", decimals}, Case{"0.001", decimals},
                 Case{"1e-300", decimals}, Case{"9999999999.989", decimals}, Case{"-1", negative},
                 Case{"-0.01", negative}, Case{"-1e400", negative}, Case{"\"10\"", negative},
                 Case{"true", negative}, Case{"[10]", negative}, Case{"10000000000", too_large},
                 Case{"1e11", too_large}, Case{"1e400", too_large}, Case{"9999999999.999", too_large}}) {
    Read got = read_price(c.text);
    BOOST_TEST(!got.units.has_value(), c.text);
    BOOST_TEST(got.error == c.message, c.text);
  }
  BOOST_TEST(read_price("0.12345", 4, 10000).error ==
             "price must have at most 4 decimal places (it is refused, not rounded).");
  BOOST_TEST(read_price("1.0001", 4, 10000).error == "price must be at most 1.0000.");
}

BOOST_AUTO_TEST_CASE(read_decimal_missing_or_null) {
  BOOST_TEST(read_price("{}").error == "The price field is required.");
  BOOST_TEST(read_price("null").error == "The price field is required.");
  Read optional = read_price("{}", 2, ecom::money::kMaxAmount, false);
  BOOST_TEST(!optional.units.has_value());
  BOOST_TEST(optional.error == "");
}

BOOST_AUTO_TEST_CASE(read_decimal_reads_numbers_next_to_others) {
  // Each field gets its own literal, whatever stands before it in the body.
  auto root = parse_json_body(R"({"name":"Shoe 19.999","tags":[1,2.5],"price":19.99,"meta":{"x":-3},"discount":0.15})");
  Validator v;
  ObjectReader r(root.get(), v);
  BOOST_TEST(read_decimal(r, v, "price", true, 2, ecom::money::kMaxAmount).value_or(-1) == 1999);
  BOOST_TEST(read_decimal(r, v, "discount", false, 2, 100).value_or(-1) == 15);
  BOOST_TEST(v.ok());
}

BOOST_AUTO_TEST_SUITE_END()
