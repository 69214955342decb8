#include "common/log.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"

namespace ecom::log {
namespace {
int g_fd = 2;
// Kept in static storage so that reopen() needs no allocation (it may run in a signal handler).
char g_path[4096] = "";
bool g_same_as_stdout = false, g_same_as_stderr = false;
// errno of a reopen that failed (in a signal handler, where nothing can be logged), said by the
// next line written.
volatile sig_atomic_t g_reopen_errno = 0;

bool same_file(int a, int b) {
  struct stat sa {}, sb {};
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int open_log(const char* path) { return ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640); }

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
  if (path.size() >= sizeof g_path) {
    errno = ENAMETOOLONG;
    return false;
  }
  int fd = open_log(path.c_str());
  if (fd < 0) return false;
  if (g_fd != 2) ::close(g_fd);
  g_fd = fd;
  std::memcpy(g_path, path.c_str(), path.size() + 1);
  g_same_as_stdout = same_file(fd, 1);
  g_same_as_stderr = same_file(fd, 2);
  return true;
}

bool reopen() {
  if (g_path[0] == '\0' || g_fd == 2) {
    errno = ENOENT;
    return false;
  }
  int fd = open_log(g_path);
  if (fd < 0) {
    g_reopen_errno = errno ? errno : EIO;
    return false;
  }
  // dup2 replaces the descriptor in one step: a write(2) in flight keeps the old file, the next
  // one gets the new file. dup2 clears FD_CLOEXEC on g_fd; put it back.
  bool ok = dup2(fd, g_fd) >= 0;
  if (ok) fcntl(g_fd, F_SETFD, FD_CLOEXEC);
  if (ok && g_same_as_stdout) dup2(fd, 1);
  if (ok && g_same_as_stderr) dup2(fd, 2);
  int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

const char* path() { return g_path; }

void raw(std::string_view line) {
  if (int e = g_reopen_errno) {
    g_reopen_errno = 0;
    emit("error", std::string("log: cannot reopen ") + g_path + ": " + std::strerror(e) + "; still writing to the old file");
  }
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
