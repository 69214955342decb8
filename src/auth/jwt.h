// JSON Web Tokens, HS256 only (HMAC-SHA256 from OpenSSL). Verification refuses
// every other `alg` (including "none"), compares signatures in constant time,
// and checks `exp` and the expected `typ`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::auth {

struct Claims {
  std::map<std::string, std::string> strings;  // string-valued claims
  std::map<std::string, int64_t> numbers;      // integer-valued claims (iat, exp, ...)

  const std::string* str(const std::string& k) const {
    auto it = strings.find(k);
    return it == strings.end() ? nullptr : &it->second;
  }
  std::optional<int64_t> num(const std::string& k) const {
    auto it = numbers.find(k);
    if (it == numbers.end()) return std::nullopt;
    return it->second;
  }
};

// Signs `claims` (strings and integers) with `key`.
std::string jwt_sign(const Claims& claims, std::string_view key);

enum class JwtError { Malformed, BadAlgorithm, BadSignature, Expired, WrongType };

struct JwtResult {
  std::optional<Claims> claims;
  JwtError error = JwtError::Malformed;
  bool ok() const { return claims.has_value(); }
};

// Verifies signature, `exp` (required, compared with `now`) and, when
// `expected_typ` is not empty, the `typ` claim.
JwtResult jwt_verify(std::string_view token, std::string_view key, std::string_view expected_typ, int64_t now);

// "Bearer <token>" → token; nullopt for anything else.
std::optional<std::string> bearer_token(const std::string* authorization_header);

}  // namespace ecom::auth
