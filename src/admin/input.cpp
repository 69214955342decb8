#include "admin/input.h"

#include <climits>
#include <set>

#include "common/strings.h"
#include "common/uuid.h"

namespace ecom::admin {
namespace {

// The field `name` when present and not null, of the kind `is_kind` accepts, with at most
// `max_items` items; nullptr when absent, or (with `message` recorded) when it is no such value.
const cJSON* container(http::ObjectReader& r, Validator& v, const char* name, cJSON_bool (*is_kind)(const cJSON*),
                       int max_items, const std::string& message) {
  const cJSON* f = r.present(name, false);
  if (f && (!is_kind(f) || cJSON_GetArraySize(f) > max_items)) {
    v.add(name, message);
    return nullptr;
  }
  return f;
}

// `f` as compact JSON text.
std::string printed(const cJSON* f) {
  char* out = cJSON_PrintUnformatted(f);
  std::string s = out ? out : "{}";
  cJSON_free(out);
  return s;
}

}  // namespace

std::optional<int64_t> read_decimal(http::ObjectReader& r, Validator& v, const char* name, bool required, int decimals,
                                    int64_t max_units) {
  const cJSON* f = r.present(name, required);
  if (!f) return std::nullopt;
  int64_t units = 0;
  const char* literal = http::number_text(f);
  switch (literal ? money::parse_units(literal, decimals, max_units, units) : money::UnitsCheck::kNotANumber) {
    case money::UnitsCheck::kOk:
      return units;
    case money::UnitsCheck::kNotANumber:
    case money::UnitsCheck::kNegative:
      v.add(name, std::string(name) + " must be a non-negative number.");
      break;
    case money::UnitsCheck::kTooManyDecimals:
      v.add(name, std::string(name) + " must have at most " + std::to_string(decimals) +
                      " decimal places (it is refused, not rounded).");
      break;
    case money::UnitsCheck::kTooLarge:
      v.add(name, std::string(name) + " must be at most " + format_scaled(max_units, decimals) + ".");
      break;
  }
  return std::nullopt;
}

std::optional<std::string> read_text(http::ObjectReader& r, Validator& v, const char* name, bool required,
                                     size_t max_chars, bool allow_empty) {
  auto s = r.string(name, required);
  if (!s) return std::nullopt;
  std::string t(trim(*s));
  if ((!allow_empty && t.empty()) || utf8_length(t) > max_chars) {
    v.add(name, std::string(name) + " must be " + (allow_empty ? "0" : "1") + "-" + std::to_string(max_chars) +
                    " characters.");
    return std::nullopt;
  }
  return t;
}

std::optional<std::vector<std::string>> read_urls(http::ObjectReader& r, Validator& v, const char* name) {
  const cJSON* f = container(r, v, name, cJSON_IsArray, 20, std::string(name) + " must be an array of at most 20 URLs.");
  if (!f) return std::nullopt;
  std::vector<std::string> out;
  for (const cJSON* i = f->child; i; i = i->next) {
    std::string s = cJSON_IsString(i) ? i->valuestring : "";
    bool ok = s.size() <= 2048 && (s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) && s.size() > 8 &&
              s.find_first_of(" \t\r\n\"<>") == std::string::npos;
    if (!ok) {
      v.add(name, std::string(name) + " must hold http(s) URLs of at most 2048 characters.");
      return std::nullopt;
    }
    out.push_back(s);
  }
  return out;
}

std::optional<std::vector<std::string>> read_uuids(http::ObjectReader& r, Validator& v, const char* name) {
  const cJSON* f = container(r, v, name, cJSON_IsArray, 50, std::string(name) + " must be an array of at most 50 ids.");
  if (!f) return std::nullopt;
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const cJSON* i = f->child; i; i = i->next) {
    if (!cJSON_IsString(i) || !uuid::is_valid(i->valuestring)) {
      v.add(name, std::string(name) + " must hold UUIDs.");
      return std::nullopt;
    }
    std::string id = uuid::normalize(i->valuestring);
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

std::optional<std::string> read_flat_object(http::ObjectReader& r, Validator& v, const char* name) {
  const cJSON* f =
      container(r, v, name, cJSON_IsObject, 50, std::string(name) + " must be an object of at most 50 attributes.");
  if (!f) return std::nullopt;
  for (const cJSON* i = f->child; i; i = i->next) {
    if (!(cJSON_IsString(i) || cJSON_IsNumber(i) || cJSON_IsBool(i)) || !i->string || !*i->string) {
      v.add(name, std::string(name) + " values must be strings, numbers or booleans.");
      return std::nullopt;
    }
  }
  return printed(f);
}

std::optional<std::string> read_object_json(http::ObjectReader& r, Validator& v, const char* name) {
  const cJSON* f = container(r, v, name, cJSON_IsObject, INT_MAX, std::string(name) + " must be an object.");
  if (!f) return std::nullopt;
  std::string s = printed(f);
  if (s.size() > 65536) {
    v.add(name, std::string(name) + " must be at most 64 KiB of JSON.");
    return std::nullopt;
  }
  return s;
}

std::string format_scaled(int64_t units, int decimals) {
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  std::string frac = std::to_string(units % scale);
  while (static_cast<int>(frac.size()) < decimals) frac.insert(frac.begin(), '0');
  return std::to_string(units / scale) + (decimals ? "." + frac : "");
}

}  // namespace ecom::admin
