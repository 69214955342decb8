#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>

#include "common/config.h"
#include "common/net.h"
#include "http/client_address.h"

using ecom::http::Request;
namespace net = ecom::net;

namespace {

std::string addr(const std::string& text) {
  auto a = net::parse_address(text);
  return a ? net::to_string(*a) : "(none)";
}

bool in(const std::string& cidr, const std::string& a) {
  auto c = net::parse_cidr(cidr);
  auto x = net::parse_address(a);
  BOOST_TEST_REQUIRE(c.has_value(), cidr);
  BOOST_TEST_REQUIRE(x.has_value(), a);
  return c->contains(*x);
}

std::string client(const std::string& trusted, const std::string& remote, const char* xff = nullptr,
                   const char* real_ip = nullptr) {
  auto list = net::parse_cidr_list(trusted);
  BOOST_TEST_REQUIRE(list.has_value(), trusted);
  Request r;
  r.remote_addr = remote;
  if (xff) r.headers["x-forwarded-for"] = xff;
  if (real_ip) r.headers["x-real-ip"] = real_ip;
  auto a = ecom::http::client_address(r, *list);
  return a ? net::limit_key(*a) : "(none)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_address)

BOOST_AUTO_TEST_CASE(addresses_are_parsed_and_normalised) {
  BOOST_TEST(addr("192.0.2.1") == "192.0.2.1");
  BOOST_TEST(addr(" 192.0.2.1 ") == "192.0.2.1");
  BOOST_TEST(addr("192.0.2.1:8443") == "192.0.2.1");
  BOOST_TEST(addr("2001:DB8:0:0::1") == "2001:db8::1");
  BOOST_TEST(addr("[2001:db8::1]:443") == "2001:db8::1");
  BOOST_TEST(addr("[2001:db8::1]") == "2001:db8::1");
  BOOST_TEST(addr("::ffff:192.0.2.7") == "192.0.2.7");  // IPv4-mapped is IPv4
  for (const char* bad : {"", "unknown", "192.0.2", "192.0.2.256", "192.0.2.1:", "192.0.2.1:99999x", "[192.0.2.1]",
                          "2001:db8::1:443:", "[2001:db8::1", "1.2.3.4/8", "_gateway"})
    BOOST_TEST(addr(bad) == "(none)", bad);
}

BOOST_AUTO_TEST_CASE(cidr_ranges_contain_what_they_should) {
  BOOST_TEST(in("10.0.0.0/8", "10.255.1.2"));
  BOOST_TEST(!in("10.0.0.0/8", "11.0.0.1"));
  BOOST_TEST(in("10.1.2.3/8", "10.9.9.9"));  // host bits are ignored
  BOOST_TEST(in("192.0.2.128/25", "192.0.2.200"));
  BOOST_TEST(!in("192.0.2.128/25", "192.0.2.127"));
  BOOST_TEST(in("127.0.0.1", "127.0.0.1"));
  BOOST_TEST(!in("127.0.0.1", "127.0.0.2"));
  BOOST_TEST(in("0.0.0.0/0", "203.0.113.9"));
  BOOST_TEST(!in("0.0.0.0/0", "2001:db8::1"));  // families never mix
  BOOST_TEST(in("2001:db8::/32", "2001:db8:ffff::1"));
  BOOST_TEST(!in("2001:db8::/33", "2001:db8:ffff::1"));
  BOOST_TEST(in("::1", "::1"));
  BOOST_TEST(in("10.0.0.0/8", "::ffff:10.0.0.5"));
  for (const char* bad : {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x", "/8", "example.com", "10.0.0.0/-1"})
    BOOST_TEST(!net::parse_cidr(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(lists_take_commas_and_blanks_and_name_a_bad_entry) {
  auto l = net::parse_cidr_list("127.0.0.1, ::1  10.0.0.0/8,,");
  BOOST_TEST_REQUIRE(l.has_value());
  BOOST_TEST(l->size() == 3u);
  BOOST_TEST(net::parse_cidr_list("")->empty());
  std::string bad;
  BOOST_TEST(!net::parse_cidr_list("127.0.0.1, localhost", &bad).has_value());
  BOOST_TEST(bad == "localhost");
}

BOOST_AUTO_TEST_CASE(ipv6_clients_are_counted_by_their_64) {
  BOOST_TEST(net::limit_key(*net::parse_address("2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64");
  BOOST_TEST(net::limit_key(*net::parse_address("2001:db8:1:2::9")) == "2001:db8:1:2::/64");
  BOOST_TEST(net::limit_key(*net::parse_address("198.51.100.4")) == "198.51.100.4");
}

BOOST_AUTO_TEST_CASE(an_untrusted_peer_is_the_client_whatever_it_says) {
  BOOST_TEST(client("", "198.51.100.7", "203.0.113.5") == "198.51.100.7");
  BOOST_TEST(client("", "198.51.100.7", nullptr, "203.0.113.5") == "198.51.100.7");
  BOOST_TEST(client("10.0.0.0/8", "198.51.100.7", "203.0.113.5") == "198.51.100.7");
  BOOST_TEST(client("", "") == "(none)");
}

BOOST_AUTO_TEST_CASE(behind_trusted_proxies_the_walk_goes_from_the_right) {
  std::string t = "10.0.0.0/8, 2001:db8:ffff::/48";
  BOOST_TEST(client(t, "10.1.1.1", "203.0.113.5") == "203.0.113.5");
  BOOST_TEST(client(t, "10.1.1.1", "203.0.113.5, 10.2.2.2") == "203.0.113.5");
  // What the client wrote itself (the left part) is never believed.
  BOOST_TEST(client(t, "10.1.1.1", "198.51.100.9, 203.0.113.6, 10.2.2.2") == "203.0.113.6");
  BOOST_TEST(client(t, "10.1.1.1", "10.9.9.9, 10.2.2.2") == "10.9.9.9");  // every hop trusted: the leftmost
  BOOST_TEST(client(t, "10.1.1.1", "203.0.113.5, junk, 10.2.2.2") == "10.2.2.2");
  BOOST_TEST(client(t, "10.1.1.1", "junk") == "10.1.1.1");
  BOOST_TEST(client(t, "10.1.1.1", "  ", "203.0.113.8") == "203.0.113.8");
  BOOST_TEST(client(t, "10.1.1.1", nullptr, "203.0.113.8") == "203.0.113.8");
  BOOST_TEST(client(t, "10.1.1.1", nullptr, "junk") == "10.1.1.1");
  BOOST_TEST(client(t, "10.1.1.1") == "10.1.1.1");
  BOOST_TEST(client(t, "2001:db8:ffff::1", "2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  BOOST_TEST(client(t, "10.1.1.1", "[2001:db8:5::1]:1234, 10.0.0.2") == "2001:db8:5::/64");
}

BOOST_AUTO_TEST_CASE(config_refuses_a_bad_trusted_proxy) {
  auto ok = ecom::parse_config("[server]\ntrusted_proxies = 127.0.0.1, ::1, 10.0.0.0/8\n", false);
  BOOST_TEST(ok.ok());
  BOOST_TEST(ok.config.trusted_proxies == "127.0.0.1, ::1, 10.0.0.0/8");
  auto bad = ecom::parse_config("[server]\ntrusted_proxies = 127.0.0.1, lb.example\n", false);
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.errors[0].find("lb.example") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hash_concurrency_defaults_to_half_the_workers) {
  ecom::Config c;
  c.workers = 8;
  BOOST_TEST(ecom::hash_concurrency(c) == 4);
  c.workers = 1;
  BOOST_TEST(ecom::hash_concurrency(c) == 1);
  c.max_concurrent_hashes = 3;
  BOOST_TEST(ecom::hash_concurrency(c) == 3);
}

BOOST_AUTO_TEST_SUITE_END()
