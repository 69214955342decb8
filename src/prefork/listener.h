// The listening socket the master opens and every worker inherits.
#pragma once

#include <string>

namespace ecom::prefork {

// `address` is a unix socket path (absolute) or host:port / :port.
// A stale unix socket file is replaced; its mode is set to `mode`.
// Returns the fd, or -1 with `error` set.
int listener_open(const std::string& address, int backlog, int mode, std::string& error);

// Removes the unix socket file, if any (at master exit).
void listener_cleanup(const std::string& address);

}  // namespace ecom::prefork
