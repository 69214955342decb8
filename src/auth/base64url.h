// base64url without padding (RFC 4648 §5), as JWTs use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ecom::auth {

std::string base64url_encode(std::string_view data);
// Strict: rejects padding, characters outside the alphabet and impossible lengths.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace ecom::auth
