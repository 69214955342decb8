"""POST /api/checkout/quote (document §5.1, CONTRACT §7): totals from the store's settings,
shipping threshold, rounding, empty cart, stale cart (409), feature flag, headers."""

import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
from ecom import http, assert_problem  # noqa: E402
from shop import hdrs, new_session, add_ok, quote, get_cart, delete_item, clear_cart  # noqa: E402

S = None            # default settings (0.15, 10.00, 100.00)
CUSTOM = None       # settings changed by SQL
CHECKOUT_OFF = None


def setup_module():
    global S, CUSTOM, CHECKOUT_OFF
    S = ecom.new_store("PREMIUM")
    CUSTOM = ecom.new_store("PREMIUM")
    CHECKOUT_OFF = ecom.new_store("PREMIUM")
    ecom.set_feature_override(CHECKOUT_OFF, "checkout", False)  # before any request names the store


def item(slug, pid, qty, price=None):
    row = shop.product_row(slug, pid)
    return (pid, row["name"], price if price is not None else row["finalPrice"], qty)


def assert_quote(resp, sid, slug, lines, tax_rate="0.15", flat="10.00", threshold="100.00"):
    """lines: [(productId, name, price, quantity)]. Checks every field against the cart."""
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == shop.QUOTE_KEYS, sorted(body)
    cart = get_cart(slug, sid).json()
    cart_ids = {i["productId"]: i["id"] for i in cart["items"]}
    assert len(body["items"]) == len(lines), body["items"]
    by_product = {i["productId"]: i for i in body["items"]}
    subtotal = Decimal("0")
    for pid, name, price, qty in lines:
        it = by_product[pid]
        assert set(it) == shop.QUOTE_ITEM_KEYS, sorted(it)
        assert it["id"] == cart_ids[pid], (it, cart_ids)
        assert it["productName"] == name
        shop.assert_money(it["price"], price, "price")
        assert it["quantity"] == qty
        shop.assert_money(it["subtotal"], ecom.dec(price) * qty, "line subtotal")
        subtotal += ecom.dec(price) * qty
    exp = shop.expected_totals(subtotal, Decimal(tax_rate), Decimal(flat), Decimal(threshold))
    for k in ("subtotal", "tax", "shipping", "total"):
        shop.assert_money(body[k], exp[k], k)
    return body


# --------------------------------------------------------------------------- headers & flags

def test_session_header_required():
    shop.assert_errors_key(http("POST", shop.QUOTE, headers=hdrs(S, None), body={}), 400, "X-Session-Id")
    for bad in ("short", "x" * 129, "bad session"):
        shop.assert_errors_key(http("POST", shop.QUOTE, headers=hdrs(S, bad), body={}), 400, "X-Session-Id")


def test_tenant_rules():
    sid = new_session()
    body = assert_problem(http("POST", shop.QUOTE, headers={"X-Session-Id": sid}, body={}), 409)
    assert body["title"] == "Tenant not resolved"
    body = assert_problem(http("POST", shop.QUOTE, headers=hdrs(ecom.unique_slug("zz"), sid), body={}), 409)
    assert body["title"] == "Tenant not resolved"


def test_checkout_feature_off_is_403():
    sid = new_session()
    pid = shop.product(CHECKOUT_OFF, price="5.00", stock=5)
    add_ok(CHECKOUT_OFF, sid, pid, 1)  # the cart itself still works
    assert_problem(quote(CHECKOUT_OFF, sid), 403)
    assert_problem(quote(CHECKOUT_OFF, new_session()), 403)


def test_wrong_methods_are_405():
    for method in ("GET", "PUT", "DELETE"):
        for path in (shop.QUOTE, shop.PLACE):
            resp = http(method, path, headers=hdrs(S, new_session()))
            assert_problem(resp, 405)
            assert "POST" in (resp.headers.get("Allow") or ""), resp.headers


# --------------------------------------------------------------------------- empty carts

def test_no_cart_is_400():
    assert_problem(quote(S, new_session()), 400)


def test_emptied_or_cleared_cart_is_400():
    sid = new_session()
    pid = shop.product(S, price="5.00", stock=5)
    item_id = add_ok(S, sid, pid, 1)["items"][0]["id"]
    assert delete_item(S, sid, item_id).status == 204
    assert get_cart(S, sid).status == 200
    assert_problem(quote(S, sid), 400)
    add_ok(S, sid, pid, 1)
    assert clear_cart(S, sid).status == 204
    assert_problem(quote(S, sid), 400)


# --------------------------------------------------------------------------- body forms

def test_empty_object_or_no_body():
    sid = new_session()
    pid = shop.product(S, price="20.00", stock=5)
    add_ok(S, sid, pid, 2)
    lines = [item(S, pid, 2)]
    b1 = assert_quote(quote(S, sid), sid, S, lines)
    b2 = assert_quote(http("POST", shop.QUOTE, headers=hdrs(S, sid)), sid, S, lines)  # no body at all
    b3 = assert_quote(http("POST", shop.QUOTE, headers=hdrs(S, sid, **{"Content-Type": "application/json"}),
                           raw_body=""), sid, S, lines)
    assert b1 == b2 == b3


def test_malformed_body():
    sid = new_session()
    pid = shop.product(S, price="20.00", stock=5)
    add_ok(S, sid, pid, 1)
    resp = http("POST", shop.QUOTE, headers=hdrs(S, sid, **{"Content-Type": "application/json"}), raw_body="{x")
    assert_problem(resp, 400)
    resp = http("POST", shop.QUOTE, headers=hdrs(S, sid, **{"Content-Type": "text/plain"}), raw_body="{}")
    assert_problem(resp, 415)


# --------------------------------------------------------------------------- totals

def test_under_threshold_pays_tax_and_flat_shipping():
    sid = new_session()
    a = shop.product(S, price="19.99", stock=10)
    b = shop.product(S, price="10.00", discount="0.25", stock=10)  # finalPrice 7.50
    add_ok(S, sid, a, 2)
    add_ok(S, sid, b, 3)
    body = assert_quote(quote(S, sid), sid, S, [item(S, a, 2), item(S, b, 3, Decimal("7.50"))])
    # 39.98 + 22.50 = 62.48; tax 9.372 -> 9.37; shipping 10; total 81.85
    shop.assert_money(body["subtotal"], "62.48")
    shop.assert_money(body["tax"], "9.37")
    shop.assert_money(body["shipping"], "10")
    shop.assert_money(body["total"], "81.85")


def test_over_threshold_ships_free():
    sid = new_session()
    a = shop.product(S, price="100.01", stock=10)
    add_ok(S, sid, a, 1)
    body = assert_quote(quote(S, sid), sid, S, [item(S, a, 1)])
    shop.assert_money(body["shipping"], 0)
    shop.assert_money(body["tax"], "15.00")      # 15.0015 -> 15.00
    shop.assert_money(body["total"], "115.01")
    # the document's example amounts: 254.99 x 2 -> 509.98, tax 76.50 (76.497), free shipping
    sid2 = new_session()
    doc = shop.product(S, price="299.99", discount="0.15", stock=10)
    add_ok(S, sid2, doc, 2)
    body = assert_quote(quote(S, sid2), sid2, S, [item(S, doc, 2, Decimal("254.99"))])
    shop.assert_money(body["subtotal"], "509.98")
    shop.assert_money(body["tax"], "76.50")
    shop.assert_money(body["shipping"], 0)
    shop.assert_money(body["total"], "586.48")


def test_exactly_threshold_still_pays_shipping():
    sid = new_session()
    a = shop.product(S, price="25.00", stock=10)
    add_ok(S, sid, a, 4)
    body = assert_quote(quote(S, sid), sid, S, [item(S, a, 4)])
    shop.assert_money(body["subtotal"], "100.00")
    shop.assert_money(body["shipping"], "10")
    shop.assert_money(body["total"], "125.00")


def test_rounding_half_away_from_zero():
    sid = new_session()
    a = shop.product(S, price="0.35", stock=10)
    add_ok(S, sid, a, 3)
    body = assert_quote(quote(S, sid), sid, S, [item(S, a, 3)])
    shop.assert_money(body["subtotal"], "1.05")
    shop.assert_money(body["tax"], "0.16")       # 0.1575
    shop.assert_money(body["shipping"], "10")
    shop.assert_money(body["total"], "11.21")
    # an exact half: 0.30 x 0.15 = 0.045 -> 0.05 (banker's rounding or binary floats give 0.04)
    sid2 = new_session()
    b = shop.product(S, price="0.10", stock=10)
    add_ok(S, sid2, b, 3)
    body = assert_quote(quote(S, sid2), sid2, S, [item(S, b, 3)])
    shop.assert_money(body["tax"], "0.05")
    shop.assert_money(body["total"], "10.35")


def test_many_lines_sum_exactly():
    sid = new_session()
    lines = []
    for price in ("0.10", "0.20", "0.70", "1.10", "2.20", "3.30"):
        pid = shop.product(S, price=price, stock=50)
        add_ok(S, sid, pid, 7)
        lines.append(item(S, pid, 7))
    body = assert_quote(quote(S, sid), sid, S, lines)
    shop.assert_money(body["subtotal"], "53.20")   # 7.60 x 7
    shop.assert_money(body["tax"], "7.98")
    shop.assert_money(body["total"], "71.18")


def test_quote_uses_the_cart_price_snapshot():
    sid = new_session()
    a = shop.product(S, price="40.00", stock=10)
    add_ok(S, sid, a, 2)
    shop.set_price(S, a, "80.00")   # would cross the threshold if the current price were used
    body = assert_quote(quote(S, sid), sid, S, [item(S, a, 2, Decimal("40.00"))])
    shop.assert_money(body["subtotal"], "80.00")
    shop.assert_money(body["shipping"], "10")


def test_quote_changes_nothing():
    sid = new_session()
    a = shop.product(S, price="3.00", stock=4)
    cart = add_ok(S, sid, a, 4)
    for _ in range(3):
        assert quote(S, sid).status == 200
    assert get_cart(S, sid).json() == cart
    assert shop.stock_of(S, a) == 4
    assert ecom.sql_value("SELECT COUNT(*) FROM orders", db=ecom.schema_of(S)) == "0"


def test_settings_changed_by_sql():
    sid = new_session()
    a = shop.product(CUSTOM, price="30.00", stock=10)
    add_ok(CUSTOM, sid, a, 2)                       # subtotal 60.00
    assert shop.settings(CUSTOM) == (Decimal("0.1500"), Decimal("10.00"), Decimal("100.00"))
    assert_quote(quote(CUSTOM, sid), sid, CUSTOM, [item(CUSTOM, a, 2)])
    shop.set_settings(CUSTOM, tax_rate="0.0825", shipping_flat="4.99", free_shipping_threshold="75.00")
    body = assert_quote(quote(CUSTOM, sid), sid, CUSTOM, [item(CUSTOM, a, 2)], "0.0825", "4.99", "75.00")
    shop.assert_money(body["tax"], "4.95")
    shop.assert_money(body["shipping"], "4.99")
    shop.assert_money(body["total"], "69.94")
    # threshold lowered below the subtotal: free shipping
    shop.set_settings(CUSTOM, free_shipping_threshold="59.99")
    body = assert_quote(quote(CUSTOM, sid), sid, CUSTOM, [item(CUSTOM, a, 2)], "0.0825", "4.99", "59.99")
    shop.assert_money(body["shipping"], 0)
    shop.assert_money(body["total"], "64.95")
    # subtotal exactly the threshold: not free
    shop.set_settings(CUSTOM, free_shipping_threshold="60.00")
    body = assert_quote(quote(CUSTOM, sid), sid, CUSTOM, [item(CUSTOM, a, 2)], "0.0825", "4.99", "60.00")
    shop.assert_money(body["shipping"], "4.99")
    # no tax, no shipping charge
    shop.set_settings(CUSTOM, tax_rate="0.0000", shipping_flat="0.00")
    body = assert_quote(quote(CUSTOM, sid), sid, CUSTOM, [item(CUSTOM, a, 2)], "0", "0", "60.00")
    shop.assert_money(body["tax"], 0)
    shop.assert_money(body["total"], "60.00")
    sid2 = new_session()
    b = shop.product(CUSTOM, price="1.00", stock=10)
    add_ok(CUSTOM, sid2, b, 1)
    shop.set_settings(CUSTOM, tax_rate="0.0050")   # a four-decimal rate with an exact half: 0.005 -> 0.01
    body = assert_quote(quote(CUSTOM, sid2), sid2, CUSTOM, [item(CUSTOM, b, 1)], "0.0050", "0", "60.00")
    shop.assert_money(body["tax"], "0.01")
    shop.assert_money(body["total"], "1.01")


# --------------------------------------------------------------------------- stale carts

def test_inactive_product_is_409_naming_it():
    sid = new_session()
    ok = shop.product(S, price="5.00", stock=10)
    gone = shop.product(S, price="6.00", stock=10, name=f"Vanishing {uuid.uuid4().hex[:8]}")
    add_ok(S, sid, ok, 1)
    add_ok(S, sid, gone, 1)
    shop.set_active(S, gone, False)
    body = assert_problem(quote(S, sid), 409)
    assert shop.product_row(S, gone)["name"] in body["detail"], body
    assert shop.product_row(S, ok)["name"] not in body["detail"], body
    shop.set_active(S, gone, True)
    assert_quote(quote(S, sid), sid, S, [item(S, ok, 1), item(S, gone, 1)])


def test_stock_below_line_quantity_is_409_naming_it():
    sid = new_session()
    ok = shop.product(S, price="5.00", stock=10)
    short = shop.product(S, price="6.00", stock=10, name=f"Scarce {uuid.uuid4().hex[:8]}")
    add_ok(S, sid, ok, 2)
    add_ok(S, sid, short, 5)
    shop.set_stock(S, short, 4)
    body = assert_problem(quote(S, sid), 409)
    assert shop.product_row(S, short)["name"] in body["detail"], body
    # stock equal to the line's quantity is fine
    shop.set_stock(S, short, 5)
    assert_quote(quote(S, sid), sid, S, [item(S, ok, 2), item(S, short, 5)])
    shop.set_stock(S, short, 0)
    body = assert_problem(quote(S, sid), 409)
    assert shop.product_row(S, short)["name"] in body["detail"], body


def test_quote_body_must_be_an_object_when_sent():
    sid = new_session()
    add_ok(S, sid, shop.product(S, price="5.00", stock=5), 1)
    for raw in ("[1]", "42", '"x"', "{"):
        r = http("POST", "/api/checkout/quote", headers=hdrs(S, sid, **{"Content-Type": "application/json"}),
                 raw_body=raw)
        assert_problem(r, 400)
    assert quote(S, sid, body={}).status == 200
