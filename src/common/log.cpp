#include "common/log.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/clock.h"

namespace ecom::log {
namespace {
int g_fd = 2;

void emit(std::string_view level, std::string_view message) {
  std::string line = clock::iso_now();
  line += ' ';
  line += level;
  line += " pid=";
  line += std::to_string(getpid());
  line += ' ';
  line += message;
  raw(line);
}
}  // namespace

bool open(const std::string& path) {
  if (path.empty()) return true;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return false;
  if (g_fd != 2) ::close(g_fd);
  g_fd = fd;
  return true;
}

void raw(std::string_view line) {
  std::string buf(line);
  buf.push_back('\n');
  ssize_t r = ::write(g_fd, buf.data(), buf.size());
  (void)r;
}

std::string field(std::string_view text, size_t max_bytes, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '_' || c == '~' || c == '-' || (c > 0x20 && c < 0x7f && keep.find(ch) != std::string_view::npos);
    if (out.size() + (plain ? 1 : 3) > max_bytes) break;
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out.empty() ? "-" : out;
}

void info(std::string_view m) { emit("info", m); }
void warn(std::string_view m) { emit("warn", m); }
void error(std::string_view m) { emit("error", m); }

}  // namespace ecom::log
