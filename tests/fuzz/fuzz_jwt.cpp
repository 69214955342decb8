// libFuzzer target: JWT verification on arbitrary tokens (and base64url).
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/base64url.h"
#include "auth/jwt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string token(reinterpret_cast<const char*>(data), size);
  auto r = ecom::auth::jwt_verify(token, "0123456789abcdef0123456789abcdef", "access", 1800000000);
  if (r.ok()) {
    // Only a correctly signed token can verify; the fuzzer cannot forge one.
    __builtin_trap();
  }
  ecom::auth::base64url_decode(token);
  std::string h = "Bearer " + token;
  ecom::auth::bearer_token(&h);
  return 0;
}
