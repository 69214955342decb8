// Logging: one line per event, written with a single write(2) so lines from
// several workers never interleave. Secrets are never passed here.
#pragma once

#include <string>
#include <string_view>

namespace ecom::log {

// Opens `path` for appending (empty = keep stderr). Returns false on failure. The path is kept
// for reopen(); whether standard output and error are that same file is noted too (a service
// manager or a script may have sent them there: sanitizer reports and the like go to stderr).
bool open(const std::string& path);

// The file named at open() again, after logrotate moved it (SIGUSR1): the new file is opened and
// put in place of the old descriptor with dup2(2) — and of stdout/stderr when they were that file —
// so that every line, each one write(2), lands whole in the old file or the new one, none lost.
// Async-signal-safe (open, fstat, dup2, close only): a signal handler may call it. False when no
// file was opened or it cannot be opened now (the old one stays in use; errno says why, and the
// next line logged is preceded by one that says so).
bool reopen();

// The path given to open() ("" for stderr).
const char* path();

// "2024-12-01T15:30:00Z <level> pid=N <message>"
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

// Writes an already formatted line (a newline is added).
void raw(std::string_view line);

// Client text (a header, the method, the path) made safe for one space-separated field of a
// line: every byte other than [A-Za-z0-9._~-] and those in `keep` — spaces, control bytes,
// '%', '=', non-ASCII — becomes %XX, so the field holds no space and the line no control byte.
// The result has at most `max_bytes` bytes (an escape is never cut); "" gives "-".
std::string field(std::string_view text, size_t max_bytes, std::string_view keep = "");

// What `field` keeps of a path besides unreserved bytes: "/api/x y" → "/api/x%20y".
inline constexpr std::string_view kPathChars = "/!$&'()*+,;=:@";

}  // namespace ecom::log
