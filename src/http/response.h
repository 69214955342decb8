// A response under construction. Handlers fill status and body; the transport
// writes it. Status codes are named constants.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ecom::http {

namespace status {
inline constexpr int kOk = 200, kCreated = 201, kAccepted = 202, kNoContent = 204, kBadRequest = 400,
                     kUnauthorized = 401, kForbidden = 403, kNotFound = 404, kMethodNotAllowed = 405,
                     kConflict = 409, kPayloadTooLarge = 413, kUnsupportedMediaType = 415,
                     kLocked = 423, kTooManyRequests = 429, kInternalError = 500,
                     kServiceUnavailable = 503;
}

const char* reason_phrase(int status);

struct Response {
  int status = status::kOk;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  void add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace ecom::http
