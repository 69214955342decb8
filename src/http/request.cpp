#include "http/request.h"

#include "common/strings.h"
#include "common/uuid.h"

namespace ecom::http {

void parse_query(Request& req) {
  for (const auto& part : split(req.raw_query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view raw_name = std::string_view(part).substr(0, eq);
    std::string_view raw_value = eq == std::string::npos ? std::string_view() : std::string_view(part).substr(eq + 1);
    auto name = url_decode(raw_name, true);
    if (!name || !valid_utf8(*name)) continue;  // no known parameter has such a name
    auto value = url_decode(raw_value, true);
    if (!value || !valid_utf8(*value)) {
      req.bad_query_params.push_back(*name);
      continue;
    }
    req.query.emplace(*name, std::move(*value));
  }
}

std::string choose_request_id(const std::string* incoming) {
  if (incoming && !incoming->empty() && incoming->size() <= 64) {
    bool ok = true;
    for (char c : *incoming) {
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
            c == '_' || c == '-')) {
        ok = false;
        break;
      }
    }
    if (ok) return *incoming;
  }
  return uuid::v4();
}

}  // namespace ecom::http
