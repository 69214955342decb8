// The account the workers run as. A master started as root (as PHP-FPM's is) forks each worker
// as server.user/server.group, so that a compromised worker can read none of the files only the
// master's user may read (the configuration, the administrative password file) and cannot touch
// the master or the provisioning agent. Workers never run as root.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "common/config.h"
#include "prefork/child_program.h"

namespace ecom::prefork {

struct RunAs {
  bool switch_user = false;  // false: the workers keep the master's user
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// What server.user/server.group mean for this process. nullopt with `error` when the account is
// unknown, or when the master is root and no other user is configured. `warning` is set when the
// setting cannot apply (not started as root) or leaves workers and agent under one user.
std::optional<RunAs> resolve_run_as(const Config& c, std::string& error, std::string* warning = nullptr);

// In a freshly forked worker: supplementary groups, group, then user; verifies that the old
// user cannot be regained. False with `error` on any failure (the worker must then exit).
bool drop_privileges(const RunAs& r, std::string& error);

// A worker's first init step: resolve server.user/server.group for its configuration and drop
// to that account (nothing to do when the master is not root).
InitStep switch_to_server_user();

}  // namespace ecom::prefork
