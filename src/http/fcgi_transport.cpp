#include "http/fcgi_transport.h"

#include <fcgiapp.h>

#include <cstring>

#include "common/strings.h"

namespace ecom::http {
namespace {

std::string param(FCGX_Request& r, const char* name) {
  const char* v = FCGX_GetParam(name, r.envp);
  return v ? std::string(v) : std::string();
}

}  // namespace

void read_request(FCGX_Request& r, Request& req, size_t max_body) {
  req.method = param(r, "REQUEST_METHOD");
  std::string uri = param(r, "REQUEST_URI");
  size_t q = uri.find('?');
  std::string raw_path = uri.substr(0, q);
  req.raw_query = q == std::string::npos ? param(r, "QUERY_STRING") : uri.substr(q + 1);
  auto decoded = url_decode(raw_path, false);
  if (decoded && valid_utf8(*decoded)) {
    req.path = std::move(*decoded);
  } else {
    // Undecodable: keep the raw form, with anything that is not printable ASCII
    // replaced, so that it can be logged and echoed as "instance" safely.
    req.path = raw_path;
    for (auto& c : req.path)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  if (req.path.empty()) req.path = "/";
  req.content_type = param(r, "CONTENT_TYPE");
  req.remote_addr = param(r, "REMOTE_ADDR");

  for (char** e = r.envp; e && *e; ++e) {
    const char* kv = *e;
    if (std::strncmp(kv, "HTTP_", 5) != 0) continue;
    const char* eq = std::strchr(kv, '=');
    if (!eq) continue;
    std::string name;
    for (const char* p = kv + 5; p < eq; ++p)
      name.push_back(*p == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(*p))));
    req.headers.emplace(std::move(name), std::string(eq + 1));
  }
  parse_query(req);

  auto length = parse_int(param(r, "CONTENT_LENGTH"));
  if (length && *length > 0) {
    if (static_cast<uint64_t>(*length) > max_body) {
      req.body_too_large = true;
      return;
    }
    req.body.resize(static_cast<size_t>(*length));
    int got = FCGX_GetStr(req.body.data(), static_cast<int>(req.body.size()), r.in);
    req.body.resize(got > 0 ? static_cast<size_t>(got) : 0);
  }
}

bool write_response(FCGX_Request& r, const Response& res) {
  std::string head = "Status: " + std::to_string(res.status) + " " + reason_phrase(res.status) + "\r\n";
  bool has_body = res.status != 204 && res.status != 304;
  if (has_body) {
    head += "Content-Type: " + res.content_type + "\r\n";
    head += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
  }
  for (const auto& [k, v] : res.headers) {
    head += k;
    head += ": ";
    for (char c : v) head.push_back((c == '\r' || c == '\n') ? ' ' : c);
    head += "\r\n";
  }
  head += "\r\n";
  if (FCGX_PutStr(head.data(), static_cast<int>(head.size()), r.out) < 0) return false;
  if (has_body && !res.body.empty() &&
      FCGX_PutStr(res.body.data(), static_cast<int>(res.body.size()), r.out) < 0)
    return false;
  return true;
}

}  // namespace ecom::http
