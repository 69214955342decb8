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
#include "prefork/stop_signal.h"

namespace ecom::prefork {

int worker_run(const WorkerOptions& o, const RequestHandler& handle) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the master
  if (getppid() == 1) return 0;
  prctl(PR_SET_NAME, "ecom: worker");

  stop_signal_install(o.listen_fd);

  FCGX_Request fr;
  if (FCGX_InitRequest(&fr, o.listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
    log::error("worker: FCGX_InitRequest failed");
    return 1;
  }
  while (!stop_requested()) {
    int rc = FCGX_Accept_r(&fr);
    if (rc < 0) {
      if (stop_requested()) break;
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
