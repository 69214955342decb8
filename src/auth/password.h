// Password hashing: PBKDF2-HMAC-SHA256 (OpenSSL EVP) with a random 16-byte salt.
// The encoded hash carries its parameters — "pbkdf2-sha256$<iterations>$<salt>$<hash>"
// (base64url) — so the cost can be raised later without invalidating old hashes.
// Verification compares in constant time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::auth {

inline constexpr int64_t kDefaultPasswordIterations = 600000;  // OWASP's 2023 figure for PBKDF2-SHA256

std::string password_hash(std::string_view password, int64_t iterations);

// True when `password` matches `encoded`. A malformed encoding never matches.
bool password_verify(std::string_view password, std::string_view encoded);

// The iteration count stored in an encoded hash (to decide on a rehash).
std::optional<int64_t> password_iterations(std::string_view encoded);

// A hash of a random password with the given cost: verified against when the
// account does not exist, so that unknown emails take as long as wrong passwords.
const std::string& password_dummy_hash(int64_t iterations);

}  // namespace ecom::auth
