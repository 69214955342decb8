#include "http/json_reader.h"

#include <cmath>
#include <cstring>
#include <new>
#include <set>
#include <string_view>
#include <vector>

#include "common/strings.h"

namespace ecom::http {
namespace {

// Depth of brackets outside strings; cheap pre-check before cJSON recurses.
int max_depth(std::string_view s) {
  int depth = 0, best = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') best = std::max(best, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  return best;
}

// The first key that appears twice in one object, if any (parsers disagree on
// which value wins, so such a body is refused rather than guessed at).
const char* duplicate_key(const cJSON* node) {
  for (; node; node = node->next) {
    if (cJSON_IsObject(node)) {
      std::set<std::string_view> seen;
      for (const cJSON* c = node->child; c; c = c->next)
        if (c->string && !seen.insert(c->string).second) return c->string;
    }
    if (node->child)
      if (const char* d = duplicate_key(node->child)) return d;
  }
  return nullptr;
}

// True when the text holds a \u0000 escape (an odd run of backslashes before "u0000").
bool has_nul_escape(std::string_view s) {
  for (size_t at = s.find("u0000"); at != std::string_view::npos; at = s.find("u0000", at + 1)) {
    size_t slashes = 0;
    while (at > slashes && s[at - 1 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 1) return true;
  }
  return false;
}

bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

// The number literals of a JSON text in document order. Outside strings (skipped with their
// escapes) a number is the only token holding a digit or a '-', and it runs until a character
// no number has: in a text cJSON accepted, exactly what cJSON read as that number.
std::vector<std::string_view> number_literals(std::string_view s) {
  std::vector<std::string_view> out;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = i;
      while (i + 1 < s.size() && is_number_char(s[i + 1])) ++i;
      out.push_back(s.substr(start, i + 1 - start));
    }
  }
  return out;
}

// Gives the number items below and after `node`, depth first (cJSON keeps document order),
// the next literals in `literals`: in `valuestring`, allocated by cJSON's allocator so that
// cJSON_Delete frees it with the item (it frees any item's valuestring). False when the
// literals run out.
bool attach_number_texts(cJSON* node, const std::vector<std::string_view>& literals, size_t& next) {
  for (; node; node = node->next) {
    if (cJSON_IsNumber(node)) {
      if (next == literals.size()) return false;
      std::string_view literal = literals[next++];
      auto* text = static_cast<char*>(cJSON_malloc(literal.size() + 1));
      if (!text) throw std::bad_alloc();
      std::memcpy(text, literal.data(), literal.size());
      text[literal.size()] = '\0';
      node->valuestring = text;
    }
    if (node->child && !attach_number_texts(node->child, literals, next)) return false;
  }
  return true;
}

}  // namespace

const char* number_text(const cJSON* item) { return item && cJSON_IsNumber(item) ? item->valuestring : nullptr; }

JsonPtr parse_json_body(std::string_view body) {
  if (!valid_utf8(body)) throw ApiError::BadRequest("The request body is not valid UTF-8.");
  if (trim(body).empty()) throw ApiError::BadRequest("The request body is empty; a JSON value is required.");
  if (max_depth(body) > kMaxJsonDepth)
    throw ApiError::BadRequest("The request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels.");
  const char* end = nullptr;
  JsonPtr root(cJSON_ParseWithLengthOpts(body.data(), body.size(), &end, 0));
  if (!root) throw ApiError::BadRequest("The request body is not valid JSON.");
  std::string_view rest = body.substr(static_cast<size_t>(end - body.data()));
  if (!trim(rest).empty()) throw ApiError::BadRequest("The request body has trailing data after the JSON value.");
  // cJSON stores strings NUL-terminated: "\u0000" would silently cut a value short.
  if (has_nul_escape(body))
    throw ApiError::BadRequest("NUL characters (\\u0000) are not allowed in strings.");
  if (const char* key = duplicate_key(root.get()))
    throw ApiError::BadRequest(std::string("The key \"") + key + "\" appears more than once in one object.");
  // One literal for every number item: anything else would mean the scan read the text
  // differently from cJSON, and no amount may then be trusted.
  auto literals = number_literals(body);
  size_t attached = 0;
  if (!attach_number_texts(root.get(), literals, attached) || attached != literals.size())
    throw ApiError::BadRequest("The request body is not valid JSON.");
  return root;
}

ObjectReader::ObjectReader(const cJSON* root, Validator& v) : root_(root), v_(v) {
  if (!root || !cJSON_IsObject(root)) throw ApiError::BadRequest("The request body must be a JSON object.");
}

bool ObjectReader::has(const char* name) const {
  const cJSON* f = cJSON_GetObjectItemCaseSensitive(root_, name);
  return f && !cJSON_IsNull(f);
}

const cJSON* ObjectReader::raw(const char* name) const { return cJSON_GetObjectItemCaseSensitive(root_, name); }

const cJSON* ObjectReader::present(const char* name, bool required) {
  const cJSON* f = raw(name);
  if (f && !cJSON_IsNull(f)) return f;
  if (required) v_.add(name, std::string("The ") + name + " field is required.");
  return nullptr;
}

std::optional<std::string> ObjectReader::string(const char* name, bool required) {
  const cJSON* f = present(name, required);
  if (!f) return std::nullopt;
  if (!cJSON_IsString(f)) {
    v_.add(name, std::string("The ") + name + " field must be a string.");
    return std::nullopt;
  }
  return std::string(f->valuestring);
}

std::optional<int64_t> ObjectReader::integer(const char* name, bool required, int64_t min, int64_t max) {
  const cJSON* f = present(name, required);
  if (!f) return std::nullopt;
  double d = f->valuedouble;
  if (!cJSON_IsNumber(f) || !std::isfinite(d) || d != std::floor(d) || d < -9.0e15 || d > 9.0e15) {
    v_.add(name, std::string("The ") + name + " field must be an integer.");
    return std::nullopt;
  }
  auto value = static_cast<int64_t>(d);
  if (value < min || value > max) {
    v_.add(name, std::string("The ") + name + " field must be between " + std::to_string(min) + " and " +
                     std::to_string(max) + ".");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ObjectReader::boolean(const char* name, bool required) {
  const cJSON* f = present(name, required);
  if (!f) return std::nullopt;
  if (!cJSON_IsBool(f)) {
    v_.add(name, std::string("The ") + name + " field must be true or false.");
    return std::nullopt;
  }
  return cJSON_IsTrue(f) != 0;
}

const cJSON* ObjectReader::object(const char* name, bool required) {
  const cJSON* f = present(name, required);
  if (!f) return nullptr;
  if (!cJSON_IsObject(f)) {
    v_.add(name, std::string("The ") + name + " field must be an object.");
    return nullptr;
  }
  return f;
}

}  // namespace ecom::http
