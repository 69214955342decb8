#include "http/client_address.h"

#include "common/strings.h"

namespace ecom::http {

std::optional<net::Address> client_address(const Request& req, const std::vector<net::Cidr>& trusted) {
  auto peer = net::parse_address(req.remote_addr);
  if (!peer || !net::contains_any(trusted, *peer)) return peer;
  const std::string* xff = req.header("x-forwarded-for");
  if (xff && !trim(*xff).empty()) {
    // Each proxy appends the address it got the request from: from the right, every entry up
    // to the first one that is not a trusted proxy was written by a trusted proxy.
    net::Address hop = *peer;
    auto entries = split(*xff, ',');
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      auto a = net::parse_address(*it);
      if (!a) return hop;  // garbage from a trusted hop: count the request under that hop
      if (!net::contains_any(trusted, *a)) return a;
      hop = *a;
    }
    return hop;  // every hop is trusted: the leftmost is the client
  }
  if (const std::string* real = req.header("x-real-ip")) {
    if (auto a = net::parse_address(*real)) return a;
  }
  return peer;
}

}  // namespace ecom::http
