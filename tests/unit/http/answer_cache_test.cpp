#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "http/answer_cache.h"

using ecom::http::AnswerCache;
using ecom::http::AnswerStamp;
using ecom::http::none_match;
using ecom::http::strong_etag;

namespace {

size_t cost_of(const std::string& key, const std::string& body) {
  return AnswerCache::cost(key.size(), body.size(), strong_etag(body).size());
}

void put(AnswerCache& c, const std::string& key, const std::string& body, AnswerStamp s = {}, int64_t now = 0) {
  c.put(key, body, strong_etag(body), s, now);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(answer_cache)

BOOST_AUTO_TEST_CASE(hit_under_the_same_stamp_and_within_the_ttl) {
  AnswerCache c(1 << 20, 1000);
  put(c, "k", "body", {1, 2}, 100);
  const auto* a = c.find("k", {1, 2}, 1099);
  BOOST_REQUIRE(a);
  BOOST_TEST(a->body == "body");
  BOOST_TEST(a->etag == strong_etag("body"));
  BOOST_TEST(!c.find("other", {1, 2}, 100));
}

BOOST_AUTO_TEST_CASE(another_stamp_or_the_ttl_passed_is_a_miss_and_drops_the_entry) {
  AnswerCache c(1 << 20, 1000);
  put(c, "k", "body", {1, 2}, 100);
  BOOST_TEST(!c.find("k", {2, 2}, 100));  // the store's catalog changed
  BOOST_TEST(c.entries() == 0u);
  BOOST_TEST(c.bytes() == 0u);
  put(c, "k", "body", {1, 2}, 100);
  BOOST_TEST(!c.find("k", {1, 3}, 100));  // the tenancy generation moved
  put(c, "k", "body", {1, 2}, 100);
  BOOST_TEST(!c.find("k", {1, 2}, 1100));  // TTL over
  BOOST_TEST(c.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(disabled_by_a_zero_ttl_or_budget) {
  AnswerCache no_ttl(1 << 20, 0), no_bytes(0, 1000);
  BOOST_TEST(!no_ttl.enabled());
  BOOST_TEST(!no_bytes.enabled());
  put(no_ttl, "k", "body");
  put(no_bytes, "k", "body");
  BOOST_TEST(no_ttl.entries() == 0u);
  BOOST_TEST(no_bytes.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(lru_by_bytes_evicts_the_least_recently_used) {
  std::string body(1000, 'x');
  size_t one = cost_of("k1", body);
  AnswerCache c(3 * one, 1000);
  put(c, "k1", body);
  put(c, "k2", body);
  put(c, "k3", body);
  BOOST_TEST(c.bytes() == 3 * one);
  BOOST_REQUIRE(c.find("k1", {}, 0));  // k1 used: k2 is now the oldest
  put(c, "k4", body);
  BOOST_TEST(c.entries() == 3u);
  BOOST_TEST(c.bytes() <= c.max_bytes());
  BOOST_TEST(!c.find("k2", {}, 0));
  BOOST_TEST(c.find("k1", {}, 0));
  BOOST_TEST(c.find("k3", {}, 0));
  BOOST_TEST(c.find("k4", {}, 0));
}

BOOST_AUTO_TEST_CASE(the_budget_holds_over_many_keys_and_a_too_large_answer_is_not_kept) {
  AnswerCache c(50'000, 1000);
  for (int i = 0; i < 2000; ++i) {
    put(c, "key" + std::to_string(i), std::string(static_cast<size_t>(i % 700), 'y'));
    BOOST_REQUIRE(c.bytes() <= 50'000u);
  }
  BOOST_TEST(c.entries() > 10u);
  put(c, "huge", std::string(60'000, 'z'));
  BOOST_TEST(!c.find("huge", {}, 0));
  BOOST_TEST(c.bytes() <= 50'000u);
}

BOOST_AUTO_TEST_CASE(put_replaces_an_entry_under_the_same_key) {
  AnswerCache c(1 << 20, 1000);
  put(c, "k", "old");
  put(c, "k", "newer");
  BOOST_TEST(c.entries() == 1u);
  BOOST_TEST(c.bytes() == cost_of("k", "newer"));
  BOOST_TEST(c.find("k", {}, 0)->body == "newer");
}

BOOST_AUTO_TEST_CASE(strong_etags_are_quoted_and_follow_the_body) {
  std::string e = strong_etag("a");
  BOOST_TEST(e.size() == 34u);
  BOOST_TEST(e.front() == '"');
  BOOST_TEST(e.back() == '"');
  BOOST_TEST(strong_etag("a") == e);
  BOOST_TEST(strong_etag("b") != e);
}

BOOST_AUTO_TEST_CASE(if_none_match_per_rfc_9110) {
  const std::string e = "\"abc\"";
  BOOST_TEST(none_match("\"abc\"", e));
  BOOST_TEST(none_match("W/\"abc\"", e));  // weak comparison
  BOOST_TEST(none_match("*", e));
  BOOST_TEST(none_match("\"x\", \"abc\"", e));
  BOOST_TEST(none_match("\"x\",W/\"abc\"", e));
  BOOST_TEST(none_match(" ,\t\"abc\" ,", e));
  BOOST_TEST(!none_match("\"abd\"", e));
  BOOST_TEST(!none_match("abc", e));           // unquoted: malformed
  BOOST_TEST(!none_match("\"ab", e));          // unterminated
  BOOST_TEST(!none_match("\"x\" \"abc\"", e));  // no comma between tags
  BOOST_TEST(!none_match("", e));
  BOOST_TEST(!none_match("w/\"abc\"", e));  // the weak indicator is case-sensitive
  BOOST_TEST(!none_match("\"\"", e));
}

BOOST_AUTO_TEST_SUITE_END()
