// Pagination (CONTRACT §1): page ≥ 1 (default 1), pageSize 1–100 (default 20).
#pragma once

#include <cstdint>

#include "common/error.h"
#include "http/json_writer.h"
#include "http/request.h"

namespace ecom::http {

struct Page {
  int64_t page = 1;
  int64_t page_size = 20;
  int64_t offset() const { return (page - 1) * page_size; }
};

// Reads page/pageSize from the query; errors go to `v` keyed by parameter name.
Page parse_page(const Request& req, Validator& v);

int64_t total_pages(int64_t total_count, int64_t page_size);

// Writes the envelope's trailing fields: totalCount, page, pageSize, totalPages.
void write_page_fields(JsonWriter& w, const Page& p, int64_t total_count);

// Writes the whole envelope {items, totalCount, page, pageSize, totalPages}. `items`
// writes the array's elements; it is not called for a page past the end (no query).
template <typename F>
void write_paged(JsonWriter& w, const Page& p, int64_t total_count, F&& items) {
  w.begin_object();
  w.key("items").begin_array();
  if (total_count > p.offset()) items();
  w.end_array();
  write_page_fields(w, p, total_count);
  w.end_object();
}

}  // namespace ecom::http
