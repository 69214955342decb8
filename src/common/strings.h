// Small string helpers shared by every module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::vector<std::string> split(std::string_view s, char sep);

// Strict base-10 integer: optional '-', digits only, no overflow. nullopt otherwise.
std::optional<int64_t> parse_int(std::string_view s);

// Percent-decoding for URL components; '+' becomes ' ' when plus_is_space.
// Returns nullopt on a malformed escape.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);

// True when s is well-formed UTF-8 without NUL bytes or overlong forms.
bool valid_utf8(std::string_view s);

// Number of Unicode code points in valid UTF-8.
size_t utf8_length(std::string_view s);

}  // namespace ecom
