// libFuzzer target: the request path without a database — FastCGI-like
// parameters → query parsing → routing → JSON body parsing and typed reads →
// catalog filter validation → Problem Details. Any input must end in a response
// or an ApiError, never a crash, a hang or an unexpected exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/product_filter.h"
#include "common/error.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/router.h"

namespace {

const ecom::http::Router& router() {
  static ecom::http::Router r = [] {
    ecom::http::Router x;
    for (const char* p : {"/health", "/api/catalog/products", "/api/catalog/products/{id}", "/api/cart/items/{itemId}",
                          "/provision/tenants/{provisioningId}/status", "/superadmin/tenants/{slug}"})
      x.add("GET", p, nullptr);
    x.add("POST", "/api/cart/items", nullptr);
    return x;
  }();
  return r;
}

// Splits the input at '\n' into: method, path, query, content type, body (the rest).
std::string field(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string out(in.substr(0, nl));
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ecom::http::Request req;
  req.method = field(in);
  req.path = field(in);
  req.raw_query = field(in);
  req.content_type = field(in);
  req.body = std::string(in);
  ecom::http::parse_query(req);
  ecom::http::Response res;
  try {
    auto m = router().match(req);
    (void)m;
    ecom::catalog::parse_product_filter(req);
    auto root = ecom::http::parse_json_body(req.body);
    ecom::Validator v;
    ecom::http::ObjectReader r(root.get(), v);
    r.string("productId", true);
    r.integer("quantity", true, 1, 1000000);
    r.boolean("isActive", false);
    r.object("features", false);
    std::string out;
    ecom::http::JsonWriter w(out);
    w.begin_object().field("ok", true).end_object();
  } catch (const ecom::ApiError& e) {
    ecom::http::write_problem(res, e, req.path);
  }
  return 0;
}
