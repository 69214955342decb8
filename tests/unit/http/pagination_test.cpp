#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "common/error.h"
#include "http/json_writer.h"
#include "http/pagination.h"
#include "http/request.h"

using ecom::Validator;
using ecom::http::Page;
using ecom::http::parse_page;
using ecom::http::Request;
using ecom::http::total_pages;

namespace {
Request with_query(std::initializer_list<std::pair<const std::string, std::string>> q) {
  Request r;
  r.method = "GET";
  r.path = "/api/catalog/products";
  r.query = q;
  return r;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(pagination)

BOOST_AUTO_TEST_CASE(defaults_to_page_1_size_20) {
  Validator v;
  Page p = parse_page(with_query({}), v);
  BOOST_TEST(v.ok());
  BOOST_TEST(p.page == 1);
  BOOST_TEST(p.page_size == 20);
  BOOST_TEST(p.offset() == 0);
}

BOOST_AUTO_TEST_CASE(reads_page_and_page_size) {
  Validator v;
  Page p = parse_page(with_query({{"page", "3"}, {"pageSize", "50"}}), v);
  BOOST_TEST(v.ok());
  BOOST_TEST(p.page == 3);
  BOOST_TEST(p.page_size == 50);
  BOOST_TEST(p.offset() == 100);
}

BOOST_AUTO_TEST_CASE(accepts_bounds) {
  Validator v;
  Page p = parse_page(with_query({{"page", "1"}, {"pageSize", "1"}}), v);
  BOOST_TEST(v.ok());
  BOOST_TEST(p.page_size == 1);
  Page p2 = parse_page(with_query({{"pageSize", "100"}}), v);
  BOOST_TEST(v.ok());
  BOOST_TEST(p2.page_size == 100);
  BOOST_TEST(p2.page == 1);
}

BOOST_AUTO_TEST_CASE(out_of_range_page_size_is_an_error) {
  for (const char* s : {"0", "101", "-1", "1000000"}) {
    Validator v;
    parse_page(with_query({{"pageSize", s}}), v);
    BOOST_TEST(v.errors().count("pageSize") == 1u, "pageSize=" << s);
    BOOST_TEST(v.errors().count("page") == 0u);
  }
}

BOOST_AUTO_TEST_CASE(out_of_range_page_is_an_error) {
  for (const char* s : {"0", "-1", "-100"}) {
    Validator v;
    parse_page(with_query({{"page", s}}), v);
    BOOST_TEST(v.errors().count("page") == 1u, "page=" << s);
    BOOST_TEST(v.errors().count("pageSize") == 0u);
  }
}

BOOST_AUTO_TEST_CASE(non_integer_values_are_errors) {
  for (const char* s : {"", "abc", "1.5", "1e2", " 2", "2 ", "+2", "0x10", "99999999999999999999999"}) {
    Validator v;
    parse_page(with_query({{"page", s}, {"pageSize", s}}), v);
    BOOST_TEST(v.errors().count("page") == 1u, "page=\"" << s << "\"");
    BOOST_TEST(v.errors().count("pageSize") == 1u, "pageSize=\"" << s << "\"");
  }
}

BOOST_AUTO_TEST_CASE(errors_make_validator_throw_400) {
  Validator v;
  parse_page(with_query({{"page", "0"}, {"pageSize", "500"}}), v);
  try {
    v.throw_if_any();
    BOOST_FAIL("expected ApiError");
  } catch (const ecom::ApiError& e) {
    BOOST_TEST(e.status() == 400);
    BOOST_TEST(e.errors().size() == 2u);
  }
}

BOOST_AUTO_TEST_CASE(large_page_is_accepted) {
  Validator v;
  Page p = parse_page(with_query({{"page", "1000"}, {"pageSize", "100"}}), v);
  BOOST_TEST(v.ok());
  BOOST_TEST(p.offset() == 99900);
}

BOOST_AUTO_TEST_CASE(total_pages_is_ceiling) {
  BOOST_TEST(total_pages(0, 20) == 0);
  BOOST_TEST(total_pages(1, 20) == 1);
  BOOST_TEST(total_pages(19, 20) == 1);
  BOOST_TEST(total_pages(20, 20) == 1);
  BOOST_TEST(total_pages(21, 20) == 2);
  BOOST_TEST(total_pages(45, 20) == 3);
  BOOST_TEST(total_pages(100, 1) == 100);
  BOOST_TEST(total_pages(5, 0) == 0);
}

BOOST_AUTO_TEST_CASE(writes_envelope_fields) {
  std::string out;
  ecom::http::JsonWriter w(out);
  Page p;
  p.page = 2;
  p.page_size = 20;
  w.begin_object().key("items").begin_array().end_array();
  ecom::http::write_page_fields(w, p, 45);
  w.end_object();
  BOOST_TEST(out == R"({"items":[],"totalCount":45,"page":2,"pageSize":20,"totalPages":3})");
}

BOOST_AUTO_TEST_SUITE_END()
