// A worker process: accepts FastCGI requests on the inherited listening
// socket one at a time and hands each to the application, publishing its state
// in the scoreboard. It exits after max_requests (plus jitter) so a slow leak
// cannot grow forever; TERM/INT/QUIT finish the request in flight, then exit 0.
#pragma once

#include <cstdint>
#include <functional>

#include "common/config.h"
#include "http/request.h"
#include "http/response.h"

namespace ecom::prefork {

struct WorkerOptions {
  int listen_fd = -1;
  int slot = -1;  // scoreboard slot
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  int64_t max_requests = 0;  // 0 = never recycle
  int64_t max_requests_jitter = 0;
  int64_t slow_request_ms = 0;  // 0 = no slow log
};

// The options of a worker started with `c` on `listen_fd`, in scoreboard slot `slot`.
WorkerOptions worker_options(const Config& c, int listen_fd, int slot);

using RequestHandler = std::function<void(http::Request&, http::Response&)>;

// Runs the accept loop until told to stop (or recycled); returns the exit code.
int worker_run(const WorkerOptions& o, const RequestHandler& handle);

}  // namespace ecom::prefork
