// UUID v4 from OpenSSL's CSPRNG, and validation of UUIDs arriving from clients.
#pragma once

#include <string>
#include <string_view>

namespace ecom::uuid {

// A new random UUID v4, lowercase and hyphenated. Aborts if the CSPRNG fails.
std::string v4();

// True for 8-4-4-4-12 hex digits (any version, either case).
bool is_valid(std::string_view s);

// Lowercase copy of a valid UUID (ids are stored lowercase).
std::string normalize(std::string_view s);

}  // namespace ecom::uuid
