"""Money at its limits: an order's amounts live in DECIMAL(12,2) columns (at most
9,999,999,999.99), so a cart whose total would not fit is refused with 400 by quote and
place-order (nothing written, stock unchanged); cart amounts beyond 64 bits stay exact; money
inputs with more than two decimals are refused, never rounded."""

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
SETTINGS = "/api/admin/settings"
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


# --------------------------------------------------------------------------- money inputs

def test_prices_with_more_than_two_decimals_are_refused_not_rounded():
    for price in ("19.999", "19.99999", "19.9999999", "1234567.891", "0.001", "0.015", "19.99000001",
                  "9999999999.989", "9999999999.999"):
        raw = '{"name": "Odd %s", "price": %s}' % (uuid.uuid4().hex[:8], price)
        resp = admin_call(ADMIN, "POST", P, raw_body=raw, **{"Content-Type": "application/json"})
        body = assert_field_error(resp, "price")
        if price != "9999999999.999":  # which is also above the maximum
            assert "decimal" in " ".join(body["errors"]["price"]), (price, body)
    pid = new_product("5")["id"]
    for price in ("19.999", "4.99999"):
        resp = admin_call(ADMIN, "PATCH", f"{P}/{pid}", raw_body='{"price": %s}' % price,
                          **{"Content-Type": "application/json"})
        assert_field_error(resp, "price")
    assert admin_ok(ADMIN, "GET", f"{P}/{pid}")["price"] == 5


def test_prices_that_are_two_decimal_amounts_are_accepted():
    # Every spelling of a two-decimal amount, and what a client computing in binary floating
    # point sends for one (0.1 + 0.2 = 0.30000000000000004).
    for raw, expected in (("19.99", "19.99"), ("19.990", "19.99"), ("1.999e1", "19.99"), ("1e2", "100"),
                          ("0.30000000000000004", "0.3"), ("1.1499999999999999", "1.15"),
                          ("9999999999.99", "9999999999.99"), ("0", "0"), ("-0", "0"), ("0.01", "0.01")):
        got = new_product(raw)
        shop.assert_money(got["price"], expected, f"price {raw}")
        assert Decimal(ecom.sql_value(f"SELECT price FROM products WHERE id = {ecom.q(got['id'])}",
                                      db=schema())) == Decimal(expected), raw


def test_settings_amounts_with_more_than_two_decimals_are_refused():
    before = admin_ok(ADMIN, "GET", SETTINGS)
    for field, raw in (("shippingFlat", "4.999"), ("shippingFlat", "4.99999"), ("shippingFlat", "999999.991"),
                       ("freeShippingThreshold", "50.001"), ("freeShippingThreshold", "12345678.901"),
                       ("freeShippingThreshold", "99.9999999"), ("taxRate", "0.12345"),
                       ("taxRate", "0.15000001")):
        resp = admin_call(ADMIN, "PATCH", SETTINGS, raw_body='{"%s": %s}' % (field, raw),
                          **{"Content-Type": "application/json"})
        assert_field_error(resp, field)
    assert admin_ok(ADMIN, "GET", SETTINGS) == before
    resp = admin_call(ADMIN, "PATCH", SETTINGS, raw_body='{"shippingFlat": 4.990, "taxRate": 0.0825}',
                      **{"Content-Type": "application/json"})
    assert resp.status == 200, resp
    shop.assert_money(resp.json()["shippingFlat"], "4.99")
    admin_ok(ADMIN, "PATCH", SETTINGS, body={"taxRate": 0.15, "shippingFlat": 10, "freeShippingThreshold": 100})


def test_price_filters_with_more_than_two_decimals_are_refused():
    for param in ("minPrice", "maxPrice"):
        for value in ("19.999", "0.001", "1e2", "-1"):
            resp = ecom.get(ecom.url("/api/catalog/products", **{param: value}), STORE)
            shop.assert_errors_key(resp, 400, param)
