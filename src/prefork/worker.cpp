#include "prefork/worker.h"

#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <initializer_list>

#include "common/log.h"
#include "http/fcgi_transport.h"

namespace ecom::prefork {
namespace {

volatile sig_atomic_t g_stop = 0;
int g_listen_fd = -1;

// Stop accepting: a plain (non-listening) socket replaces the listening fd, so a
// blocked or imminent accept() fails at once instead of waiting for a client.
void on_stop(int) {
  int saved = errno;
  g_stop = 1;
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s >= 0) {
    dup2(s, g_listen_fd);
    close(s);
  }
  errno = saved;
}

}  // namespace

int worker_run(const WorkerOptions& o, const RequestHandler& handle) {
  g_listen_fd = o.listen_fd;
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the master
  if (getppid() == 1) return 0;
  prctl(PR_SET_NAME, "ecom: worker");

  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  // SA_RESTART keeps an in-flight request's reads and writes (and the database
  // client's) from failing with EINTR; a restarted accept() finds the replaced
  // descriptor and fails at once, which ends the loop.
  sa.sa_flags = SA_RESTART;
  for (int s : {SIGTERM, SIGINT, SIGQUIT}) sigaction(s, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);

  FCGX_Request fr;
  if (FCGX_InitRequest(&fr, o.listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
    log::error("worker: FCGX_InitRequest failed");
    return 1;
  }
  while (!g_stop) {
    int rc = FCGX_Accept_r(&fr);
    if (rc < 0) {
      if (g_stop) break;
      if (rc == -EINTR) continue;
      log::error("worker: accept failed (" + std::to_string(rc) + ")");
      FCGX_Finish_r(&fr);
      return 1;
    }
    http::Request req;
    http::Response res;
    http::read_request(fr, req, o.max_body_bytes);
    handle(req, res);
    http::write_response(fr, res);
    FCGX_Finish_r(&fr);
  }
  FCGX_Free(&fr, 1);
  return 0;
}

}  // namespace ecom::prefork
