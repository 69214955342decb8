#include "http/errors.h"

#include <algorithm>

namespace ecom::http {

ApiError unauthorized(std::string detail, const char* challenge) {
  ApiError e(401, "Unauthorized", std::move(detail));
  e.headers.emplace_back("WWW-Authenticate", challenge);
  return e;
}

ApiError forbidden(std::string detail) { return {403, "Forbidden", std::move(detail)}; }

ApiError not_found(std::string detail) { return {404, "Not Found", std::move(detail)}; }

ApiError conflict(std::string title, std::string detail) { return {409, std::move(title), std::move(detail)}; }

std::string byte_size_text(int64_t bytes) {
  constexpr int64_t kKiB = 1024, kMiB = 1024 * 1024;
  if (bytes > 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes > 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

ApiError payload_too_large(int64_t limit_bytes) {
  return {413, "Payload Too Large", "The request body exceeds the " + byte_size_text(limit_bytes) + " limit."};
}

ApiError too_many_requests(std::string detail, int64_t retry_after_seconds) {
  ApiError e(429, "Too Many Requests", std::move(detail));
  e.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, retry_after_seconds)));
  return e;
}

ApiError locked(std::string detail, int64_t retry_after_seconds) {
  ApiError e(423, "Tenant locked", std::move(detail));
  e.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, retry_after_seconds)));
  return e;
}

ApiError unavailable(std::string detail, int64_t retry_after_seconds) {
  ApiError e(503, "Service Unavailable", std::move(detail));
  if (retry_after_seconds > 0) e.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return e;
}

}  // namespace ecom::http
