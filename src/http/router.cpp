#include "http/router.h"

#include <algorithm>

#include "common/strings.h"

namespace ecom::http {
namespace {

std::vector<std::string> path_segments(std::string_view path) {
  std::vector<std::string> segs;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) segs.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return segs;
}

bool is_param(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

void Router::add(std::string method, std::string pattern, Handler h, RouteOptions o) {
  Route r;
  r.method = std::move(method);
  r.segments = path_segments(pattern);
  r.pattern = std::move(pattern);
  r.handler = std::move(h);
  r.options = o;
  routes_.push_back(std::move(r));
}

Match Router::match(Request& req) const {
  Match m;
  // A trailing slash is a different resource; "/health/" is not "/health".
  if (req.path.size() > 1 && req.path.back() == '/') return m;
  auto segs = path_segments(req.path);
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i)
      if (!is_param(r.segments[i]) && r.segments[i] != segs[i]) ok = false;
    if (!ok) continue;
    if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
      req.params.clear();
      for (size_t i = 0; i < segs.size(); ++i)
        if (is_param(r.segments[i])) req.params[r.segments[i].substr(1, r.segments[i].size() - 2)] = segs[i];
      m.kind = Match::kFound;
      m.route = &r;
      return m;
    }
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) allowed.push_back(r.method);
  }
  if (!allowed.empty()) {
    m.kind = Match::kMethodNotAllowed;
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.push_back("HEAD");
    for (size_t i = 0; i < allowed.size(); ++i) m.allow += (i ? ", " : "") + allowed[i];
  }
  return m;
}

}  // namespace ecom::http
