#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_MODULE ecom_unit
#include <boost/test/unit_test.hpp>
