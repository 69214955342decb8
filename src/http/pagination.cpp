#include "http/pagination.h"

#include "common/strings.h"

namespace ecom::http {

static int64_t read_bound(const Request& req, const char* name, int64_t def, int64_t min, int64_t max,
                          Validator& v) {
  const std::string* raw = req.query_param(name);
  if (!raw) return def;
  auto n = parse_int(*raw);
  if (!n || *n < min || *n > max) {
    v.add(name, std::string(name) + " must be an integer between " + std::to_string(min) + " and " +
                    std::to_string(max) + ".");
    return def;
  }
  return *n;
}

Page parse_page(const Request& req, Validator& v) {
  Page p;
  p.page = read_bound(req, "page", 1, 1, 1'000'000, v);
  p.page_size = read_bound(req, "pageSize", 20, 1, 100, v);
  return p;
}

int64_t total_pages(int64_t total_count, int64_t page_size) {
  return page_size <= 0 ? 0 : (total_count + page_size - 1) / page_size;
}

void write_page_fields(JsonWriter& w, const Page& p, int64_t total_count) {
  w.field("totalCount", total_count);
  w.field("page", p.page);
  w.field("pageSize", p.page_size);
  w.field("totalPages", total_pages(total_count, p.page_size));
}

}  // namespace ecom::http
