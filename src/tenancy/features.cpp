#include "tenancy/features.h"

namespace ecom::tenancy {

std::string snake_to_camel(std::string_view s) {
  std::string out;
  bool up = false;
  for (char c : s) {
    if (c == '_') {
      up = true;
    } else {
      out.push_back(up ? static_cast<char>(c - 'a' + 'A') : c);
      up = false;
    }
  }
  return out;
}

std::optional<std::string> feature_from_camel(std::string_view camel) {
  for (const char* f : kFeatures)
    if (snake_to_camel(f) == camel) return std::string(f);
  return std::nullopt;
}

bool known_limit(std::string_view name) {
  for (const char* l : kLimits)
    if (name == l) return true;
  return false;
}

}  // namespace ecom::tenancy
