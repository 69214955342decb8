#include "prefork/signals.h"

#include "common/log.h"
#include "prefork/scoreboard.h"

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

// SIGUSR2: stores changed. Handled right here, not through the pipe, so that the generation has
// moved by the time the sender hears back (an atomic add and kill(2) are async-signal-safe).
// Only a sender that asked for an answer (sigqueue with kStoresChangedMarker) gets one: a plain
// `kill -USR2` from a shell must not be answered with a signal that would end the shell.
void on_stores_changed(int, siginfo_t* info, void*) {
  int saved = errno;
  if (Scoreboard* sb = scoreboard()) sb->tenancy_generation.fetch_add(1, std::memory_order_acq_rel);
  if (info && info->si_code == SI_QUEUE && info->si_value.sival_int == kStoresChangedMarker && info->si_pid > 0) {
    union sigval v;
    v.sival_int = kStoresChangedMarker;
    sigqueue(info->si_pid, SIGUSR2, v);
  }
  errno = saved;
}

// SIGUSR1 in a child: the log file again, right here (log::reopen is async-signal-safe and swaps
// the descriptor in one dup2, so no line is lost or split whatever the child is doing).
void on_reopen_logs(int) {
  int saved = errno;
  log::reopen();
  errno = saved;
}

}  // namespace

int signals_install_master() {
  if (pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1}) sigaction(s, &sa, nullptr);
  struct sigaction changed {};
  changed.sa_sigaction = on_stores_changed;
  sigemptyset(&changed.sa_mask);
  changed.sa_flags = SA_RESTART | SA_SIGINFO;
  sigaction(SIGUSR2, &changed, nullptr);
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
  struct sigaction reopen {};
  reopen.sa_handler = on_reopen_logs;
  sigemptyset(&reopen.sa_mask);
  reopen.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &reopen, nullptr);
}

}  // namespace ecom::prefork
