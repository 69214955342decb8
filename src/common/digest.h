// Message digests the service stores or compares: SHA-256 as lower-case hex (migration checksums,
// idempotency request hashes, activation token hashes).
#pragma once

#include <string>
#include <string_view>

namespace ecom::digest {

std::string sha256_hex(std::string_view data);

}  // namespace ecom::digest
