// Per-process connections, one per database server (keyed by URL), opened
// lazily on first use and reused for every request and every store on that
// server. Bounded however many stores exist. Opening is lazy: a server that is down costs only
// the requests that need it. Not thread-safe (one per worker).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "db/connection.h"

namespace ecom::db {

class Pool {
 public:
  // `base` carries the credentials and timeouts; the URL varies per server.
  explicit Pool(ConnectOptions base) : base_(std::move(base)) {}

  Connection& get(const std::string& url);
  // The connection to `url` with an account of that server's own (its [db_server.NAME] section);
  // opened with it on first use, without a default schema. Still one connection per URL.
  Connection& get(const std::string& url, const std::string& user, const std::string& password);
  size_t size() const { return conns_.size(); }

 private:
  ConnectOptions base_;
  std::map<std::string, std::unique_ptr<Connection>> conns_;
};

}  // namespace ecom::db
