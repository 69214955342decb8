#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "catalog/product_filter.h"
#include "http/request.h"

using ecom::catalog::canonical_key;
using ecom::catalog::parse_product_filter;

namespace {

// The key of a raw query string as the transport would decode it.
std::string key_of(const std::string& raw_query) {
  ecom::http::Request r;
  r.method = "GET";
  r.path = "/api/catalog/products";
  r.raw_query = raw_query;
  ecom::http::parse_query(r);
  return canonical_key(parse_product_filter(r));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog_canonical_key)

BOOST_AUTO_TEST_CASE(spellings_of_the_same_filter_share_a_key) {
  const std::vector<std::vector<std::string>> same = {
      {"", "page=1", "pageSize=20", "page=1&pageSize=20", "sort=name", "unknown=1", "page=1&page=7"},
      {"page=2&pageSize=5&sort=price", "sort=price&pageSize=5&page=2", "pageSize=5&page=2&sort=price&x=y"},
      {"minPrice=10&maxPrice=20.5", "maxPrice=20.50&minPrice=10.00", "minPrice=10.0&maxPrice=20.5"},
      {"categoryId=6F9619FF-8B86-D011-B42D-00C04FC964FF", "categoryId=6f9619ff-8b86-d011-b42d-00c04fc964ff"},
      {"search=wireless", "search=%20wireless%20", "search=wire%6Cess"},
      {"search=", "search=%20%20", ""},
  };
  for (const auto& group : same)
    for (const auto& q : group) BOOST_TEST(key_of(q) == key_of(group.front()), q << " vs " << group.front());
}

BOOST_AUTO_TEST_CASE(different_filters_get_different_keys) {
  const std::vector<std::string> queries = {
      "",
      "page=2",
      "pageSize=21",
      "sort=price",
      "sort=-price",
      "sort=newest",
      "minPrice=10",
      "maxPrice=10",
      "minPrice=10&maxPrice=10",
      "categoryId=6f9619ff-8b86-d011-b42d-00c04fc964ff",
      "search=a",
      "search=A",
      "search=a%26q%3D1",  // a term that spells another field is still only a term
      "search=a&minPrice=1",
      "search=a%26lo%3D100",
  };
  std::set<std::string> keys;
  for (const auto& q : queries) keys.insert(key_of(q));
  BOOST_TEST(keys.size() == queries.size());
}

BOOST_AUTO_TEST_SUITE_END()
