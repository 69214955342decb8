// Splits an SQL file into statements (Connector/C++ runs one at a time):
// semicolons inside quotes, backticks and comments do not split.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecom::db {

std::vector<std::string> split_statements(std::string_view script);

}  // namespace ecom::db
