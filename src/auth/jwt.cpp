#include "auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>

#include "auth/base64url.h"
#include "common/strings.h"
#include "http/json_reader.h"
#include "http/json_writer.h"

namespace ecom::auth {
namespace {

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

// Parses a JSON object of strings/integers; nullopt if it is not one.
std::optional<Claims> parse_claims(const std::string& json) {
  try {
    auto root = http::parse_json_body(json);
    if (!cJSON_IsObject(root.get())) return std::nullopt;
    Claims c;
    for (const cJSON* item = root->child; item; item = item->next) {
      if (!item->string) continue;
      if (cJSON_IsString(item)) {
        c.strings[item->string] = item->valuestring;
      } else if (cJSON_IsNumber(item)) {
        double d = item->valuedouble;
        if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) return std::nullopt;
        c.numbers[item->string] = static_cast<int64_t>(d);
      }
    }
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string jwt_sign(const Claims& claims, std::string_view key) {
  std::string payload;
  http::JsonWriter w(payload);
  w.begin_object();
  for (const auto& [k, v] : claims.strings) w.field(k, v);
  for (const auto& [k, v] : claims.numbers) w.field(k, v);
  w.end_object();
  std::string signing_input = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(payload);
  return signing_input + "." + base64url_encode(hmac_sha256(key, signing_input));
}

JwtResult jwt_verify(std::string_view token, std::string_view key, std::string_view expected_typ, int64_t now) {
  JwtResult r;
  if (token.size() > 8192) return r;
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return r;
  auto header_json = base64url_decode(token.substr(0, d1));
  auto payload_json = base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  auto signature = base64url_decode(token.substr(d2 + 1));
  if (!header_json || !payload_json || !signature) return r;
  auto header = parse_claims(*header_json);
  if (!header) return r;
  const std::string* alg = header->str("alg");
  if (!alg || *alg != "HS256") {
    r.error = JwtError::BadAlgorithm;
    return r;
  }
  std::string expected = hmac_sha256(key, token.substr(0, d2));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    r.error = JwtError::BadSignature;
    return r;
  }
  auto claims = parse_claims(*payload_json);
  if (!claims) return r;
  auto exp = claims->num("exp");
  if (!exp || *exp <= now) {
    r.error = JwtError::Expired;
    return r;
  }
  if (!expected_typ.empty()) {
    const std::string* typ = claims->str("typ");
    if (!typ || *typ != expected_typ) {
      r.error = JwtError::WrongType;
      return r;
    }
  }
  r.claims = std::move(claims);
  return r;
}

std::optional<std::string> bearer_token(const std::string* h) {
  if (!h) return std::nullopt;
  std::string_view v = trim(*h);
  if (v.size() < 8 || !iequals(v.substr(0, 7), "Bearer ")) return std::nullopt;
  std::string_view t = trim(v.substr(7));
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

}  // namespace ecom::auth
