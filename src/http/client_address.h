// Which client a request comes from, for per-address limits. The connection's
// address (REMOTE_ADDR) is the client unless it is one of server.trusted_proxies:
// then X-Forwarded-For is walked from the right, over the trusted proxies' own
// addresses, to the first address no trusted proxy owns (X-Real-IP when there is
// no X-Forwarded-For). Nobody else can choose the address they are counted under.
#pragma once

#include <optional>
#include <vector>

#include "common/net.h"
#include "http/request.h"

namespace ecom::http {

// nullopt when REMOTE_ADDR is missing or not an IP address (a unix-socket client).
std::optional<net::Address> client_address(const Request& req, const std::vector<net::Cidr>& trusted);

}  // namespace ecom::http
