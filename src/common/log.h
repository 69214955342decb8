// Logging: one line per event, written with a single write(2) so lines from
// several workers never interleave. Secrets are never passed here.
#pragma once

#include <string>
#include <string_view>

namespace ecom::log {

// Opens `path` for appending (empty = keep stderr). Returns false on failure.
bool open(const std::string& path);

// "2024-12-01T15:30:00Z <level> pid=N <message>"
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

// Writes an already formatted line (a newline is added).
void raw(std::string_view line);

}  // namespace ecom::log
