#include "http/fcgi_transport.h"

#include <fcgiapp.h>

#include <cstring>

#include "common/strings.h"

namespace ecom::http {
namespace {

std::string param_of(const FCGX_Request& r, const char* name) {
  const char* v = FCGX_GetParam(name, r.envp);
  return v ? std::string(v) : std::string();
}

}  // namespace

bool fcgi_init() { return FCGX_Init() == 0; }

int fcgi_open_socket(const std::string& address, int backlog) { return FCGX_OpenSocket(address.c_str(), backlog); }

FcgiConnection::FcgiConnection(int listen_fd) : r_(std::make_unique<FCGX_Request>()) {
  ready_ = FCGX_InitRequest(r_.get(), listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) == 0;
}

FcgiConnection::~FcgiConnection() {
  if (ready_) FCGX_Free(r_.get(), 1);
}

int FcgiConnection::accept(int conn) {
  // libfcgi reads the request from an already open connection when ipcFd is set and
  // the previous request's cleanup (inside FCGX_Accept_r) is told to keep it.
  r_->ipcFd = conn;
  r_->keepConnection = 1;
  return FCGX_Accept_r(r_.get());
}

std::string FcgiConnection::param(const char* name) const { return param_of(*r_, name); }

void FcgiConnection::read_head(Request& req) const {
  const FCGX_Request& r = *r_;
  req.method = param_of(r, "REQUEST_METHOD");
  std::string uri = param_of(r, "REQUEST_URI");
  size_t q = uri.find('?');
  std::string raw_path = uri.substr(0, q);
  req.raw_query = q == std::string::npos ? param_of(r, "QUERY_STRING") : uri.substr(q + 1);
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
  req.content_type = param_of(r, "CONTENT_TYPE");
  req.remote_addr = param_of(r, "REMOTE_ADDR");

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
  std::string incoming_id = param_of(r, "HTTP_X_REQUEST_ID");
  req.request_id = choose_request_id(&incoming_id);
}

void FcgiConnection::read_body(Request& req, size_t max_body) {
  auto length = parse_int(param_of(*r_, "CONTENT_LENGTH"));
  if (length && *length > 0) {
    if (static_cast<uint64_t>(*length) > max_body) {
      req.body_too_large = true;
      return;
    }
    req.body.resize(static_cast<size_t>(*length));
    int got = FCGX_GetStr(req.body.data(), static_cast<int>(req.body.size()), r_->in);
    req.body.resize(got > 0 ? static_cast<size_t>(got) : 0);
  }
}

bool FcgiConnection::write_response(const Response& res) {
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
  if (FCGX_PutStr(head.data(), static_cast<int>(head.size()), r_->out) < 0) return false;
  if (has_body && !res.body.empty() &&
      FCGX_PutStr(res.body.data(), static_cast<int>(res.body.size()), r_->out) < 0)
    return false;
  return true;
}

void FcgiConnection::finish() { FCGX_Finish_r(r_.get()); }

}  // namespace ecom::http
