#include "prefork/worker.h"

#include <fcgiapp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/clock.h"
#include "common/log.h"
#include "http/fcgi_transport.h"
#include "prefork/scoreboard.h"
#include "prefork/stop_signal.h"

namespace ecom::prefork {
namespace {

std::string param_or_empty(FCGX_Request& fr, const char* name) {
  const char* v = FCGX_GetParam(name, fr.envp);
  return v ? v : "";
}

// The header's value as a string the request-id rule can inspect, or nullptr.
const std::string* param_or_null(FCGX_Request& fr, const char* name) {
  static thread_local std::string value;
  const char* v = FCGX_GetParam(name, fr.envp);
  if (!v) return nullptr;
  value = v;
  return &value;
}

int64_t recycle_after(const WorkerOptions& o) {
  if (o.max_requests <= 0) return 0;
  uint32_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  return o.max_requests + (o.max_requests_jitter > 0 ? static_cast<int64_t>(r % (o.max_requests_jitter + 1)) : 0);
}

}  // namespace

int worker_run(const WorkerOptions& o, const RequestHandler& handle) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the master
  if (getppid() == 1) return 0;
  prctl(PR_SET_NAME, "ecom: worker");
  stop_signal_install(o.listen_fd);

  Scoreboard* sb = scoreboard();
  WorkerSlot* slot = (sb && o.slot >= 0 && o.slot < kMaxSlots) ? &sb->slots[o.slot] : nullptr;
  int64_t limit = recycle_after(o), served = 0;

  FCGX_Request fr;
  if (FCGX_InitRequest(&fr, o.listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
    log::error("worker: FCGX_InitRequest failed");
    return 1;
  }
  // The worker accepts connections itself (non-blocking, after poll) and hands each to
  // libfcgi, rather than letting FCGX_Accept_r block in accept(): a stop signal then
  // only ever interrupts poll(), never libfcgi between accepting a connection and reading
  // it (where an interrupted select() makes libfcgi drop the connection).
  int flags = fcntl(o.listen_fd, F_GETFL);
  if (flags >= 0) fcntl(o.listen_fd, F_SETFL, flags | O_NONBLOCK);
  while (!stop_requested()) {
    // Under load a connection is usually waiting already: accept first, poll only when none is.
    int conn = accept4(o.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        struct pollfd p {o.listen_fd, POLLIN, 0};
        poll(&p, 1, 500);  // readable, timeout or a signal: look at the stop flag again
        continue;
      }
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (stop_requested()) break;
      log::error(std::string("worker: accept failed: ") + std::strerror(errno));
      return 1;
    }
    // libfcgi reads the request from an already open connection when ipcFd is set and
    // the previous request's cleanup (inside FCGX_Accept_r) is told to keep it.
    fr.ipcFd = conn;
    fr.keepConnection = 1;
    int rc = FCGX_Accept_r(&fr);
    if (rc < 0) {
      if (stop_requested()) break;
      log::error("worker: reading a request failed (" + std::to_string(rc) + ")");
      FCGX_Finish_r(&fr);
      continue;
    }
    int64_t started = clock::mono_ms();
    // Busy from the moment the request is accepted: a client that never sends its
    // body is subject to request_timeout too.
    std::string request_id = http::choose_request_id(param_or_null(fr, "HTTP_X_REQUEST_ID"));
    if (slot) {
      // Escaped as in the log: the master logs these texts, the status page shows them.
      std::string uri = param_or_empty(fr, "REQUEST_URI");
      std::string tenant = param_or_empty(fr, "HTTP_X_TENANT_SLUG");
      slot_begin_request(*slot, log::field(param_or_empty(fr, "REQUEST_METHOD"), sizeof slot->method - 1),
                         log::field(uri.substr(0, uri.find('?')), sizeof slot->path - 1, log::kPathChars),
                         tenant.empty() ? "" : log::field(tenant, sizeof slot->tenant - 1), request_id);
    }
    http::Request req;
    http::Response res;
    http::read_request(fr, req, o.max_body_bytes);
    req.request_id = request_id;
    handle(req, res);
    http::write_response(fr, res);
    FCGX_Finish_r(&fr);
    int64_t took = clock::mono_ms() - started;
    if (slot) slot_end_request(*slot);
    if (sb) sb->accepted.fetch_add(1, std::memory_order_relaxed);
    if (o.slow_request_ms > 0 && took > o.slow_request_ms) {
      if (sb) sb->slow_requests.fetch_add(1, std::memory_order_relaxed);
      const std::string* tenant = req.header("x-tenant-slug");
      log::warn("slow request id=" + req.request_id + " tenant=" + (tenant ? log::field(*tenant, 192) : "-") + " " +
                log::field(req.method, 32) + " " + log::field(req.path, 200, log::kPathChars) + " took " +
                std::to_string(took) + " ms");
    }
    if (limit > 0 && ++served >= limit) {
      log::info("worker: recycling after " + std::to_string(served) + " requests (max_requests)");
      break;
    }
  }
  FCGX_Free(&fr, 1);
  return 0;
}

}  // namespace ecom::prefork
