// The only file pair that includes libfcgi: the FastCGI listening socket, and one
// worker's connection to nginx — a request's parameters and body copied into the
// application's Request, its Response written back.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "http/request.h"
#include "http/response.h"

struct FCGX_Request;

namespace ecom::http {

// libfcgi's process-wide set-up (once, in the master, before any fork). False on failure.
bool fcgi_init();

// A listening socket on `address` (a unix socket path, or host:port / :port), as libfcgi opens
// it. Needs fcgi_init(). Returns the fd, or -1 with errno set.
int fcgi_open_socket(const std::string& address, int backlog);

// One worker's FastCGI connection state, reused request after request: the worker accepts a
// connection on the listening socket itself and hands it over with accept().
class FcgiConnection {
 public:
  explicit FcgiConnection(int listen_fd);
  ~FcgiConnection();
  FcgiConnection(const FcgiConnection&) = delete;
  FcgiConnection& operator=(const FcgiConnection&) = delete;

  // False when libfcgi could not set the request up (the worker cannot serve).
  bool ready() const { return ready_; }

  // Reads a request's parameters from `conn`, a connection just accepted on the listening
  // socket (it belongs to libfcgi from now on). Returns libfcgi's code, < 0 on failure; either
  // way finish() follows.
  int accept(int conn);

  // The request line and headers, and the request's id (CONTRACT §1: the client's X-Request-Id
  // when valid, else a new one; chosen here and nowhere else). The body is not read yet.
  void read_head(Request& req) const;

  // A FastCGI parameter as sent ("REQUEST_URI", ...), "" when absent.
  std::string param(const char* name) const;

  // Reads at most `max_body` bytes of body; a longer body sets req.body_too_large instead.
  void read_body(Request& req, size_t max_body);

  // Writes status line, headers and body. Returns false when the client is gone.
  bool write_response(const Response& res);

  // Flushes the response and closes the connection (before the next accept()).
  void finish();

 private:
  std::unique_ptr<FCGX_Request> r_;
  bool ready_ = false;
};

}  // namespace ecom::http
