// The application's own copy of an HTTP request (libfcgi's strings die at the
// next accept, so everything is copied here once by fcgi_transport).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::http {

struct Request {
  std::string method;
  std::string path;          // decoded path, without the query string
  std::string raw_query;     // as received
  std::string content_type;  // may be empty
  std::string remote_addr;   // the client's address as nginx saw it (REMOTE_ADDR)
  std::string body;
  bool body_too_large = false;

  // Headers the application reads, lowercased names ("x-tenant-slug", "authorization", ...).
  std::map<std::string, std::string> headers;

  // Query parameters: the first value of each name, percent-decoded.
  // Parameters that failed to decode are listed in bad_query_params.
  std::map<std::string, std::string> query;
  std::vector<std::string> bad_query_params;

  // Path parameters filled by the router ("id" → "...").
  std::map<std::string, std::string> params;

  std::string request_id;

  const std::string* header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? nullptr : &it->second;
  }
  const std::string* query_param(std::string_view name) const {
    auto it = query.find(std::string(name));
    return it == query.end() ? nullptr : &it->second;
  }
  const std::string& param(const std::string& name) const { return params.at(name); }
};

// Splits "a=1&b=x%20y" into req.query (first value wins) and records undecodable names.
void parse_query(Request& req);

// The X-Request-Id rule of CONTRACT §1: the client's value when it is 1–64 chars of
// [A-Za-z0-9._-], else a new UUID v4.
std::string choose_request_id(const std::string* incoming);

}  // namespace ecom::http
