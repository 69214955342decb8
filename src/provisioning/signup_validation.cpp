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

bool valid_email(const std::string& e) {
  if (e.size() < 3 || e.size() > 254) return false;
  size_t at = e.find('@');
  if (at == std::string::npos || at == 0 || at != e.rfind('@') || at > 64) return false;
  std::string_view local(e.data(), at), domain(e.data() + at + 1, e.size() - at - 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return false;
  for (char c : local)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '(' || c == ')' || c == '<' || c == '>' || c == ',' ||
        c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']')
      return false;
  for (char c : domain)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80))
      return false;
  return true;
}

}  // namespace ecom::provisioning
