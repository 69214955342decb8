// Turns one request into one response: request id, routing (404/405), body
// checks (413/415/400), tenant resolution (409/423), feature checks (403),
// the handler, and every error as Problem Details. Writes the request's log line.
#pragma once

#include "core/context.h"
#include "http/router.h"

namespace ecom {

class Dispatcher {
 public:
  Dispatcher(const http::Router& router, Services& services) : router_(router), services_(services) {}

  // Never throws.
  void handle(http::Request& req, http::Response& res);

 private:
  void resolve_tenant(Context& ctx, const http::RouteOptions& o);
  const http::Router& router_;
  Services& services_;
};

// Builds the application's route table (every module adds its routes).
http::Router build_router();

}  // namespace ecom
