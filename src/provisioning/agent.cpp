#include "provisioning/agent.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.h"
#include "common/log.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "prefork/scoreboard.h"
#include "prefork/stop_signal.h"
#include "provisioning/provisioner.h"

namespace ecom::provisioning {
namespace {

constexpr size_t kMaxMessage = 64 * 1024;

void set_timeouts(int fd, int seconds) {
  struct timeval tv {seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads until the peer shuts down its side, or the limit / timeout hits.
bool read_all(int fd, std::string& out) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxMessage) return false;
  }
}

const char* kind_name(ProvisionError::Kind k) {
  switch (k) {
    case ProvisionError::Invalid: return "Invalid";
    case ProvisionError::PlanNotFound: return "PlanNotFound";
    case ProvisionError::SlugTaken: return "SlugTaken";
    case ProvisionError::NotFound: return "NotFound";
    case ProvisionError::UnknownServer: return "UnknownServer";
    case ProvisionError::Full: return "Full";
    case ProvisionError::Failed: break;
  }
  return "Failed";
}

std::string serve_one(Provisioner& p, const std::string& request) {
  std::string out;
  http::JsonWriter w(out);
  try {
    auto root = http::parse_json_body(request);
    Validator v;
    http::ObjectReader r(root.get(), v);
    auto op = r.string("op", true).value_or("");
    auto slug = r.string("slug", true).value_or("");
    TenantRecord t;
    std::string token;
    if (op == "create") {
      t = p.create(slug, r.string("name", true).value_or(""), r.string("plan", true).value_or(""),
                   r.string("adminEmail", false).value_or(""), &token, r.string("server", false).value_or(""));
    } else if (op == "repair") {
      t = p.repair(slug);
    } else {
      throw ProvisionError(ProvisionError::Invalid, "unknown operation");
    }
    w.begin_object().field("ok", true).field("slug", t.slug).field("status", t.status);
    if (!token.empty()) w.field("adminActivationToken", token);
    w.end_object();
  } catch (const ProvisionError& e) {
    if (e.kind() == ProvisionError::Failed) log::error(std::string("provisioning agent: ") + e.what());
    if (e.kind() == ProvisionError::Full) log::info(std::string("provisioning agent: refused: ") + e.what());
    w.begin_object().field("ok", false).field("kind", kind_name(e.kind())).field("error", e.what()).end_object();
  } catch (const std::exception& e) {
    log::error(std::string("provisioning agent: ") + e.what());
    out.clear();
    http::JsonWriter w2(out);
    w2.begin_object().field("ok", false).field("kind", "Failed").field("error", e.what()).end_object();
  }
  return out;
}

}  // namespace

bool read_admin_password(Config& cfg, std::string&) {
  std::string err;
  if (auto pw = admin_password(cfg, err)) cfg.admin_password = *pw;
  else log::error("provisioning agent: " + err);
  return true;
}

int agent_run(const Config& cfg, int listen_fd) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return 0;
  prctl(PR_SET_NAME, "ecom: agent");
  prefork::stop_signal_install(listen_fd);
  std::unique_ptr<Provisioner> p;
  while (!prefork::stop_requested()) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;  // the listening descriptor was replaced: stopping
    }
    set_timeouts(fd, 10);
    std::string request;
    bool received = read_all(fd, request);
    if (received && cfg.admin_password.empty()) {
      // No administrative credentials (admin_database.password_file unset or unreadable; the
      // agent logged why when it started): nothing to try.
      std::string out;
      http::JsonWriter w(out);
      w.begin_object().field("ok", false).field("kind", "Unavailable").field("error", "no administrative credentials");
      w.end_object();
      write_all(fd, out);
    } else if (received) {
      if (!p) p = std::make_unique<Provisioner>(cfg);
      try {
        p->control().use_schema(cfg.control_schema);
      } catch (const std::exception&) {
        // Reported by the operation itself.
      }
      std::string reply = serve_one(*p, request);
      // Whatever it did (even a failed step changes a store's status): every worker reads its
      // stores again before answering the next request.
      prefork::announce_tenancy_change();
      write_all(fd, reply);
    }
    close(fd);
  }
  return 0;
}

int agent_wait_seconds(const Config& cfg) {
  constexpr int64_t kMaxWait = 60;
  if (cfg.request_timeout <= 0) return static_cast<int>(kMaxWait);
  return static_cast<int>(std::clamp<int64_t>(cfg.request_timeout - 2, 1, kMaxWait));
}

AgentReply agent_call(const Config& cfg, const std::string& request_json, int timeout_seconds) {
  std::string path = agent_socket_path(cfg);
  auto unavailable = [](const std::string& why) {
    log::error("provisioning agent unavailable: " + why);
    AgentReply r;
    r.kind = "Unavailable";
    r.error = why;
    return r;
  };
  if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) return unavailable("no agent socket configured");
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unavailable(std::strerror(errno));
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string why = std::strerror(errno);
    close(fd);
    return unavailable(path + ": " + why);
  }
  set_timeouts(fd, 10);
  bool sent = write_all(fd, request_json) && shutdown(fd, SHUT_WR) == 0;
  std::string reply;
  set_timeouts(fd, timeout_seconds);
  bool ok = sent && read_all(fd, reply);
  int read_errno = errno;
  close(fd);
  AgentReply r;
  if (sent && !ok && reply.empty() && (read_errno == EAGAIN || read_errno == EWOULDBLOCK)) {
    // The request was handed over and the agent works on it (or will, after the one in hand):
    // the caller answers "accepted" rather than keep the worker past its request_timeout.
    r.in_progress = true;
    return r;
  }
  if (!ok || reply.empty()) return unavailable("no answer");
  try {
    auto root = http::parse_json_body(reply);
    Validator v;
    http::ObjectReader rd(root.get(), v);
    r.ok = rd.boolean("ok", true).value_or(false);
    r.kind = rd.string("kind", false).value_or("");
    r.error = rd.string("error", false).value_or("");
    r.slug = rd.string("slug", false).value_or("");
    r.status = rd.string("status", false).value_or("");
    r.admin_activation_token = rd.string("adminActivationToken", false).value_or("");
  } catch (const ApiError&) {  // the reply is not the JSON object the agent writes
    return unavailable("malformed answer");
  }
  return r;
}

}  // namespace ecom::provisioning
