#include "catalog/product_filter.h"

#include "common/error.h"
#include "common/strings.h"
#include "common/uuid.h"

namespace ecom::catalog {
namespace {

std::optional<money::Cents> read_price(const http::Request& req, const char* name, Validator& v) {
  const std::string* raw = req.query_param(name);
  if (!raw) return std::nullopt;
  std::string_view s = *raw;
  if (!money::is_plain_decimal(s, 2) || s.size() > 15) {
    v.add(name, std::string(name) + " must be a non-negative decimal with at most two decimal places.");
    return std::nullopt;
  }
  return money::parse(s);
}

}  // namespace

ProductFilter parse_product_filter(const http::Request& req) {
  ProductFilter f;
  Validator v;
  f.page = http::parse_page(req, v);
  if (const std::string* s = req.query_param("search")) {
    std::string_view t = trim(*s);
    if (utf8_length(t) > 200) v.add("search", "search must be at most 200 characters.");
    else if (!t.empty()) f.search = std::string(t);
  }
  if (const std::string* c = req.query_param("categoryId")) {
    if (!uuid::is_valid(*c)) v.add("categoryId", "categoryId must be a UUID.");
    else f.category_id = uuid::normalize(*c);
  }
  f.min_price = read_price(req, "minPrice", v);
  f.max_price = read_price(req, "maxPrice", v);
  if (f.min_price && f.max_price && *f.min_price > *f.max_price)
    v.add("minPrice", "minPrice must not be greater than maxPrice.");
  if (const std::string* s = req.query_param("sort")) {
    if (*s == "name") f.sort = Sort::Name;
    else if (*s == "price") f.sort = Sort::Price;
    else if (*s == "-price") f.sort = Sort::PriceDesc;
    else if (*s == "newest") f.sort = Sort::Newest;
    else v.add("sort", "sort must be one of: name, price, -price, newest.");
  }
  v.throw_if_any();
  return f;
}

std::string canonical_key(const ProductFilter& f) {
  std::string k = "p=" + std::to_string(f.page.page) + "&n=" + std::to_string(f.page.page_size) +
                  "&o=" + std::to_string(static_cast<int>(f.sort));
  if (f.category_id) k += "&c=" + *f.category_id;
  if (f.min_price) k += "&lo=" + std::to_string(*f.min_price);
  if (f.max_price) k += "&hi=" + std::to_string(*f.max_price);
  // Last, length-prefixed: whatever the term holds cannot read as another field.
  if (f.search) k += "&q=" + std::to_string(f.search->size()) + ":" + *f.search;
  return k;
}

}  // namespace ecom::catalog
