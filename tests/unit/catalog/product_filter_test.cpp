#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "catalog/product_filter.h"
#include "common/error.h"
#include "http/request.h"

using ecom::ApiError;
using ecom::catalog::like_contains_pattern;
using ecom::catalog::parse_product_filter;
using ecom::catalog::ProductFilter;
using ecom::catalog::Sort;
using ecom::http::Request;

namespace {

Request with_query(std::map<std::string, std::string> q) {
  Request r;
  r.method = "GET";
  r.path = "/api/catalog/products";
  r.query = std::move(q);
  return r;
}

// The ApiError parse_product_filter throws for `q`, if any.
std::optional<ApiError> error_for(std::map<std::string, std::string> q) {
  try {
    parse_product_filter(with_query(std::move(q)));
  } catch (const ApiError& e) {
    return e;
  }
  return std::nullopt;
}

std::set<std::string> error_keys(const ApiError& e) {
  std::set<std::string> keys;
  for (const auto& [k, v] : e.errors()) keys.insert(k);
  return keys;
}

void expect_400_with_keys(std::map<std::string, std::string> q, std::set<std::string> keys) {
  auto e = error_for(q);
  BOOST_TEST_REQUIRE(e.has_value(), "no ApiError thrown");
  BOOST_TEST(e->status() == 400);
  BOOST_TEST(error_keys(*e) == keys, boost::test_tools::per_element());
  for (const auto& [k, msgs] : e->errors()) BOOST_TEST(!msgs.empty(), "no message for " << k);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(product_filter)

BOOST_AUTO_TEST_CASE(empty_query_gives_defaults) {
  ProductFilter f = parse_product_filter(with_query({}));
  BOOST_TEST(!f.search.has_value());
  BOOST_TEST(!f.category_id.has_value());
  BOOST_TEST(!f.min_price.has_value());
  BOOST_TEST(!f.max_price.has_value());
  BOOST_CHECK(f.sort == Sort::Name);
  BOOST_TEST(f.page.page == 1);
  BOOST_TEST(f.page.page_size == 20);
}

BOOST_AUTO_TEST_CASE(reads_every_parameter) {
  ProductFilter f = parse_product_filter(with_query({{"search", "  Running Shoe "},
                                                     {"categoryId", "123E4567-E89B-12D3-A456-426614174000"},
                                                     {"minPrice", "10.5"},
                                                     {"maxPrice", "100"},
                                                     {"sort", "-price"},
                                                     {"page", "2"},
                                                     {"pageSize", "50"}}));
  BOOST_TEST(f.search.value_or("?") == "Running Shoe");
  BOOST_TEST(f.category_id.value_or("?") == "123e4567-e89b-12d3-a456-426614174000");
  BOOST_TEST(f.min_price.value_or(-1) == 1050);
  BOOST_TEST(f.max_price.value_or(-1) == 10000);
  BOOST_CHECK(f.sort == Sort::PriceDesc);
  BOOST_TEST(f.page.page == 2);
  BOOST_TEST(f.page.page_size == 50);
}

BOOST_AUTO_TEST_CASE(accepts_each_sort_value) {
  BOOST_CHECK(parse_product_filter(with_query({{"sort", "name"}})).sort == Sort::Name);
  BOOST_CHECK(parse_product_filter(with_query({{"sort", "price"}})).sort == Sort::Price);
  BOOST_CHECK(parse_product_filter(with_query({{"sort", "-price"}})).sort == Sort::PriceDesc);
  BOOST_CHECK(parse_product_filter(with_query({{"sort", "newest"}})).sort == Sort::Newest);
}

BOOST_AUTO_TEST_CASE(blank_search_is_no_filter) {
  BOOST_TEST(!parse_product_filter(with_query({{"search", ""}})).search.has_value());
  BOOST_TEST(!parse_product_filter(with_query({{"search", "   "}})).search.has_value());
}

BOOST_AUTO_TEST_CASE(search_keeps_wildcards_verbatim) {
  ProductFilter f = parse_product_filter(with_query({{"search", "50%_off\\"}}));
  BOOST_TEST(f.search.value_or("?") == "50%_off\\");
}

BOOST_AUTO_TEST_CASE(search_limit_counts_characters_not_bytes) {
  std::string e200;
  for (int i = 0; i < 200; ++i) e200 += "\xC3\xA9";  // 200 × é = 400 bytes
  BOOST_TEST(parse_product_filter(with_query({{"search", e200}})).search.value_or("?") == e200);
  BOOST_TEST(parse_product_filter(with_query({{"search", std::string(200, 'a')}})).search.has_value());
  expect_400_with_keys({{"search", std::string(201, 'a')}}, {"search"});
  expect_400_with_keys({{"search", e200 + "\xC3\xA9"}}, {"search"});
}

BOOST_AUTO_TEST_CASE(prices_accept_zero_and_equal_bounds) {
  ProductFilter f = parse_product_filter(with_query({{"minPrice", "0"}, {"maxPrice", "0.00"}}));
  BOOST_TEST(f.min_price.value_or(-1) == 0);
  BOOST_TEST(f.max_price.value_or(-1) == 0);
  ProductFilter g = parse_product_filter(with_query({{"minPrice", "254.99"}, {"maxPrice", "254.99"}}));
  BOOST_TEST(g.min_price.value_or(-1) == 25499);
  BOOST_TEST(g.max_price.value_or(-1) == 25499);
  ProductFilter h = parse_product_filter(with_query({{"maxPrice", "0.5"}}));
  BOOST_TEST(!h.min_price.has_value());
  BOOST_TEST(h.max_price.value_or(-1) == 50);
}

BOOST_AUTO_TEST_CASE(invalid_category_id_is_400) {
  expect_400_with_keys({{"categoryId", "abc"}}, {"categoryId"});
  expect_400_with_keys({{"categoryId", ""}}, {"categoryId"});
  expect_400_with_keys({{"categoryId", "123e4567-e89b-12d3-a456-42661417400"}}, {"categoryId"});
  expect_400_with_keys({{"categoryId", "123e4567e89b12d3a456426614174000"}}, {"categoryId"});
}

BOOST_AUTO_TEST_CASE(invalid_prices_are_400) {
  for (const char* bad : {"-1", "1.234", "abc", "1e3", "", "1.", ".5", "+5", "NaN", "1,5", "0x10",
                          "9999999999999999999999"}) {
    BOOST_TEST_CONTEXT("price \"" << bad << "\"") {
      expect_400_with_keys({{"minPrice", bad}}, {"minPrice"});
      expect_400_with_keys({{"maxPrice", bad}}, {"maxPrice"});
    }
  }
}

BOOST_AUTO_TEST_CASE(min_price_above_max_price_is_400) {
  expect_400_with_keys({{"minPrice", "100"}, {"maxPrice", "99.99"}}, {"minPrice"});
}

BOOST_AUTO_TEST_CASE(invalid_sort_is_400) {
  for (const char* bad : {"", "Name", "PRICE", "+price", "-name", "oldest", "price desc"}) {
    BOOST_TEST_CONTEXT("sort \"" << bad << "\"") { expect_400_with_keys({{"sort", bad}}, {"sort"}); }
  }
}

BOOST_AUTO_TEST_CASE(invalid_pagination_is_400) {
  expect_400_with_keys({{"page", "0"}}, {"page"});
  expect_400_with_keys({{"pageSize", "101"}}, {"pageSize"});
  expect_400_with_keys({{"page", "x"}, {"pageSize", "0"}}, {"page", "pageSize"});
}

BOOST_AUTO_TEST_CASE(collects_every_error_at_once) {
  expect_400_with_keys({{"categoryId", "nope"},
                        {"minPrice", "-5"},
                        {"maxPrice", "abc"},
                        {"sort", "random"},
                        {"page", "0"},
                        {"pageSize", "1000"},
                        {"search", std::string(300, 's')}},
                       {"categoryId", "minPrice", "maxPrice", "sort", "page", "pageSize", "search"});
}

BOOST_AUTO_TEST_CASE(unknown_parameters_are_ignored) {
  ProductFilter f = parse_product_filter(with_query({{"color", "red"}, {"utm_source", "x"}}));
  BOOST_CHECK(f.sort == Sort::Name);
}

BOOST_AUTO_TEST_CASE(like_pattern_wraps_term_in_percent) {
  BOOST_TEST(like_contains_pattern("shoe") == "%shoe%");
  BOOST_TEST(like_contains_pattern("") == "%%");
}

BOOST_AUTO_TEST_CASE(like_pattern_escapes_wildcards_and_backslash) {
  BOOST_TEST(like_contains_pattern("50%") == "%50\\%%");
  BOOST_TEST(like_contains_pattern("a_b") == "%a\\_b%");
  BOOST_TEST(like_contains_pattern("a\\b") == "%a\\\\b%");
  BOOST_TEST(like_contains_pattern("%_\\") == "%\\%\\_\\\\%");
  BOOST_TEST(like_contains_pattern("caf\xC3\xA9 'x'") == "%caf\xC3\xA9 'x'%");
}

BOOST_AUTO_TEST_SUITE_END()
