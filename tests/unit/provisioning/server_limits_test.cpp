#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "provisioning/server_limits.h"

using namespace ecom::provisioning;

BOOST_AUTO_TEST_SUITE(server_limits)

BOOST_AUTO_TEST_CASE(descriptors_bound_the_count_when_innodb_may_keep_more_files_open_than_there_are) {
  // The stack of issue 17: 20,000 descriptors, InnoDB allowed as many .ibd files, 500
  // connections, 15 tables a store: it broke at about 1,250 stores.
  ServerLimits l{20000, 20000, 500, 20000};
  BOOST_TEST(derive_capacity(l, 15) == (20000 - 500 - kDescriptorReserve) / 15);  // 1286
  BOOST_TEST(derive_capacity(l, 16) == (20000 - 500 - kDescriptorReserve) / 16);
  // Just over the line: innodb_open_files + max_connections + reserve = open_files_limit + 1.
  ServerLimits edge{10000, 10000 - 100 - kDescriptorReserve + 1, 100, 2000};
  BOOST_TEST(derive_capacity(edge, 10) == (10000 - 100 - kDescriptorReserve) / 10);
}

BOOST_AUTO_TEST_CASE(otherwise_the_tested_ceiling) {
  ServerLimits l{45000, 20000, 500, 20000};
  BOOST_TEST(derive_capacity(l, 15) == kStoresPerServerTested);
  ServerLimits exact{10000, 10000 - 100 - kDescriptorReserve, 100, 2000};  // exactly fits
  BOOST_TEST(derive_capacity(exact, 15) == kStoresPerServerTested);
  BOOST_TEST(kStoresPerServerTested == 10000);
}

BOOST_AUTO_TEST_CASE(never_above_the_ceiling_nor_below_zero) {
  ServerLimits many{1'000'000, 2'000'000, 100, 2000};
  BOOST_TEST(derive_capacity(many, 15) == kStoresPerServerTested);
  ServerLimits starved{500, 2000, 400, 2000};  // fewer descriptors than connections and reserve
  BOOST_TEST(derive_capacity(starved, 15) == 0);
  ServerLimits some{5000, 8000, 100, 2000};
  BOOST_TEST(derive_capacity(some, 0) == 5000 - 100 - kDescriptorReserve);  // a table count of 0 counts as 1
}

BOOST_AUTO_TEST_CASE(describes_what_it_was_derived_from) {
  BOOST_TEST(describe_limits(ServerLimits{45000, 20000, 500, 20000}, 16) ==
             "open_files_limit 45000, innodb_open_files 20000, max_connections 500, table_open_cache 20000, "
             "16 tables a store");
}

BOOST_AUTO_TEST_SUITE_END()
