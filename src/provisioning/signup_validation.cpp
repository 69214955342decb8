#include "provisioning/signup_validation.h"

#include "common/strings.h"
#include "tenancy/slug.h"

namespace ecom::provisioning {

std::optional<std::string> check_slug(const std::optional<std::string>& slug, const char* field, Validator& v) {
  if (!slug) return std::nullopt;
  std::string why;
  if (!tenancy::valid_slug(*slug, &why)) {
    v.add(field, why);
    return std::nullopt;
  }
  return slug;
}

std::optional<std::string> check_name(const std::optional<std::string>& name, Validator& v) {
  if (!name) return std::nullopt;
  std::string_view t = trim(*name);
  if (t.empty() || utf8_length(t) > 200) {
    v.add("name", "Name must be 1-200 characters.");
    return std::nullopt;
  }
  return std::string(t);
}

}  // namespace ecom::provisioning
