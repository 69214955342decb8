#include "db/sql_text.h"

#include <stdexcept>

namespace ecom::db {
namespace {

// The offset just past the quoted run that starts at `at` (sql[at] is the quote). Inside '...'
// and "..." a backslash escapes the next character; in all three a doubled quote stands for one.
size_t skip_quoted(std::string_view sql, size_t at) {
  char q = sql[at];
  size_t i = at + 1;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\\' && q != '`') {
      i += 2;
    } else if (c == q) {
      if (i + 1 < sql.size() && sql[i + 1] == q) i += 2;
      else return i + 1;
    } else {
      ++i;
    }
  }
  return sql.size();
}

size_t skip_to_line_end(std::string_view sql, size_t i) {
  size_t end = sql.find('\n', i);
  return end == std::string_view::npos ? sql.size() : end + 1;
}

bool is_space_or_control(char c) { return static_cast<unsigned char>(c) <= ' '; }

}  // namespace

std::vector<size_t> placeholders(std::string_view sql) {
  std::vector<size_t> out;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {
      i = skip_quoted(sql, i);
    } else if (c == '#') {
      i = skip_to_line_end(sql, i);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-' &&
               (i + 2 == sql.size() || is_space_or_control(sql[i + 2]))) {
      i = skip_to_line_end(sql, i);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      if (c == '?') out.push_back(i);
      ++i;
    }
  }
  return out;
}

std::string inline_params(std::string_view sql, const std::vector<Param>& params,
                          const std::function<std::string(const std::string&)>& escape) {
  std::vector<size_t> at = placeholders(sql);
  if (at.size() != params.size())
    throw std::invalid_argument("statement has " + std::to_string(at.size()) + " placeholders, " +
                                std::to_string(params.size()) + " parameters given");
  std::string out;
  out.reserve(sql.size() + 16 * params.size());
  size_t from = 0;
  for (size_t k = 0; k < at.size(); ++k) {
    out.append(sql.substr(from, at[k] - from));
    const Param& p = params[k];
    if (std::holds_alternative<std::nullptr_t>(p)) {
      out += "NULL";
    } else if (std::holds_alternative<int64_t>(p)) {
      int64_t v = std::get<int64_t>(p);
      if (v < 0) out += ' ';  // "x -?" must not become the comment "x --1"
      out += std::to_string(v);
    } else {
      out += '\'';
      out += escape(std::get<std::string>(p));
      out += '\'';
    }
    from = at[k] + 1;
  }
  out.append(sql.substr(from));
  return out;
}

bool looks_like_fractional_datetime(std::string_view v) {
  static constexpr size_t kSeconds = 19;  // "YYYY-MM-DD hh:mm:ss"
  if (v.size() < kSeconds + 2 || v.size() > kSeconds + 7 || v[4] != '-' || v[7] != '-' || v[10] != ' ' ||
      v[13] != ':' || v[16] != ':' || v[kSeconds] != '.')
    return false;
  for (size_t i = kSeconds + 1; i < v.size(); ++i)
    if (v[i] < '0' || v[i] > '9') return false;
  return true;
}

std::string prepared_datetime_form(std::string_view v) {
  if (!looks_like_fractional_datetime(v)) return std::string(v);
  std::string_view fraction = v.substr(20);
  if (fraction.find_first_not_of('0') == std::string_view::npos) return std::string(v.substr(0, 19));
  std::string out(v);
  out.append(6 - fraction.size(), '0');
  return out;
}

}  // namespace ecom::db
