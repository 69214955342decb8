// Store slugs (CONTRACT §2): 3–63 chars, ^[a-z0-9]+(-[a-z0-9]+)*$, not reserved.
#pragma once

#include <string>
#include <string_view>

namespace ecom::tenancy {

// True when `slug` is acceptable; otherwise `why` (if given) says what is wrong.
bool valid_slug(std::string_view slug, std::string* why = nullptr);

}  // namespace ecom::tenancy
