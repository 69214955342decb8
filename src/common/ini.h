// A small INI reader: "[section]", "key = value", comments with ';' or '#'.
// Values may be wrapped in double quotes (kept verbatim inside). Pure; no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace ecom::ini {

// section → key → value. Keys outside any section live in section "".
using Document = std::map<std::string, std::map<std::string, std::string>>;

struct ParseResult {
  Document doc;
  std::string error;  // empty on success; else "line N: ..."
  bool ok() const { return error.empty(); }
};

ParseResult parse(std::string_view text);

}  // namespace ecom::ini
