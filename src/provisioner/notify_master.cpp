// Tells the running ecom-fcgi of this host that stores changed: SIGUSR2 to the master named by
// server.pid_file, which bumps the generation every worker checks before using a cached store.
// Without a pid file, or with no master running, nothing is sent and the workers see the change
// within tenancy.cache_ttl_ms, as they do for changes made on another host.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "common/log.h"
#include "common/strings.h"
#include "provisioner/cli.h"

namespace ecom::provisioner {

void notify_master(const Config& cfg) {
  if (cfg.pid_file.empty()) return;
  std::ifstream in(cfg.pid_file);
  std::string line;
  if (!in || !std::getline(in, line)) return;  // not running here
  auto pid = parse_int(std::string(trim(line)));
  if (!pid || *pid <= 1 || *pid > 0x3fffffff) return;
  // Only an ecom-fcgi master: a stale pid file may name any process by now, and SIGUSR2 ends
  // most programs.
  std::ifstream comm("/proc/" + std::to_string(*pid) + "/comm");
  std::string name;
  if (!comm || !std::getline(comm, name) || name != "ecom: master") return;
  if (kill(static_cast<pid_t>(*pid), SIGUSR2) != 0)
    log::warn("cannot tell ecom-fcgi (pid " + std::to_string(*pid) + ") that stores changed: " +
              std::strerror(errno) + "; its workers see the change within tenancy.cache_ttl_ms");
}

}  // namespace ecom::provisioner
