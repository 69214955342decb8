#include "db/pool.h"

namespace ecom::db {

Connection& Pool::get(const std::string& url) {
  auto it = conns_.find(url);
  if (it != conns_.end()) return *it->second;
  ConnectOptions o = base_;
  o.url = url;
  auto [ins, _] = conns_.emplace(url, std::make_unique<Connection>(std::move(o)));
  return *ins->second;
}

Connection& Pool::get(const std::string& url, const std::string& user, const std::string& password) {
  auto it = conns_.find(url);
  if (it != conns_.end()) return *it->second;
  ConnectOptions o = base_;
  o.url = url;
  o.user = user;
  o.password = password;
  o.schema.clear();  // a server for stores has no control schema; store SQL names its schema
  auto [ins, _] = conns_.emplace(url, std::make_unique<Connection>(std::move(o)));
  return *ins->second;
}

}  // namespace ecom::db
