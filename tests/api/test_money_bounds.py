"""Money at its limits: an order's amounts live in DECIMAL(12,2) columns (at most
9,999,999,999.99), so a cart whose total would not fit is refused with 400 by quote and
place-order (nothing written, stock unchanged); cart amounts beyond 64 bits stay exact."""

import json
import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import assert_problem  # noqa: E402
from accounts import admin_call, admin_ok, assert_field_error  # noqa: E402

P = acc.ADMIN_PRODUCTS
MAX = Decimal("9999999999.99")

STORE = None   # tax and shipping as created (15 %, 10.00 below 100.00)
ADMIN = None


def setup_module():
    global STORE, ADMIN
    STORE = ecom.new_store("ENTERPRISE")
    ADMIN = acc.new_admin(STORE)


def new_product(price, stock=5):
    """A product created through the admin API at `price` (raw JSON text or a number)."""
    name = f"Costly {uuid.uuid4().hex[:10]}"
    raw = '{"name": "%s", "price": %s, "stock": %d}' % (name, price, stock)
    resp = admin_call(ADMIN, "POST", P, raw_body=raw, **{"Content-Type": "application/json"})
    assert resp.status == 201, resp
    return resp.json()


def schema():
    return ecom.schema_of(STORE)


def order_rows():
    return int(ecom.sql_value("SELECT COUNT(*) FROM orders", db=schema()))


def order_item_rows():
    return int(ecom.sql_value("SELECT COUNT(*) FROM order_items", db=schema()))


def assert_total_refused(resp):
    body = assert_problem(resp, 400)
    text = (body["title"] + " " + body["detail"]).lower()
    assert "total" in text and "9999999999.99" in body["detail"], body
    return body


# --------------------------------------------------------------------------- order totals

def test_admin_prices_reach_the_columns_maximum_and_no_further():
    got = new_product("9999999999.99")
    shop.assert_money(got["price"], "9999999999.99")
    shop.assert_money(got["finalPrice"], "9999999999.99")
    for too_big in ("10000000000", "10000000000.00", "1e11", "1e400"):
        body = {"name": f"Too big {uuid.uuid4().hex[:8]}", "price": 0}
        raw = json.dumps(body).replace('"price": 0', '"price": ' + too_big)
        resp = admin_call(ADMIN, "POST", P, raw_body=raw, **{"Content-Type": "application/json"})
        assert_field_error(resp, "price")


def test_a_cart_whose_total_exceeds_the_maximum_is_400_on_quote_and_place_order():
    pid = new_product("9999999999.99", stock=5)["id"]
    sid = shop.new_session()
    cart = shop.add_ok(STORE, sid, pid, 2)
    # The cart itself may hold it, and shows it exactly.
    shop.assert_money(cart["subtotal"], "19999999999.98")
    shop.assert_money(cart["items"][0]["subtotal"], "19999999999.98")
    orders, items = order_rows(), order_item_rows()

    assert_total_refused(shop.quote(STORE, sid))
    assert_total_refused(shop.place(STORE, sid))

    assert order_rows() == orders and order_item_rows() == items, "an order was written"
    assert shop.stock_of(STORE, pid) == 5
    after = shop.get_cart(STORE, sid)
    assert after.status == 200 and after.json()["items"][0]["quantity"] == 2, after


def test_a_subtotal_that_fits_but_a_total_that_does_not_is_400():
    # 9,999,999,999.99 + 15 % tax is beyond the column; the subtotal alone is not.
    pid = new_product("9999999999.99", stock=5)["id"]
    sid = shop.new_session()
    shop.add_ok(STORE, sid, pid, 1)
    orders = order_rows()
    assert_total_refused(shop.quote(STORE, sid))
    assert_total_refused(shop.place(STORE, sid))
    assert order_rows() == orders and shop.stock_of(STORE, pid) == 5


def test_an_order_of_exactly_the_maximum_is_placed():
    store = ecom.new_store("PREMIUM")
    shop.set_settings(store, tax_rate="0", shipping_flat="10.00", free_shipping_threshold="100.00")
    pid = shop.product(store, price="9999999999.99", stock=3)
    sid = shop.new_session()
    shop.add_ok(store, sid, pid, 1)
    q = shop.quote(store, sid)
    assert q.status == 200, q
    shop.assert_money(q.json()["total"], "9999999999.99")
    _, placed = shop.place_ok(store, sid)
    shop.assert_money(placed["total"], "9999999999.99")
    assert shop.stock_of(store, pid) == 2
    row = ecom.sql(f"SELECT subtotal, total FROM orders WHERE id = {ecom.q(placed['orderId'])}",
                   db=ecom.schema_of(store))[0]
    assert [Decimal(v) for v in row] == [MAX, MAX], row


def test_cart_amounts_beyond_64_bits_stay_exact_and_checkout_refuses_them():
    # 9,999,999,999.99 × 10,000,000 = 99,999,999,999,900,000.00: 10^19 cents, past int64.
    store = ecom.new_store("ENTERPRISE")
    ecom.set_limit_override(store, "maxCartItems", 1_000_000_000)
    pid = shop.product(store, price="9999999999.99", stock=1_000_000_000)
    sid = shop.new_session()
    for _ in range(10):
        resp = shop.add(store, sid, pid, 1_000_000)
        assert resp.status == 200, resp
    cart = shop.get_cart(store, sid)
    assert cart.status == 200, cart
    body = cart.json(decimal=True)
    expected = MAX * 10_000_000
    assert body["itemCount"] == 10_000_000, body
    assert Decimal(body["items"][0]["subtotal"]) == expected, body
    assert Decimal(body["subtotal"]) == expected, body
    orders = int(ecom.sql_value("SELECT COUNT(*) FROM orders", db=ecom.schema_of(store)))
    assert_total_refused(shop.quote(store, sid))
    assert_total_refused(shop.place(store, sid))
    assert int(ecom.sql_value("SELECT COUNT(*) FROM orders", db=ecom.schema_of(store))) == orders
    assert shop.stock_of(store, pid) == 1_000_000_000
