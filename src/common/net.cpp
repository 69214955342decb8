#include "common/net.h"

#include <arpa/inet.h>

#include <cstring>

#include "common/strings.h"

namespace ecom::net {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::optional<Address> parse_plain(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  Address a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = 4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    if (std::memcmp(a.bytes.data(), kMappedPrefix, 12) == 0) {
      std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
      std::memset(a.bytes.data() + 4, 0, 12);
      a.family = 4;
    } else {
      a.family = 6;
    }
    return a;
  }
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::optional<Address> parse_address(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '[') {  // [v6] or [v6]:port
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && all_digits(rest.substr(1)))) return std::nullopt;
    auto a = parse_plain(text.substr(1, close - 1));
    return a && a->family == 6 ? a : std::nullopt;
  }
  if (auto a = parse_plain(text)) return a;
  size_t colon = text.find(':');  // a.b.c.d:port (one colon only: more is IPv6, handled above)
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos &&
      all_digits(text.substr(colon + 1))) {
    auto a = parse_plain(text.substr(0, colon));
    if (a && a->family == 4) return a;
  }
  return std::nullopt;
}

std::string to_string(const Address& a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.bytes.data(), buf, sizeof buf);
  return buf;
}

bool Cidr::contains(const Address& a) const {
  if (a.family != base.family) return false;
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.bytes.data(), base.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[static_cast<size_t>(full)] & mask) == base.bytes[static_cast<size_t>(full)];
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  text = trim(text);
  size_t slash = text.find('/');
  auto a = parse_plain(text.substr(0, slash));
  if (!a) return std::nullopt;
  int max = a->family == 4 ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    auto n = all_digits(p) ? parse_int(p) : std::nullopt;
    if (!n || *n > max) return std::nullopt;  // IPv4 ranges are written in IPv4 notation
    prefix = static_cast<int>(*n);
  }
  Cidr c{*a, prefix};
  for (int bit = prefix; bit < 128; ++bit)
    c.base.bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  return c;
}

std::optional<std::vector<Cidr>> parse_cidr_list(std::string_view text, std::string* bad) {
  std::vector<Cidr> out;
  std::string token;
  auto flush = [&]() -> bool {
    if (token.empty()) return true;
    auto c = parse_cidr(token);
    if (!c) {
      if (bad) *bad = token;
      return false;
    }
    out.push_back(*c);
    token.clear();
    return true;
  };
  for (char ch : text) {
    if (ch == ',' || ch == ' ' || ch == '\t') {
      if (!flush()) return std::nullopt;
    } else {
      token.push_back(ch);
    }
  }
  if (!flush()) return std::nullopt;
  return out;
}

bool contains_any(const std::vector<Cidr>& list, const Address& a) {
  for (const auto& c : list)
    if (c.contains(a)) return true;
  return false;
}

std::string limit_key(const Address& a) {
  if (a.family == 4) return to_string(a);
  Address block = a;
  std::memset(block.bytes.data() + 8, 0, 8);
  return to_string(block) + "/64";
}

}  // namespace ecom::net
