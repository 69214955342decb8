#include "http/problem.h"

#include "http/json_writer.h"

namespace ecom::http {

void write_problem(Response& res, const ApiError& err, const std::string& instance) {
  res.status = err.status();
  res.content_type = "application/problem+json";
  for (const auto& h : err.headers) res.add_header(h.first, h.second);
  res.body.clear();
  JsonWriter w(res.body);
  w.begin_object();
  w.field("title", err.title());
  w.field("status", err.status());
  w.field("detail", err.detail());
  w.field("instance", instance);
  if (!err.errors().empty()) {
    w.key("errors").begin_object();
    for (const auto& [field, messages] : err.errors()) {
      w.key(field).begin_array();
      for (const auto& m : messages) w.string(m);
      w.end_array();
    }
    w.end_object();
  }
  w.end_object();
}

}  // namespace ecom::http
