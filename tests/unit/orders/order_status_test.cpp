#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "orders/order_status.h"

using namespace ecom::orders;

namespace {
const OrderStatus kAll[] = {OrderStatus::Pending, OrderStatus::Paid, OrderStatus::Shipped, OrderStatus::Delivered,
                            OrderStatus::Cancelled};
}

BOOST_AUTO_TEST_SUITE(order_status)

BOOST_AUTO_TEST_CASE(names_round_trip) {
  BOOST_TEST(to_string(OrderStatus::Pending) == "PENDING");
  BOOST_TEST(to_string(OrderStatus::Paid) == "PAID");
  BOOST_TEST(to_string(OrderStatus::Shipped) == "SHIPPED");
  BOOST_TEST(to_string(OrderStatus::Delivered) == "DELIVERED");
  BOOST_TEST(to_string(OrderStatus::Cancelled) == "CANCELLED");
  for (OrderStatus s : kAll) BOOST_TEST((parse_order_status(to_string(s)) == s));
}

BOOST_AUTO_TEST_CASE(parse_is_exact) {
  for (const char* name : {"", "pending", "Paid", "PENDING ", " PAID", "CANCELED", "REFUNDED"})
    BOOST_TEST(!parse_order_status(name).has_value(), name);
}

BOOST_AUTO_TEST_CASE(names_for_messages) {
  BOOST_TEST(order_status_names() == "PENDING, PAID, SHIPPED, DELIVERED or CANCELLED");
}

BOOST_AUTO_TEST_CASE(allowed_moves) {
  BOOST_TEST(can_move(OrderStatus::Pending, OrderStatus::Paid));
  BOOST_TEST(can_move(OrderStatus::Paid, OrderStatus::Shipped));
  BOOST_TEST(can_move(OrderStatus::Shipped, OrderStatus::Delivered));
  BOOST_TEST(can_move(OrderStatus::Pending, OrderStatus::Cancelled));
  BOOST_TEST(can_move(OrderStatus::Paid, OrderStatus::Cancelled));
}

BOOST_AUTO_TEST_CASE(every_other_move_is_refused) {
  int allowed = 0;
  for (OrderStatus from : kAll)
    for (OrderStatus to : kAll) allowed += can_move(from, to);
  BOOST_TEST(allowed == 5);
  for (OrderStatus s : kAll) BOOST_TEST(!can_move(s, s));
  BOOST_TEST(!can_move(OrderStatus::Shipped, OrderStatus::Cancelled));
  BOOST_TEST(!can_move(OrderStatus::Delivered, OrderStatus::Cancelled));
  BOOST_TEST(!can_move(OrderStatus::Cancelled, OrderStatus::Pending));
  BOOST_TEST(!can_move(OrderStatus::Pending, OrderStatus::Shipped));
  BOOST_TEST(!can_move(OrderStatus::Paid, OrderStatus::Pending));
}

BOOST_AUTO_TEST_SUITE_END()
