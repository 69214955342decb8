#include "prefork/run_as.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ecom::prefork {
namespace {

std::optional<passwd> find_user(const std::string& name, std::vector<char>& buf) {
  passwd pw{}, *found = nullptr;
  buf.resize(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) return std::nullopt;
  return pw;
}

std::optional<gid_t> find_group(const std::string& name) {
  group gr{}, *found = nullptr;
  std::vector<char> buf(16384);
  if (getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) != 0 || !found) return std::nullopt;
  return gr.gr_gid;
}

}  // namespace

std::optional<RunAs> resolve_run_as(const Config& c, std::string& error, std::string* warning) {
  RunAs r;
  bool root = geteuid() == 0;
  if (!root) {
    if (warning) {
      if (!c.user.empty()) {
        std::vector<char> buf;
        auto pw = find_user(c.user, buf);
        if (!pw || pw->pw_uid != geteuid())
          *warning = "server.user '" + c.user + "' is ignored: only a master started as root switches users";
      }
      if (warning->empty())
        *warning = "the workers run as the master's own user, like the provisioning agent: a compromised worker "
                   "could read what the agent reads (start the master as root with server.user set)";
    }
    return r;
  }
  if (c.user.empty()) {
    error = "ecom-fcgi runs as root: set server.user (and server.group) to the account the workers run as";
    return std::nullopt;
  }
  std::vector<char> buf;
  auto pw = find_user(c.user, buf);
  if (!pw) {
    error = "server.user '" + c.user + "' does not exist";
    return std::nullopt;
  }
  if (pw->pw_uid == 0) {
    error = "server.user must not be root: workers never run as root";
    return std::nullopt;
  }
  r.switch_user = true;
  r.uid = pw->pw_uid;
  r.gid = pw->pw_gid;
  r.name = c.user;
  if (!c.group.empty()) {
    auto g = find_group(c.group);
    if (!g) {
      error = "server.group '" + c.group + "' does not exist";
      return std::nullopt;
    }
    if (*g == 0) {
      error = "server.group must not be root";
      return std::nullopt;
    }
    r.gid = *g;
  }
  return r;
}

bool drop_privileges(const RunAs& r, std::string& error) {
  if (!r.switch_user) return true;
  auto fail = [&](const char* what) {
    error = std::string(what) + ": " + std::strerror(errno);
    return false;
  };
  if (setgroups(1, &r.gid) != 0) return fail("setgroups");
  if (setgid(r.gid) != 0) return fail("setgid");
  if (setuid(r.uid) != 0) return fail("setuid");
  if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0) {
    error = "root could be regained after switching users";
    return false;
  }
  return true;
}

InitStep switch_to_server_user() {
  return [](Config& config, std::string& error) {
    std::string why;
    auto run_as = resolve_run_as(config, why);
    if (run_as && drop_privileges(*run_as, why)) return true;
    error = "cannot switch to server.user: " + why;
    return false;
  };
}

}  // namespace ecom::prefork
