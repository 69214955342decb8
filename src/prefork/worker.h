// A worker process: accepts FastCGI requests on the inherited listening
// socket one at a time and hands each to the application. SIGTERM/SIGINT/
// SIGQUIT finish the request in flight, then exit 0.
#pragma once

#include <functional>

#include "http/request.h"
#include "http/response.h"

namespace ecom::prefork {

struct WorkerOptions {
  int listen_fd = -1;
  size_t max_body_bytes = 1 << 20;
};

using RequestHandler = std::function<void(http::Request&, http::Response&)>;

// Runs the accept loop until told to stop; returns the process exit code.
int worker_run(const WorkerOptions& o, const RequestHandler& handle);

}  // namespace ecom::prefork
