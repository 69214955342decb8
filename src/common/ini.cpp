#include "common/ini.h"

#include "common/strings.h"

namespace ecom::ini {

ParseResult parse(std::string_view text) {
  ParseResult r;
  std::string section;
  size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line[0] == ';' || line[0] == '#') {
      if (nl == text.size()) break;
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        r.error = "line " + std::to_string(line_no) + ": malformed section header";
        return r;
      }
      section = to_lower(trim(line.substr(1, line.size() - 2)));
      if (section.empty()) {
        r.error = "line " + std::to_string(line_no) + ": empty section name";
        return r;
      }
      r.doc[section];
    } else {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) {
        r.error = "line " + std::to_string(line_no) + ": expected key = value";
        return r;
      }
      std::string key = to_lower(trim(line.substr(0, eq)));
      std::string_view value = trim(line.substr(eq + 1));
      if (key.empty()) {
        r.error = "line " + std::to_string(line_no) + ": empty key";
        return r;
      }
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      r.doc[section][key] = std::string(value);
    }
    if (nl == text.size()) break;
  }
  return r;
}

}  // namespace ecom::ini
