// IP addresses and CIDR ranges, IPv4 and IPv6: the trusted-proxy list
// (server.trusted_proxies) and the keys of per-address limits. Text in,
// normalised values out; no name resolution.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::net {

struct Address {
  int family = 0;  // 4 or 6; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is 4
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4
  bool operator==(const Address&) const = default;
};

// "192.0.2.1", "2001:db8::1", also with a port ("192.0.2.1:443", "[2001:db8::1]:443") as some
// proxies write them. nullopt for anything else.
std::optional<Address> parse_address(std::string_view text);

// The canonical text ("2001:db8::1", "192.0.2.1").
std::string to_string(const Address& a);

struct Cidr {
  Address base;  // host bits cleared
  int prefix = 0;
  bool contains(const Address& a) const;
};

// "10.0.0.0/8", "2001:db8::/32", or a single address (/32, /128).
std::optional<Cidr> parse_cidr(std::string_view text);

// Entries separated by commas and/or blanks; an empty list is valid. On a bad entry returns
// nullopt and puts the entry in *bad.
std::optional<std::vector<Cidr>> parse_cidr_list(std::string_view text, std::string* bad = nullptr);

bool contains_any(const std::vector<Cidr>& list, const Address& a);

// What per-address limits count by: an IPv4 address as is, an IPv6 address by its /64
// ("2001:db8:1:2::/64"), the block one subscriber usually holds.
std::string limit_key(const Address& a);

}  // namespace ecom::net
