#include "common/money.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace ecom::money {

namespace {

// A decimal ("299.99", "-0.5", "0.1500", ".5") in units of 1/10^scale, further digits rounded half
// away from zero; nullopt when malformed, or when the whole part grows past `whole_limit` before
// its last digit (and never so far that the units overflow).
std::optional<int64_t> parse_rounded(std::string_view s, int scale, int64_t whole_limit) {
  if (s.empty() || scale < 0 || scale > 9) return std::nullopt;
  int64_t unit = 1;
  for (int k = 0; k < scale; ++k) unit *= 10;
  whole_limit = std::min(whole_limit, (std::numeric_limits<int64_t>::max() / unit - 10) / 10);
  bool neg = s[0] == '-';
  size_t i = neg ? 1 : 0;
  int64_t whole = 0;
  size_t digits = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9' || whole > whole_limit) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    ++digits;
  }
  int64_t frac = 0;
  int fd = 0;
  bool up = false;
  if (i < s.size()) {
    if (++i == s.size()) return std::nullopt;  // "5."
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      if (fd < scale) frac = frac * 10 + (s[i] - '0');
      else if (fd == scale) up = s[i] >= '5';
      ++fd;
    }
  }
  if (digits == 0 && fd == 0) return std::nullopt;
  for (int k = fd; k < scale; ++k) frac *= 10;
  int64_t v = whole * unit + frac + (up ? 1 : 0);
  return neg ? -v : v;
}

}  // namespace

std::optional<Cents> parse(std::string_view s) { return parse_rounded(s, 2, 90'000'000'000'000'000 / 10 / 100); }

std::optional<int64_t> parse_scaled(std::string_view s, int scale) { return parse_rounded(s, scale, 900'000'000'000); }

namespace {

// ".5", ".05", ".55" or nothing: the shortest exact decimals of a cent amount's fraction.
void append_cents_fraction(std::string& out, unsigned frac) {
  if (frac == 0) return;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + frac / 10));
  if (frac % 10 != 0) out.push_back(static_cast<char>('0' + frac % 10));
}

}  // namespace

std::string format(Cents c) {
  std::string out;
  uint64_t a = c < 0 ? static_cast<uint64_t>(-(c + 1)) + 1 : static_cast<uint64_t>(c);
  if (c < 0) out.push_back('-');
  out += std::to_string(a / 100);
  append_cents_fraction(out, static_cast<unsigned>(a % 100));
  return out;
}

std::string format_wide(WideCents c) {
  if (c >= std::numeric_limits<Cents>::min() && c <= std::numeric_limits<Cents>::max())
    return format(static_cast<Cents>(c));
  // Beyond 64 bits: the magnitude's digits one by one (also for the most negative value).
  unsigned __int128 a = c < 0 ? static_cast<unsigned __int128>(-(c + 1)) + 1 : static_cast<unsigned __int128>(c);
  std::string digits;
  for (unsigned __int128 w = a / 100; w != 0; w /= 10) digits.push_back(static_cast<char>('0' + static_cast<int>(w % 10)));
  std::string out = c < 0 ? "-" : "";
  out.append(digits.rbegin(), digits.rend());
  append_cents_fraction(out, static_cast<unsigned>(a % 100));
  return out;
}

Cents apply_rate(Cents amount, int64_t rate, int scale) {
  __int128 prod = static_cast<__int128>(amount) * rate;
  __int128 div = 1;
  for (int k = 0; k < scale; ++k) div *= 10;
  __int128 q = prod / div, r = prod % div;
  if (r < 0) r = -r;
  if (r * 2 >= div) q += (prod < 0 ? -1 : 1);
  return static_cast<Cents>(q);
}

namespace {

// A JSON number literal taken apart: sign, the digits before and after the point, the exponent
// (saturated far beyond any amount, so that "1e99999999999" cannot overflow).
struct Literal {
  bool negative = false;
  std::string_view whole, fraction;
  int64_t exponent = 0;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view take_digits(std::string_view s, size_t& i) {
  size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  return s.substr(start, i - start);
}

std::optional<Literal> split_literal(std::string_view s) {
  Literal l;
  size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    l.negative = true;
    ++i;
  }
  l.whole = take_digits(s, i);
  if (i < s.size() && s[i] == '.') l.fraction = take_digits(s, ++i);
  if (l.whole.empty() && l.fraction.empty()) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    bool negative_exponent = false;
    if (++i < s.size() && (s[i] == '+' || s[i] == '-')) negative_exponent = s[i++] == '-';
    std::string_view digits = take_digits(s, i);
    if (digits.empty()) return std::nullopt;
    for (char c : digits)
      if (l.exponent < 1'000'000'000) l.exponent = l.exponent * 10 + (c - '0');
    if (negative_exponent) l.exponent = -l.exponent;
  }
  if (i != s.size()) return std::nullopt;
  return l;
}

// The literal's value times 10^decimals, digit by digit: at(k) is the digit of 10^k.
class ScaledDigits {
 public:
  ScaledDigits(const Literal& l, int decimals)
      : l_(l), top_(static_cast<int64_t>(l.whole.size()) + l.exponent + decimals) {
    for (size_t i = 0; i < size(); ++i) {
      if (digit(i) == 0) continue;
      if (first_nonzero_ == kNone) first_nonzero_ = i;
      last_nonzero_ = i;
    }
  }

  bool zero() const { return first_nonzero_ == kNone; }
  // The power of ten of the first digit that is not zero (the value is not zero).
  int64_t highest_power() const { return power(first_nonzero_); }
  int at(int64_t k) const {
    int64_t i = top_ - 1 - k;
    return i >= 0 && i < static_cast<int64_t>(size()) ? digit(static_cast<size_t>(i)) : 0;
  }
  // True when a digit below 10^k is not zero.
  bool nonzero_below(int64_t k) const { return !zero() && power(last_nonzero_) < k; }

 private:
  size_t size() const { return l_.whole.size() + l_.fraction.size(); }
  int digit(size_t i) const { return (i < l_.whole.size() ? l_.whole[i] : l_.fraction[i - l_.whole.size()]) - '0'; }
  int64_t power(size_t i) const { return top_ - 1 - static_cast<int64_t>(i); }

  const Literal& l_;
  int64_t top_;  // the power of ten just above the literal's first digit
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t first_nonzero_ = kNone, last_nonzero_ = kNone;
};

// The 14 digits below the units' point as an integer, and whether any digit further down is not
// zero: the fraction of a unit times 10^14, floored, and whether that lost something.
struct Fraction14 {
  uint64_t digits = 0;
  bool tail = false;
};

Fraction14 fraction14(const ScaledDigits& d) {
  Fraction14 f;
  for (int64_t k = -1; k >= -14; --k) f.digits = f.digits * 10 + static_cast<uint64_t>(d.at(k));
  f.tail = d.nonzero_below(-14);
  return f;
}

}  // namespace

UnitsCheck parse_units(std::string_view literal, int decimals, int64_t max_units, int64_t& out) {
  auto l = split_literal(literal);
  if (!l || decimals < 0 || decimals > 18 || max_units < 0) return UnitsCheck::kNotANumber;
  ScaledDigits d(*l, decimals);
  if (d.zero()) {  // "0", "-0", "0.000e5"
    out = 0;
    return UnitsCheck::kOk;
  }
  if (l->negative) return UnitsCheck::kNegative;
  // 10^19 units and more are beyond any int64; below that the whole units fit a uint64.
  if (d.highest_power() >= 19) return UnitsCheck::kTooLarge;
  uint64_t whole = 0;
  for (int64_t k = d.highest_power(); k >= 0; --k) whole = whole * 10 + static_cast<uint64_t>(d.at(k));
  const auto max = static_cast<uint64_t>(max_units);
  const bool half_or_more = d.at(-1) >= 5;
  const bool above_half = d.at(-1) > 5 || (d.at(-1) == 5 && d.nonzero_below(-1));
  // Range first: more than half a unit above the maximum is too large, whatever its decimals.
  if (whole > max || (whole == max && above_half)) return UnitsCheck::kTooLarge;
  const uint64_t units = whole + (half_or_more ? 1 : 0);  // the nearest whole units
  if (d.at(-1) != 0 || d.nonzero_below(-1)) {
    // The distance to `units`, as a fraction of a unit, must be at most units × 10^-14: in
    // units of 10^-14, `distance` is its floor and `tail` says whether it had more.
    Fraction14 f = fraction14(d);
    uint64_t distance = half_or_more ? 100'000'000'000'000 - f.digits - (f.tail ? 1 : 0) : f.digits;
    if (distance > units || (distance == units && f.tail)) return UnitsCheck::kTooManyDecimals;
  }
  if (units > max) return UnitsCheck::kTooLarge;
  out = static_cast<int64_t>(units);
  return UnitsCheck::kOk;
}

bool is_plain_decimal(std::string_view s, int max_decimals) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0, whole = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; ++whole; }
  if (whole == 0) return false;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  ++i;
  int frac = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; ++frac; }
  return i == s.size() && frac >= 1 && frac <= max_decimals;
}

}  // namespace ecom::money
