// The only file pair that includes libfcgi: copies a FastCGI request into the
// application's Request and writes a Response back.
#pragma once

#include <cstddef>

#include "http/request.h"
#include "http/response.h"

struct FCGX_Request;

namespace ecom::http {

// Copies everything the application needs out of `r` (libfcgi's strings die at
// the next accept). Reads at most `max_body` bytes; a longer body sets
// req.body_too_large instead.
void read_request(FCGX_Request& r, Request& req, size_t max_body);

// Writes status line, headers and body. Returns false when the client is gone.
bool write_response(FCGX_Request& r, const Response& res);

}  // namespace ecom::http
