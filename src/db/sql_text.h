// Statements run unprepared (the text protocol): the SQL text with its ? placeholders replaced
// by literals. Pure functions; the string escaping itself is the connection's (it knows the
// connection's character set), passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ecom::db {

using Param = std::variant<std::nullptr_t, int64_t, std::string>;

// Offsets of the ? placeholders of `sql`: those outside quoted strings ('...', "..."), quoted
// identifiers (`...`) and comments (-- to the end of the line, # to the end of the line, /* */).
std::vector<size_t> placeholders(std::string_view sql);

// `sql` with its placeholders replaced in order by literals: NULL, a decimal integer, or
// '<escape(value)>' for a string. `escape` must escape every character that could end or change
// a '...' literal (mysql_real_escape_string does). Throws std::invalid_argument when the number of
// parameters is not the number of placeholders.
std::string inline_params(std::string_view sql, const std::vector<Param>& params,
                          const std::function<std::string(const std::string&)>& escape);

}  // namespace ecom::db
