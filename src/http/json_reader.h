// Request bodies: cJSON behind a small RAII wrapper, plus typed field readers
// that collect every field error instead of stopping at the first.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace ecom::http {

struct CJsonDeleter {
  void operator()(cJSON* p) const { cJSON_Delete(p); }
};
using JsonPtr = std::unique_ptr<cJSON, CJsonDeleter>;

inline constexpr int kMaxJsonDepth = 32;

// Parses a whole body. Throws ApiError 400 on invalid UTF-8, malformed JSON,
// trailing garbage, nesting deeper than kMaxJsonDepth. Every number item keeps the text it
// had in the body (see number_text).
JsonPtr parse_json_body(std::string_view body);

// The literal of a number item exactly as the body spelled it ("19.990", "1e2", "-0"), so that
// amounts are read from their digits rather than from the double cJSON made of them. nullptr
// when `item` is no number, or comes from a tree that parse_json_body did not make.
const char* number_text(const cJSON* item);

// Reads fields of a JSON object; wrong types are recorded in the Validator.
class ObjectReader {
 public:
  // Throws 400 if `root` is not an object.
  ObjectReader(const cJSON* root, Validator& v);

  bool has(const char* name) const;
  std::optional<std::string> string(const char* name, bool required);
  std::optional<int64_t> integer(const char* name, bool required, int64_t min, int64_t max);
  std::optional<bool> boolean(const char* name, bool required);
  const cJSON* object(const char* name, bool required);
  const cJSON* raw(const char* name) const;
  // The field `name` when present and not null; else nullptr, and "required" recorded if it is.
  const cJSON* present(const char* name, bool required);

 private:
  const cJSON* root_;
  Validator& v_;
};

}  // namespace ecom::http
