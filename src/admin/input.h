// Typed readers for the admin API's JSON fields (money, fractions, lists,
// attribute objects), adding to the request's Validator.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/money.h"
#include "http/json_reader.h"

namespace ecom::admin {

// A JSON number ≥ 0 with at most `decimals` decimals, at most `max_units` in units of
// 1/10^decimals (e.g. cents when decimals = 2), read exactly from its text in the body
// (money::parse_units); more decimals are refused, never rounded. The tree must come from
// http::parse_json_body (which keeps each number's text).
std::optional<int64_t> read_decimal(http::ObjectReader& r, Validator& v, const char* name, bool required, int decimals,
                                    int64_t max_units);
// A string of 1..max characters (trimmed).
std::optional<std::string> read_text(http::ObjectReader& r, Validator& v, const char* name, bool required,
                                     size_t max_chars, bool allow_empty = false);
// An array of http(s) URLs.
std::optional<std::vector<std::string>> read_urls(http::ObjectReader& r, Validator& v, const char* name);
// An array of UUIDs (normalised, de-duplicated).
std::optional<std::vector<std::string>> read_uuids(http::ObjectReader& r, Validator& v, const char* name);
// An object whose values are strings, numbers or booleans; returned serialised.
std::optional<std::string> read_flat_object(http::ObjectReader& r, Validator& v, const char* name);
// Any JSON object (theme, seo); returned serialised.
std::optional<std::string> read_object_json(http::ObjectReader& r, Validator& v, const char* name);

// Formats units of 1/10^decimals as a DECIMAL literal ("0.1500" for 1500, 4).
std::string format_scaled(int64_t units, int decimals);

}  // namespace ecom::admin
