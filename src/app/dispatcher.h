// Turns one request into one response: routing (404/405), body checks
// (413/415), then what the route declares it needs — the store (409/423),
// its features (403), the caller (401/403), the parsed JSON body (400) —
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
  void prepare(Context& ctx, const http::RouteOptions& o);
  const http::Router& router_;
  Services& services_;
};

// Builds the application's route table (every module adds its routes).
http::Router build_router();

}  // namespace ecom
