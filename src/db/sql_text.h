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

// A DATETIME/TIMESTAMP value as the text protocol gives it ("2024-02-29 23:59:59.120", as many
// fraction digits as the column declares) in the form Connector/C++ gives for the same value read
// from a prepared statement: six fraction digits, or none when they are all zero ("...59.120000";
// "...00.000" -> "...00"). Anything else is returned as it is. Rows read unprepared go through it,
// so a value reads the same whichever way its statement ran.
std::string prepared_datetime_form(std::string_view text_value);

// Whether `v` has the shape of a DATETIME with a fraction ("YYYY-MM-DD hh:mm:ss.f...").
bool looks_like_fractional_datetime(std::string_view v);

}  // namespace ecom::db
