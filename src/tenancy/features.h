// Feature codes and limits (CONTRACT §4). Codes are snake_case internally and in
// /public/tenant-config; /api/features shows them in camelCase.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::tenancy {

inline constexpr std::array<const char*, 6> kFeatures = {"catalog", "cart", "checkout", "guest_checkout",
                                                         "categories", "push"};
inline constexpr std::array<const char*, 2> kLimits = {"maxCartItems", "maxProductsPerOrder"};

std::string snake_to_camel(std::string_view s);
// camelCase → the known snake_case code, or nullopt when it is not a feature.
std::optional<std::string> feature_from_camel(std::string_view camel);
bool known_limit(std::string_view name);

}  // namespace ecom::tenancy
