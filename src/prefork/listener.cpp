#include "prefork/listener.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "http/fcgi_transport.h"

namespace ecom::prefork {

static bool is_unix_path(const std::string& a) { return !a.empty() && a[0] == '/'; }

int listener_open(const std::string& address, int backlog, int mode, std::string& error) {
  if (is_unix_path(address)) {
    struct stat st;
    if (lstat(address.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        error = address + " exists and is not a socket";
        return -1;
      }
      unlink(address.c_str());
    }
  }
  if (is_unix_path(address)) {
    // Created with the final mode: no window in which others may connect.
    mode_t old = umask(static_cast<mode_t>(~mode & 0777));
    int fd = http::fcgi_init() ? http::fcgi_open_socket(address, backlog) : -1;
    umask(old);
    if (fd < 0) {
      error = "cannot listen on " + address + ": " + std::strerror(errno);
      return -1;
    }
    if (chmod(address.c_str(), static_cast<mode_t>(mode)) != 0) {
      error = "cannot chmod " + address + ": " + std::strerror(errno);
      close(fd);
      return -1;
    }
    return fd;
  }
  if (!http::fcgi_init()) {
    error = "FCGX_Init failed";
    return -1;
  }
  int fd = http::fcgi_open_socket(address, backlog);
  if (fd < 0) {
    error = "cannot listen on " + address + ": " + std::strerror(errno);
    return -1;
  }
  return fd;
}

void listener_cleanup(const std::string& address) {
  if (is_unix_path(address)) unlink(address.c_str());
}

}  // namespace ecom::prefork
