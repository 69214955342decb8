// Field formats shared by several endpoints.
#pragma once

#include <string>

namespace ecom {

// A syntactically valid email address of at most 254 characters.
bool valid_email(const std::string& email);

// 7–20 characters of digits, spaces and "+()-", with at least one digit.
bool valid_phone(const std::string& phone);

}  // namespace ecom
