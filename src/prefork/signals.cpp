#include "prefork/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>

namespace ecom::prefork {
namespace {

int g_pipe[2] = {-1, -1};

void on_signal(int signo) {
  int saved = errno;
  unsigned char b = static_cast<unsigned char>(signo);
  ssize_t r = write(g_pipe[1], &b, 1);
  (void)r;
  errno = saved;
}

}  // namespace

int signals_install_master() {
  if (pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2}) sigaction(s, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return g_pipe[0];
}

int signals_next(int fd) {
  unsigned char b;
  ssize_t r = read(fd, &b, 1);
  return r == 1 ? b : 0;
}

void signals_reset_in_child() {
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2}) signal(s, SIG_DFL);
  if (g_pipe[0] >= 0) close(g_pipe[0]);
  if (g_pipe[1] >= 0) close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
}

}  // namespace ecom::prefork
