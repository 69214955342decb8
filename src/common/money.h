// Exact money: amounts are integer cents (int64). Rounding is half away from zero.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::money {

using Cents = int64_t;

// The most a DECIMAL(12,2) column holds — every amount of an order (subtotal, tax, shipping,
// total, line subtotals) and every price: 9,999,999,999.99.
inline constexpr Cents kMaxAmount = 999'999'999'999;

// Cents that may need more than 64 bits: price × quantity and sums of such products in a cart
// (a price up to kMaxAmount times a quantity up to 2^31 already exceeds int64).
using WideCents = __int128;

// price × quantity, exact for any int64 operands.
inline WideCents times(Cents price, int64_t quantity) { return static_cast<WideCents>(price) * quantity; }

// Parses a DECIMAL as MariaDB prints it ("299.99", "10", "-0.5", "0.1500").
// Digits beyond the second decimal are rounded half away from zero.
std::optional<Cents> parse(std::string_view s);

// Parses a non-negative or negative decimal into units of 1/10^scale, rounding
// further digits half away from zero: parse_scaled("0.1500", 4) = 1500.
std::optional<int64_t> parse_scaled(std::string_view s, int scale);

// Formats cents as a JSON number with at most two decimals: 25499 → "254.99",
// 1000 → "10", 7650 → "76.5".
std::string format(Cents c);
// The same for amounts that may exceed 64 bits.
std::string format_wide(WideCents c);

// round2(amount × rate) where rate is a decimal fraction given in units of 1/10^scale.
// e.g. apply_rate(50998, 1500, 4) = round(509.98 × 0.15) = 76.50 → 7650.
Cents apply_rate(Cents amount, int64_t rate, int scale);

// A JSON number literal, as it stood in the request body ("19.99", "1.999e1", "-0"; also the
// "1.", "-.5" and "007" cJSON accepts), as an exact count of 1/10^decimals units (cents when
// decimals = 2), read from its digits: no double is involved. Accepted when it is a value with
// at most `decimals` decimals: "19.99", "19.990", "1.999e1", or what a client computing in
// binary floating point sends for one ("0.30000000000000004" for 0.1 + 0.2, "1.1499999999999999"
// for 1.15: within 10^-14 of the amount, relative, far below any real extra decimal).
// "19.999", "19.99000001", "0.001", "1e-300" are refused (kTooManyDecimals), never rounded;
// any negative value but zero is kNegative; "1e400" is kTooLarge; text that is no number is
// kNotANumber. `decimals` is 0..18.
enum class UnitsCheck { kOk, kNotANumber, kNegative, kTooManyDecimals, kTooLarge };
UnitsCheck parse_units(std::string_view literal, int decimals, int64_t max_units, int64_t& out);

// True when s is a non-negative decimal with at most `max_decimals` places
// (no sign, no exponent): "10", "10.5", "0.25".
bool is_plain_decimal(std::string_view s, int max_decimals);

}  // namespace ecom::money
