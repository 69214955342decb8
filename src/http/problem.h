// The only writer of application/problem+json (RFC 9457).
#pragma once

#include <string>

#include "common/error.h"
#include "http/response.h"

namespace ecom::http {

// Fills `res` with the problem for `err`; `instance` is the request path.
void write_problem(Response& res, const ApiError& err, const std::string& instance);

}  // namespace ecom::http
