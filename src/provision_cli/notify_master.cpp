// Tells the running ecom-fcgi of this host that stores changed: SIGUSR2 (sigqueue, with the
// marker that asks for an answer) to the master named by server.pid_file, which bumps the
// generation every worker checks before using a cached store, then answers; this waits for it.
// Without a pid file, or with no master running, nothing is sent and the workers see the change
// within tenancy.cache_ttl_ms, as they do for changes made on another host.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "common/log.h"
#include "common/strings.h"
#include "prefork/signals.h"
#include "provision_cli/cli.h"

namespace ecom::provision_cli {

Notified notify_master(const Config& cfg) {
  if (cfg.pid_file.empty()) return Notified::NotRunning;
  std::ifstream in(cfg.pid_file);
  std::string line;
  if (!in || !std::getline(in, line)) return Notified::NotRunning;  // not running here
  auto pid = parse_int(std::string(trim(line)));
  if (!pid || *pid <= 1 || *pid > 0x3fffffff) return Notified::NotRunning;
  // Only an ecom-fcgi master: a stale pid file may name any process by now, and SIGUSR2 ends
  // most programs.
  std::ifstream comm("/proc/" + std::to_string(*pid) + "/comm");
  std::string name;
  if (!comm || !std::getline(comm, name) || name != "ecom: master") return Notified::NotRunning;
  // The master answers once the generation has moved, so that every request sent after this
  // command returns sees the change.
  // Ignored when not waited for: an answer arriving after the wait must not end this process
  // (a blocked signal is still queued for sigtimedwait while its disposition is SIG_IGN).
  signal(SIGUSR2, SIG_IGN);
  sigset_t usr2, old;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, &old);
  union sigval v;
  v.sival_int = prefork::kStoresChangedMarker;
  std::string problem;
  if (sigqueue(static_cast<pid_t>(*pid), SIGUSR2, v) != 0) {
    problem = std::strerror(errno);
  } else {
    struct timespec timeout {2, 0};
    siginfo_t info{};
    for (;;) {
      int s = sigtimedwait(&usr2, &info, &timeout);
      if (s == SIGUSR2 && info.si_pid == static_cast<pid_t>(*pid)) break;
      if (s < 0 && errno != EINTR) {
        problem = "no answer within 2 s";
        break;
      }
    }
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (problem.empty()) return Notified::Told;
  log::warn("cannot tell ecom-fcgi (pid " + std::to_string(*pid) + ") that stores changed: " + problem +
            "; its workers see the change within tenancy.cache_ttl_ms");
  return Notified::NoAnswer;
}

}  // namespace ecom::provision_cli
