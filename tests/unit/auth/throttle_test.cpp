#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "auth/throttle.h"

using ecom::auth::HashPermit;
using ecom::auth::Throttle;

namespace {

struct Mapped {
  Throttle* t = Throttle::map_shared();
  Mapped() { BOOST_TEST_REQUIRE(t != nullptr); }
  ~Mapped() { Throttle::unmap(t); }
};

// Runs `child` in a forked process that ends with _exit (as a killed worker would: no unwinding).
void in_child(void (*child)(Throttle*), Throttle* t) {
  pid_t pid = fork();
  BOOST_TEST_REQUIRE(pid >= 0);
  if (pid == 0) {
    child(t);
    _exit(0);
  }
  int status = 0;
  BOOST_TEST_REQUIRE(waitpid(pid, &status, 0) == pid);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(throttle)

BOOST_AUTO_TEST_CASE(a_bucket_allows_its_burst_then_refills_at_its_rate) {
  Mapped m;
  int64_t now = 1'000'000;
  for (int i = 0; i < 5; ++i) BOOST_TEST(m.t->take("198.51.100.1", 10, 5, now).allowed);
  auto refused = m.t->take("198.51.100.1", 10, 5, now);
  BOOST_TEST(!refused.allowed);
  BOOST_TEST(refused.retry_after == 6);  // 10 a minute: one every 6 s
  BOOST_TEST(m.t->take("198.51.100.2", 10, 5, now).allowed);  // another address has its own
  BOOST_TEST(!m.t->take("198.51.100.1", 10, 5, now + 5'000).allowed);
  BOOST_TEST(m.t->take("198.51.100.1", 10, 5, now + 6'100).allowed);
  BOOST_TEST(!m.t->take("198.51.100.1", 10, 5, now + 6'200).allowed);
  // Never more than the burst, however long it waited.
  int allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += m.t->take("198.51.100.1", 10, 5, now + 3'600'000).allowed ? 1 : 0;
  BOOST_TEST(allowed == 5);
  BOOST_TEST(m.t->take("198.51.100.1", 0, 5, now).allowed);  // 0 a minute: no limit
}

BOOST_AUTO_TEST_CASE(a_flood_of_other_addresses_cannot_free_a_limited_one) {
  Mapped m;
  int64_t now = 5'000'000;
  for (int i = 0; i < 3; ++i) m.t->take("attacker", 1, 3, now);
  BOOST_TEST(!m.t->take("attacker", 1, 3, now).allowed);
  // Many more addresses than the table holds, each using one attempt of three.
  for (int i = 0; i < 3 * Throttle::kEntries; ++i) m.t->take("198.51." + std::to_string(i), 1, 3, now);
  BOOST_TEST(!m.t->take("attacker", 1, 3, now).allowed);
}

BOOST_AUTO_TEST_CASE(hash_permits_are_capped_and_returned) {
  Mapped m;
  int64_t now = 1'000;
  int a = m.t->hold(2, now, 60'000), b = m.t->hold(2, now, 60'000);
  BOOST_TEST(a >= 0);
  BOOST_TEST(b >= 0);
  BOOST_TEST(m.t->hold(2, now, 60'000) == -1);
  BOOST_TEST(m.t->held() == 2);
  m.t->release(a);
  int c = m.t->hold(2, now, 60'000);
  BOOST_TEST(c >= 0);
  BOOST_TEST(m.t->hold(2, now, 60'000) == -1);
  // A hold older than any request can be is someone's lost permit.
  BOOST_TEST(m.t->hold(2, now + 60'001, 60'000) >= 0);
  {
    HashPermit none(nullptr, 1, 1);
    BOOST_TEST(none.granted());  // no table (the provisioner, tools): nothing to limit
  }
}

BOOST_AUTO_TEST_CASE(a_permit_of_a_dead_process_is_reclaimed) {
  Mapped m;
  in_child([](Throttle* t) { t->hold(1, 1'000, 3'600'000); }, m.t);
  BOOST_TEST(m.t->held() == 1);
  int got = m.t->hold(1, 2'000, 3'600'000);  // the holder is gone: its permit is free again
  BOOST_TEST(got >= 0);
  BOOST_TEST(m.t->hold(1, 2'000, 3'600'000) == -1);  // but a live holder keeps its own
}

BOOST_AUTO_TEST_CASE(a_process_killed_while_holding_the_lock_does_not_block_the_others) {
  Mapped m;
  in_child([](Throttle* t) { t->lock(); }, m.t);  // exits holding the lock
  BOOST_TEST(m.t->take("198.51.100.9", 10, 5, 1'000).allowed);  // would hang without a robust mutex
  BOOST_TEST(m.t->hold(1, 1'000, 60'000) >= 0);
}

BOOST_AUTO_TEST_SUITE_END()
