#include "auth/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "auth/base64url.h"
#include "common/strings.h"

namespace ecom::auth {
namespace {

constexpr size_t kSaltBytes = 16, kHashBytes = 32;
constexpr const char* kScheme = "pbkdf2-sha256";

std::string derive(std::string_view password, std::string_view salt, int64_t iterations) {
  std::string out(kHashBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(kHashBytes),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return out;
}

struct Parsed {
  int64_t iterations;
  std::string salt, hash;
};

std::optional<Parsed> parse(std::string_view encoded) {
  auto parts = split(encoded, '$');
  if (parts.size() != 4 || parts[0] != kScheme) return std::nullopt;
  auto it = parse_int(parts[1]);
  auto salt = base64url_decode(parts[2]);
  auto hash = base64url_decode(parts[3]);
  if (!it || *it < 1000 || *it > 100'000'000 || !salt || salt->size() < 8 || !hash || hash->size() != kHashBytes)
    return std::nullopt;
  return Parsed{*it, *salt, *hash};
}

}  // namespace

std::string password_hash(std::string_view password, int64_t iterations) {
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64url_encode(salt) + "$" +
         base64url_encode(derive(password, salt, iterations));
}

bool password_verify(std::string_view password, std::string_view encoded) {
  auto p = parse(encoded);
  if (!p) return false;
  std::string got = derive(password, p->salt, p->iterations);
  return CRYPTO_memcmp(got.data(), p->hash.data(), kHashBytes) == 0;
}

std::optional<int64_t> password_iterations(std::string_view encoded) {
  auto p = parse(encoded);
  if (!p) return std::nullopt;
  return p->iterations;
}

const std::string& password_dummy_hash(int64_t iterations) {
  static std::string cached;
  static int64_t cached_iterations = 0;
  if (cached.empty() || cached_iterations != iterations) {
    unsigned char random[16];
    RAND_bytes(random, sizeof random);
    cached = password_hash(std::string_view(reinterpret_cast<char*>(random), sizeof random), iterations);
    cached_iterations = iterations;
  }
  return cached;
}

}  // namespace ecom::auth
