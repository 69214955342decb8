#include "db/identifier.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace ecom::db {

std::string tenant_schema_name(std::string_view slug) {
  std::string s = "ecom_tenant_";
  for (char c : slug) s.push_back(c == '-' ? '_' : c);
  if (s.size() > 63) {
    // Identifiers stop at 64 characters: keep 43 of the slug and add 8 hex digits of
    // its SHA-256, so long slugs sharing a prefix still get distinct schemas. Plain
    // names are at most 63 characters and hashed ones exactly 64, so no slug can
    // choose its name to collide with another slug's hashed name.
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(slug.data(), slug.size(), md, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    s.resize(12 + 43);
    s.push_back('_');
    for (int i = 0; i < 4; ++i) {
      s.push_back(hex[md[i] >> 4]);
      s.push_back(hex[md[i] & 0xF]);
    }
  }
  if (!safe_identifier(s)) throw std::invalid_argument("unsafe schema name derived from slug");
  return s;
}

bool safe_identifier(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string quote_identifier(std::string_view name) {
  if (!safe_identifier(name)) throw std::invalid_argument("unsafe SQL identifier");
  std::string q = "`";
  q += name;
  q += '`';
  return q;
}

}  // namespace ecom::db
