#include "tenancy/slug.h"

#include <array>

namespace ecom::tenancy {

bool valid_slug(std::string_view s, std::string* why) {
  auto fail = [&](const char* m) {
    if (why) *why = m;
    return false;
  };
  if (s.size() < 3 || s.size() > 63) return fail("Slug must be 3-63 characters long.");
  bool prev_hyphen = true;  // forbids a leading hyphen
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '-') {
      if (prev_hyphen) return fail("Slug must be lowercase alphanumeric with hyphens only");
      prev_hyphen = true;
    } else if (alnum) {
      prev_hyphen = false;
    } else {
      return fail("Slug must be lowercase alphanumeric with hyphens only");
    }
  }
  if (prev_hyphen) return fail("Slug must be lowercase alphanumeric with hyphens only");
  static constexpr std::array<std::string_view, 8> kReserved = {"admin",  "api",       "www",        "health",
                                                                "public", "provision", "superadmin", "status"};
  for (auto r : kReserved)
    if (s == r) return fail("This slug is reserved.");
  return true;
}

}  // namespace ecom::tenancy
