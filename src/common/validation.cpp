#include "common/validation.h"

#include <cctype>
#include <string_view>

namespace ecom {

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

bool valid_phone(const std::string& p) {
  if (p.size() < 7 || p.size() > 20) return false;
  int digits = 0;
  for (char c : p) {
    if (c >= '0' && c <= '9') ++digits;
    else if (!(c == ' ' || c == '+' || c == '(' || c == ')' || c == '-')) return false;
  }
  return digits > 0;
}

}  // namespace ecom
