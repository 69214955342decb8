#include "db/sql_script.h"

#include "common/strings.h"

namespace ecom::db {

std::vector<std::string> split_statements(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string_view t = trim(cur);
    if (!t.empty()) out.emplace_back(t);
    cur.clear();
  };
  size_t i = 0, n = s.size();
  while (i < n) {
    char c = s[i];
    if (c == '-' && i + 1 < n && s[i + 1] == '-' && (i + 2 >= n || s[i + 2] == ' ' || s[i + 2] == '\t' || s[i + 2] == '\n' || s[i + 2] == '\r')) {
      while (i < n && s[i] != '\n') ++i;  // line comment dropped
      continue;
    }
    if (c == '#') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      cur.push_back(' ');
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      char q = c;
      cur.push_back(c);
      ++i;
      while (i < n) {
        char d = s[i];
        cur.push_back(d);
        ++i;
        if (d == '\\' && q != '`' && i < n) {
          cur.push_back(s[i]);
          ++i;
        } else if (d == q) {
          if (i < n && s[i] == q) {  // doubled quote
            cur.push_back(s[i]);
            ++i;
          } else {
            break;
          }
        }
      }
      continue;
    }
    if (c == ';') {
      flush();
      ++i;
      continue;
    }
    cur.push_back(c);
    ++i;
  }
  flush();
  return out;
}

}  // namespace ecom::db
