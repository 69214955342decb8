#include "common/money.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace ecom::money {

std::optional<Cents> parse(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-') { neg = true; i = 1; }
  int64_t whole = 0;
  size_t digits = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    if (whole > 90'000'000'000'000'000 / 10 / 100) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    ++digits;
  }
  int64_t frac = 0;
  int fdigits = 0;
  bool round_up = false;
  if (i < s.size()) {
    ++i;  // '.'
    if (i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      if (fdigits < 2) {
        frac = frac * 10 + (s[i] - '0');
      } else if (fdigits == 2) {
        round_up = s[i] >= '5';
      }
      ++fdigits;
    }
  }
  if (digits == 0 && fdigits == 0) return std::nullopt;
  if (fdigits == 1) frac *= 10;
  Cents c = whole * 100 + frac + (round_up ? 1 : 0);
  return neg ? -c : c;
}

std::optional<int64_t> parse_scaled(std::string_view s, int scale) {
  if (s.empty() || scale < 0 || scale > 9) return std::nullopt;
  bool neg = s[0] == '-';
  size_t i = neg ? 1 : 0;
  int64_t whole = 0;
  size_t digits = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9' || whole > 900'000'000'000) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    ++digits;
  }
  int64_t frac = 0;
  int fd = 0;
  bool up = false;
  if (i < s.size()) {
    if (++i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      if (fd < scale) frac = frac * 10 + (s[i] - '0');
      else if (fd == scale) up = s[i] >= '5';
      ++fd;
    }
  }
  if (digits == 0 && fd == 0) return std::nullopt;
  for (int k = fd; k < scale; ++k) frac *= 10;
  int64_t unit = 1;
  for (int k = 0; k < scale; ++k) unit *= 10;
  int64_t v = whole * unit + frac + (up ? 1 : 0);
  return neg ? -v : v;
}

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

Cents final_price(Cents price, int64_t discount_hundredths) {
  return apply_rate(price, 100 - discount_hundredths, 2);
}

UnitsCheck to_units(double value, int decimals, int64_t max_units, int64_t& out) {
  if (!std::isfinite(value)) return UnitsCheck::kNotANumber;
  if (value < 0) return UnitsCheck::kNegative;
  double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;  // exact for the few decimals used
  double scaled = value * scale;
  // Range first: only a value known to fit is converted to an integer.
  if (scaled > static_cast<double>(max_units) + 0.5) return UnitsCheck::kTooLarge;
  double units = std::nearbyint(scaled);
  // A value meant as `units` lies within a few ulps of it (the parse of its decimal text, the
  // multiplication above, a client's own float arithmetic): 10^-14 relative is ~45 ulps, while
  // a real extra decimal is at least 10^-(digits) away — 0.1 unit for a third decimal, which
  // stays above the tolerance up to 10^13 units.
  if (std::fabs(scaled - units) > units * 1e-14) return UnitsCheck::kTooManyDecimals;
  if (units > static_cast<double>(max_units)) return UnitsCheck::kTooLarge;
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
