#include "prefork/stop_signal.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>

namespace ecom::prefork {
namespace {

volatile sig_atomic_t g_stop = 0;
int g_listen_fd = -1;

void on_stop(int) {
  int saved = errno;
  g_stop = 1;
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s >= 0) {
    dup2(s, g_listen_fd);
    close(s);
  }
  errno = saved;
}

}  // namespace

void stop_signal_install(int listen_fd) {
  g_listen_fd = listen_fd;
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int s : {SIGTERM, SIGINT, SIGQUIT}) sigaction(s, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
}

bool stop_requested() { return g_stop != 0; }

}  // namespace ecom::prefork
