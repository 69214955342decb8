// The HTTP answers the platform gives for one reason each, built in one place:
// the challenge of a 401, the Retry-After of a 429 and a 503, the limit a 413
// names. Handlers and the dispatcher throw what these return; http/problem
// writes it as Problem Details.
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"

namespace ecom::http {

// The WWW-Authenticate values of the platform's 401 answers (RFC 6750).
namespace challenge {
inline constexpr const char* kBearer = "Bearer";                                // no token was sent
inline constexpr const char* kInvalidToken = "Bearer error=\"invalid_token\"";  // a token was refused
inline constexpr const char* kSuperadmin = "Bearer realm=\"superadmin\"";       // the super admin's API
}  // namespace challenge

ApiError unauthorized(std::string detail, const char* challenge = challenge::kInvalidToken);
ApiError forbidden(std::string detail);
ApiError not_found(std::string detail);
ApiError conflict(std::string title, std::string detail);
// 413 naming the limit in force ("1 MiB", "64 KiB", "1000 bytes").
ApiError payload_too_large(int64_t limit_bytes);
// 429 with Retry-After (whole seconds, at least 1).
ApiError too_many_requests(std::string detail, int64_t retry_after_seconds);
// 423 "Tenant locked" with Retry-After (whole seconds, at least 1): the store is closed for a
// moment (a move's switch).
ApiError locked(std::string detail, int64_t retry_after_seconds);
// 503, with Retry-After when `retry_after_seconds` > 0 (a retry will likely succeed by then).
ApiError unavailable(std::string detail, int64_t retry_after_seconds = 0);

// "1 MiB", "512 KiB", "1000 bytes".
std::string byte_size_text(int64_t bytes);

}  // namespace ecom::http
