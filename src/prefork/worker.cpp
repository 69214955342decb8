#include "prefork/worker.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/log.h"
#include "http/fcgi_transport.h"
#include "prefork/scoreboard.h"
#include "prefork/stop_signal.h"

namespace ecom::prefork {
namespace {

int64_t recycle_after(const WorkerOptions& o) {
  if (o.max_requests <= 0) return 0;
  uint32_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  return o.max_requests + (o.max_requests_jitter > 0 ? static_cast<int64_t>(r % (o.max_requests_jitter + 1)) : 0);
}

constexpr int kStop = -1, kFailed = -2;

// The next connection on the (non-blocking) listening socket: its fd, kStop when told to stop,
// or kFailed when accept failed (logged).
int next_connection(int listen_fd) {
  while (!stop_requested()) {
    // Under load a connection is usually waiting already: accept first, poll only when none is.
    int conn = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn >= 0) return conn;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      struct pollfd p {listen_fd, POLLIN, 0};
      poll(&p, 1, 500);  // readable, timeout or a signal: look at the stop flag again
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (stop_requested()) return kStop;
    log::error(std::string("worker: accept failed: ") + std::strerror(errno));
    return kFailed;
  }
  return kStop;
}

// The request in hand, as the master logs it and the status page shows it (escaped as in the log).
void publish_request(WorkerSlot& slot, const http::FcgiConnection& conn, const std::string& request_id) {
  std::string uri = conn.param("REQUEST_URI");
  std::string tenant = conn.param("HTTP_X_TENANT_SLUG");
  slot_begin_request(slot, log::field(conn.param("REQUEST_METHOD"), sizeof slot.method - 1),
                     log::field(uri.substr(0, uri.find('?')), sizeof slot.path - 1, log::kPathChars),
                     tenant.empty() ? "" : log::field(tenant, sizeof slot.tenant - 1), request_id);
}

void log_slow(const http::Request& req, int64_t took) {
  const std::string* tenant = req.header("x-tenant-slug");
  log::warn("slow request id=" + req.request_id + " tenant=" + (tenant ? log::field(*tenant, 192) : "-") + " " +
            log::field(req.method, 32) + " " + log::field(req.path, 200, log::kPathChars) + " took " +
            std::to_string(took) + " ms");
}

// One request, read from `conn` (its parameters already read), answered by `handle`.
void serve(http::FcgiConnection& conn, const WorkerOptions& o, const RequestHandler& handle, Scoreboard* sb,
           WorkerSlot* slot) {
  int64_t started = clock::mono_ms();
  http::Request req;
  http::Response res;
  conn.read_head(req);
  // Busy from the moment the request is accepted: a client that never sends its
  // body is subject to request_timeout too.
  if (slot) publish_request(*slot, conn, req.request_id);
  conn.read_body(req, o.max_body_bytes);
  handle(req, res);
  conn.write_response(res);
  conn.finish();
  int64_t took = clock::mono_ms() - started;
  if (slot) slot_end_request(*slot);
  if (sb) sb->accepted.fetch_add(1, std::memory_order_relaxed);
  if (o.slow_request_ms > 0 && took > o.slow_request_ms) {
    if (sb) sb->slow_requests.fetch_add(1, std::memory_order_relaxed);
    log_slow(req, took);
  }
}

}  // namespace

WorkerOptions worker_options(const Config& c, int listen_fd, int slot) {
  WorkerOptions o;
  o.listen_fd = listen_fd;
  o.slot = slot;
  o.max_body_bytes = static_cast<size_t>(c.max_body_bytes);
  o.max_requests = c.max_requests;
  o.max_requests_jitter = c.max_requests_jitter;
  o.slow_request_ms = c.slow_request_ms;
  return o;
}

int worker_run(const WorkerOptions& o, const RequestHandler& handle) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the master
  if (getppid() == 1) return 0;
  prctl(PR_SET_NAME, "ecom: worker");
  stop_signal_install(o.listen_fd);

  Scoreboard* sb = scoreboard();
  WorkerSlot* slot = (sb && o.slot >= 0 && o.slot < kMaxSlots) ? &sb->slots[o.slot] : nullptr;
  int64_t limit = recycle_after(o), served = 0;

  http::FcgiConnection conn(o.listen_fd);
  if (!conn.ready()) {
    log::error("worker: FCGX_InitRequest failed");
    return 1;
  }
  // The worker accepts connections itself (non-blocking, after poll) and hands each to
  // libfcgi, rather than letting libfcgi block in accept(): a stop signal then only ever
  // interrupts poll(), never libfcgi between accepting a connection and reading it (where
  // an interrupted select() makes libfcgi drop the connection).
  int flags = fcntl(o.listen_fd, F_GETFL);
  if (flags >= 0) fcntl(o.listen_fd, F_SETFL, flags | O_NONBLOCK);
  // SIGUSR1 (reopen the log, prefork/signals.h) waits while a request is in hand and is taken
  // between requests: it interrupts only the idle poll(), never a select() or poll() in libfcgi
  // or the database client. An idle worker still reopens at once.
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  for (;;) {
    int fd = next_connection(o.listen_fd);
    if (fd == kStop) break;
    if (fd == kFailed) return 1;
    sigprocmask(SIG_BLOCK, &usr1, nullptr);
    int rc = conn.accept(fd);
    if (rc < 0) {
      sigprocmask(SIG_UNBLOCK, &usr1, nullptr);
      if (stop_requested()) break;
      log::error("worker: reading a request failed (" + std::to_string(rc) + ")");
      conn.finish();
      continue;
    }
    serve(conn, o, handle, sb, slot);
    sigprocmask(SIG_UNBLOCK, &usr1, nullptr);
    if (limit > 0 && ++served >= limit) {
      log::info("worker: recycling after " + std::to_string(served) + " requests (max_requests)");
      break;
    }
  }
  return 0;
}

}  // namespace ecom::prefork
