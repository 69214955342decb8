// Method + path-pattern routing. Patterns are literal segments and `{name}`
// parameters. The router itself decides: found, 405 (with the allowed methods),
// or 404.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/request.h"

namespace ecom {
struct Context;
}

namespace ecom::http {

using Handler = std::function<void(Context&)>;

// Who may call a route; the dispatcher checks it before the handler runs.
enum class Auth {
  kNone,        // anyone (a handler may still read an optional token)
  kCustomer,    // a signed-in account of the store: a customer or its admin (401)
  kAdmin,       // the store's admin, by the account's current role (401/403)
  kSuperadmin,  // the platform's super admin (401/403)
};

// Whether a route takes a JSON body, parsed by the dispatcher before the handler runs.
enum class JsonBody {
  kNone,      // not read (a body is still checked for size and media type)
  kRequired,  // an empty body is 400
  kOptional,  // may be empty (ctx.body() is then null); if sent, it must be valid JSON
};

// What a route needs before its handler runs, in the order the dispatcher checks it.
struct RouteOptions {
  bool tenant = false;                     // resolve X-Tenant-Slug (409/423)
  std::vector<const char*> features = {};  // features that must all be on (403), snake_case
  Auth auth = Auth::kNone;
  JsonBody json_body = JsonBody::kNone;    // parsed once (400); the handler reads ctx.body()
  // The route writes what public catalog answers show (products, categories, stock, settings):
  // after it ran, the dispatcher tells every worker's answer cache (core/answer.h).
  bool changes_catalog = false;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  RouteOptions options;
};

struct Match {
  enum Kind { kFound, kNotFound, kMethodNotAllowed } kind = kNotFound;
  const Route* route = nullptr;
  std::string allow;  // "GET, POST" for 405
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler h, RouteOptions o = {});
  // Fills req.params on success.
  Match match(Request& req) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace ecom::http
