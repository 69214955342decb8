"""POST /api/checkout/place-order (document §5.2, CONTRACT §7): validation, the order written,
idempotency (replay, conflicts, retry after failure), feature flags, plan limits, rate limit."""

import json
import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
from ecom import http, assert_problem, q  # noqa: E402
from shop import hdrs, new_session, new_key, add_ok, get_cart, place, place_ok, order_body, quote  # noqa: E402

S = None
LIMITS = None        # maxProductsPerOrder override 2
BASIC = None         # maxCartItems 20
CHECKOUT_OFF = None
GUEST_OFF = None


def setup_module():
    global S, LIMITS, BASIC, CHECKOUT_OFF, GUEST_OFF
    S = ecom.new_store("PREMIUM")
    LIMITS = ecom.new_store("PREMIUM")
    BASIC = ecom.new_store("BASIC")
    CHECKOUT_OFF = ecom.new_store("PREMIUM")
    GUEST_OFF = ecom.new_store("PREMIUM")
    # Set before any request names these stores: nothing cached yet.
    ecom.set_limit_override(LIMITS, "maxProductsPerOrder", 2)
    ecom.set_feature_override(CHECKOUT_OFF, "checkout", False)
    ecom.set_feature_override(GUEST_OFF, "guest_checkout", False)


def cart_with(slug, *lines):
    """A fresh session whose cart holds the given (productId, quantity) lines."""
    sid = new_session()
    for pid, qty in lines:
        add_ok(slug, sid, pid, qty)
    return sid


def one_item_cart(slug=None, price="10.00", qty=1, stock=10):
    slug = slug or S
    pid = shop.product(slug, price=price, stock=stock)
    return cart_with(slug, (pid, qty)), pid


def assert_nothing_ordered(slug, key, sid=None, cart=None):
    assert shop.orders_with_key(slug, key) == [], f"an order was stored for {key}"
    if sid is not None and cart is not None:
        assert get_cart(slug, sid).json() == cart, "the cart changed"


# --------------------------------------------------------------------------- success

def test_place_order_writes_the_order_and_empties_the_cart():
    a = shop.product(S, price="19.99", stock=10)
    b = shop.product(S, price="50.00", discount="0.20", stock=5)   # finalPrice 40.00
    sid = cart_with(S, (a, 3), (b, 2))
    qbody = quote(S, sid).json()
    key = new_key()
    body = order_body(key, email="Jane.Doe+shop@example.co.uk", phone="+44 (20) 7946-0958",
                      shippingAddress="  10 Downing St, London SW1A 2AA  ", paymentMethod="PayPal")
    resp = place(S, sid, key, body=body)
    assert resp.status == 200, resp
    assert (resp.headers.get("Idempotent-Replayed") or "").lower() != "true", resp.headers
    placed = resp.json()
    # 59.97 + 80.00 = 139.97; tax 20.9955 -> 21.00; free shipping; total 160.97
    shop.assert_placed(placed, "160.97")
    shop.assert_money(placed["total"], qbody["total"], "total equals the quote")

    # the cart still exists, empty
    cart = get_cart(S, sid)
    assert cart.status == 200, cart
    cbody = cart.json()
    assert cbody["items"] == [] and cbody["itemCount"] == 0, cbody
    shop.assert_money(cbody["subtotal"], 0)
    # stock decremented
    assert shop.stock_of(S, a) == 7 and shop.stock_of(S, b) == 3
    # the order row
    rows = ecom.sql(
        "SELECT id, order_number, idempotency_key, session_id, status, email, phone, shipping_address, "
        "payment_method, subtotal, tax, shipping, total, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ') "
        f"FROM orders WHERE idempotency_key = {q(key)}", db=ecom.schema_of(S))
    assert len(rows) == 1, rows
    r = rows[0]
    assert r[0] == placed["orderId"] and r[1] == placed["orderNumber"] and r[2] == key and r[3] == sid, r
    assert r[4] == "PENDING"
    assert r[5] == "Jane.Doe+shop@example.co.uk" and r[6] == "+44 (20) 7946-0958", r
    assert r[7].strip() == "10 Downing St, London SW1A 2AA", r
    assert r[8] == "PayPal"
    assert [Decimal(x) for x in r[9:13]] == [Decimal("139.97"), Decimal("21.00"), Decimal("0.00"),
                                             Decimal("160.97")], r
    assert r[13] == placed["createdAt"], (r[13], placed["createdAt"])
    items = sorted(shop.order_items(S, placed["orderId"]), key=lambda i: i["productId"])
    expected = sorted([
        {"productId": a, "productName": shop.product_row(S, a)["name"], "price": Decimal("19.99"), "quantity": 3,
         "subtotal": Decimal("59.97")},
        {"productId": b, "productName": shop.product_row(S, b)["name"], "price": Decimal("40.00"), "quantity": 2,
         "subtotal": Decimal("80.00")}], key=lambda i: i["productId"])
    assert items == expected, items


def test_order_uses_cart_prices_and_current_settings():
    a = shop.product(S, price="0.35", stock=10)
    sid = cart_with(S, (a, 3))
    shop.set_price(S, a, "0.99")       # the cart keeps 0.35
    _, placed = place_ok(S, sid)
    shop.assert_placed(placed, "11.21")   # 1.05 + 0.16 + 10
    r = ecom.sql(f"SELECT subtotal, tax, shipping FROM orders WHERE id = {q(placed['orderId'])}",
                 db=ecom.schema_of(S))[0]
    assert [Decimal(x) for x in r] == [Decimal("1.05"), Decimal("0.16"), Decimal("10.00")], r
    assert shop.order_items(S, placed["orderId"])[0]["price"] == Decimal("0.35")


def test_every_payment_method_and_field_boundaries_are_accepted():
    email254 = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 63 + ".com"
    assert len(email254) == 254
    cases = [
        {"email": email254, "phone": "1234567", "shippingAddress": "A St.", "paymentMethod": "CreditCard"},
        {"email": "x@y.io", "phone": "+(12) 345-678 90 123", "shippingAddress": "é" * 500,
         "paymentMethod": "PayPal"},
        {"email": "o'neil@example.org", "phone": "555 0100 200", "shippingAddress": "PO Box 12, Town",
         "paymentMethod": "CashOnDelivery"},
    ]
    assert len(cases[1]["phone"]) == 20
    for fields in cases:
        sid, _ = one_item_cart()
        key = new_key()
        resp = place(S, sid, key, body=order_body(key, **fields))
        assert resp.status == 200, (fields, resp)
        shop.assert_placed(resp.json())
        r = ecom.sql(f"SELECT email, phone, shipping_address, payment_method FROM orders "
                     f"WHERE idempotency_key = {q(key)}", db=ecom.schema_of(S))[0]
        assert r == [fields["email"], fields["phone"], fields["shippingAddress"], fields["paymentMethod"]], r


def test_order_numbers_are_distinct():
    numbers = set()
    for _ in range(4):
        sid, _ = one_item_cart()
        _, placed = place_ok(S, sid)
        shop.assert_placed(placed)
        numbers.add(placed["orderNumber"])
    assert len(numbers) == 4, numbers


# --------------------------------------------------------------------------- idempotency

def test_replay_returns_the_same_order():
    sid, pid = one_item_cart(price="12.00", qty=2)
    key, first = place_ok(S, sid)
    stock = shop.stock_of(S, pid)
    resp = place(S, sid, key)
    assert resp.status == 200, resp
    assert resp.headers.get("Idempotent-Replayed") == "true", resp.headers
    assert resp.json() == first
    # the same fields with another key order and spacing: still the same request
    raw = json.dumps(dict(reversed(list(order_body(key).items()))), indent=3)
    resp = http("POST", shop.PLACE, headers=hdrs(S, sid, **{"Idempotency-Key": key,
                                                            "Content-Type": "application/json"}), raw_body=raw)
    assert resp.status == 200 and resp.json() == first, resp
    assert resp.headers.get("Idempotent-Replayed") == "true", resp.headers
    # a refilled cart is not ordered again by a replay
    other = shop.product(S, price="1.00", stock=5)
    cart = add_ok(S, sid, other, 1)
    resp = place(S, sid, key)
    assert resp.status == 200 and resp.json() == first, resp
    assert resp.headers.get("Idempotent-Replayed") == "true"
    assert get_cart(S, sid).json() == cart
    assert shop.stock_of(S, pid) == stock and shop.stock_of(S, other) == 5
    assert len(shop.orders_with_key(S, key)) == 1
    # the ordered product sold out / withdrawn since: the replay is still the same order
    shop.set_stock(S, pid, 0)
    shop.set_active(S, pid, False)
    resp = place(S, sid, key)
    assert resp.status == 200 and resp.json() == first, resp
    assert resp.headers.get("Idempotent-Replayed") == "true"


def test_same_key_with_different_body_is_409():
    sid, pid = one_item_cart()
    key, first = place_ok(S, sid)
    for change in ({"email": "someone.else@example.com"}, {"phone": "+1 999 999 9999"},
                   {"shippingAddress": "Another street 5"}, {"paymentMethod": "CashOnDelivery"}):
        resp = place(S, sid, key, **change)
        assert_problem(resp, 409)
        assert resp.headers.get("Idempotent-Replayed") is None
    rows = shop.orders_with_key(S, key)
    assert len(rows) == 1 and rows[0][0] == first["orderId"], rows
    # the original request still replays
    resp = place(S, sid, key)
    assert resp.status == 200 and resp.json() == first, resp


def test_same_key_from_another_session_is_409():
    sid, pid = one_item_cart(stock=10)
    key, first = place_ok(S, sid)
    thief, _ = one_item_cart()
    cart = get_cart(S, thief).json()
    assert_problem(place(S, thief, key), 409)
    assert_problem(place(S, new_session(), key), 409)      # a session without a cart
    assert get_cart(S, thief).json() == cart
    assert len(shop.orders_with_key(S, key)) == 1
    assert shop.stock_of(S, pid) == 9


def test_failed_attempt_stores_nothing_and_the_key_can_be_retried():
    pid = shop.product(S, price="5.00", stock=5)
    sid = cart_with(S, (pid, 3))
    key = new_key()
    shop.set_stock(S, pid, 2)
    cart = get_cart(S, sid).json()
    resp = place(S, sid, key)
    body = assert_problem(resp, 409)
    assert shop.product_row(S, pid)["name"] in body["detail"], body
    assert_nothing_ordered(S, key, sid, cart)
    assert shop.stock_of(S, pid) == 2
    # fix the cart, retry with the same key
    item = cart["items"][0]["id"]
    assert shop.put_item(S, sid, item, 2).status == 200
    key2, placed = place_ok(S, sid, key)
    shop.assert_placed(placed)
    assert shop.stock_of(S, pid) == 0
    assert len(shop.orders_with_key(S, key)) == 1


def test_empty_cart_failure_then_retry_with_same_key():
    sid = new_session()
    key = new_key()
    assert_problem(place(S, sid, key), 400)           # no cart
    pid = shop.product(S, price="5.00", stock=5)
    item = add_ok(S, sid, pid, 1)["items"][0]["id"]
    assert shop.delete_item(S, sid, item).status == 204
    assert_problem(place(S, sid, key), 400)           # emptied cart
    assert_nothing_ordered(S, key)
    add_ok(S, sid, pid, 2)
    _, placed = place_ok(S, sid, key)
    assert shop.stock_of(S, pid) == 3
    shop.assert_placed(placed)


def test_inactive_product_is_409():
    a = shop.product(S, price="5.00", stock=5)
    b = shop.product(S, price="6.00", stock=5)
    sid = cart_with(S, (a, 1), (b, 1))
    shop.set_active(S, b, False)
    cart = get_cart(S, sid).json()
    key = new_key()
    body = assert_problem(place(S, sid, key), 409)
    assert shop.product_row(S, b)["name"] in body["detail"], body
    assert_nothing_ordered(S, key, sid, cart)
    assert shop.stock_of(S, a) == 5 and shop.stock_of(S, b) == 5


# --------------------------------------------------------------------------- validation

def test_idempotency_header_missing_or_invalid_is_400():
    for header in (None, "", "not-a-uuid", "1234", str(uuid.uuid4()) + "x", str(uuid.uuid4())[:-1]):
        sid, _ = one_item_cart()
        cart = get_cart(S, sid).json()
        key = new_key()
        resp = place(S, sid, key, header_key=header)
        shop.assert_errors_key(resp, 400, "Idempotency-Key")
        assert_nothing_ordered(S, key, sid, cart)


def test_body_key_must_equal_header():
    sid, _ = one_item_cart()
    cart = get_cart(S, sid).json()
    key = new_key()
    for body_key in (new_key(), "not-a-uuid", None, ""):
        resp = place(S, sid, key, body=order_body(key, idempotencyKey=body_key) if body_key is not None
                     else {k: v for k, v in order_body(key).items() if k != "idempotencyKey"})
        shop.assert_errors_key(resp, 400, "idempotencyKey")
    assert_nothing_ordered(S, key, sid, cart)
    assert_nothing_ordered(S, new_key())


def _invalid_cases():
    email255 = "a" * 64 + "@" + "b" * 61 + "." + "c" * 60 + "." + "d" * 63 + ".com"
    assert len(email255) == 255
    cases = []
    for v in (None, "", "plainaddress", "@example.com", "user@", "user@host", "a b@example.com",
              "a@@example.com", "a@b@example.com", email255, 123, True):
        cases.append(("email", v))
    for v in (None, "", "123456", "1" * 21, "555-CALL-NOW", "+1 555 123 45x", "+1.555.123.4567", 1234567):
        cases.append(("phone", v))
    for v in (None, "", "abcd", "x" * 501, 12345):
        cases.append(("shippingAddress", v))
    for v in (None, "", "Bitcoin", "creditcard", "CREDITCARD", "Credit Card", "Cash", 1):
        cases.append(("paymentMethod", v))
    return cases


def test_each_invalid_field_is_400_naming_it():
    cases = _invalid_cases()
    sid = None
    for n, (field, value) in enumerate(cases):
        if n % 9 == 0:    # a new session before the rate limit (10 attempts an hour) bites
            sid, _ = one_item_cart()
            cart = get_cart(S, sid).json()
        key = new_key()
        body = order_body(key)
        if value is None:
            del body[field]
        else:
            body[field] = value
        resp = place(S, sid, key, body=body)
        err = shop.assert_errors_key(resp, 400, field)
        assert set(err["errors"]) == {field}, (field, value, err)
        assert_nothing_ordered(S, key, sid, cart)


def test_all_invalid_fields_are_named_together():
    sid = new_session()
    key = new_key()
    resp = place(S, sid, key, header_key=None,
                 body={"email": "bad", "phone": "x", "shippingAddress": "", "paymentMethod": "Gold"})
    body = assert_problem(resp, 400)
    assert {"Idempotency-Key", "email", "phone", "shippingAddress", "paymentMethod"} <= set(body["errors"]), body


def test_body_must_be_a_json_object():
    sid, _ = one_item_cart()
    key = new_key()
    h = hdrs(S, sid, **{"Idempotency-Key": key, "Content-Type": "application/json"})
    for raw in ("{", "not json", "[]", ""):
        assert_problem(http("POST", shop.PLACE, headers=h, raw_body=raw), 400)
    h["Content-Type"] = "text/plain"
    assert_problem(http("POST", shop.PLACE, headers=h, raw_body=json.dumps(order_body(key))), 415)
    assert_nothing_ordered(S, key)


def test_session_and_tenant_headers():
    key = new_key()
    resp = http("POST", shop.PLACE, headers=hdrs(S, None, **{"Idempotency-Key": key}), body=order_body(key))
    shop.assert_errors_key(resp, 400, "X-Session-Id")
    for bad in ("short", "y" * 129, "in valid!"):
        resp = http("POST", shop.PLACE, headers=hdrs(S, bad, **{"Idempotency-Key": key}), body=order_body(key))
        shop.assert_errors_key(resp, 400, "X-Session-Id")
    resp = http("POST", shop.PLACE, headers={"X-Session-Id": new_session(), "Idempotency-Key": key},
                body=order_body(key))
    assert assert_problem(resp, 409)["title"] == "Tenant not resolved"
    assert_nothing_ordered(S, key)


def test_empty_cart_is_400():
    assert_problem(place(S, new_session()), 400)
    sid = cart_with(S, (shop.product(S, stock=3), 1))
    assert shop.clear_cart(S, sid).status == 204
    assert_problem(place(S, sid), 400)


# --------------------------------------------------------------------------- feature flags & limits

def test_checkout_feature_off_is_403():
    pid = shop.product(CHECKOUT_OFF, price="5.00", stock=5)
    sid = cart_with(CHECKOUT_OFF, (pid, 1))
    key = new_key()
    assert_problem(place(CHECKOUT_OFF, sid, key), 403)
    assert_problem(quote(CHECKOUT_OFF, sid), 403)
    assert_nothing_ordered(CHECKOUT_OFF, key)
    assert shop.stock_of(CHECKOUT_OFF, pid) == 5


def test_guest_checkout_off_is_401():
    pid = shop.product(GUEST_OFF, price="5.00", stock=5)
    sid = cart_with(GUEST_OFF, (pid, 1))
    cart = get_cart(GUEST_OFF, sid).json()
    key = new_key()
    assert_problem(place(GUEST_OFF, sid, key), 401)
    assert_nothing_ordered(GUEST_OFF, key, sid, cart)
    assert shop.stock_of(GUEST_OFF, pid) == 5


def test_more_products_than_max_products_per_order_is_400():
    pids = [shop.product(LIMITS, price="2.00", stock=5) for _ in range(3)]
    sid = cart_with(LIMITS, *[(p, 1) for p in pids])
    cart = get_cart(LIMITS, sid).json()
    key = new_key()
    body = assert_problem(place(LIMITS, sid, key), 400)
    assert "maxProductsPerOrder" in body["detail"], body
    assert_nothing_ordered(LIMITS, key, sid, cart)
    assert [shop.stock_of(LIMITS, p) for p in pids] == [5, 5, 5]
    # two distinct products are fine (with the same key)
    assert shop.delete_item(LIMITS, sid, cart["items"][0]["id"]).status == 204
    _, placed = place_ok(LIMITS, sid, key)
    shop.assert_placed(placed, "14.60")   # 4.00 + 0.60 + 10
    assert len(shop.order_items(LIMITS, placed["orderId"])) == 2


def test_more_items_than_max_cart_items_is_400():
    pid = shop.product(BASIC, price="1.00", stock=100)
    sid = cart_with(BASIC, (pid, 20))
    # the limit holds at add time; a cart above it (e.g. after the plan changed) is refused at checkout
    ecom.sql(f"UPDATE cart_items SET quantity = 21 WHERE product_id = {q(pid)}", db=ecom.schema_of(BASIC))
    cart = get_cart(BASIC, sid).json()
    assert cart["itemCount"] == 21
    key = new_key()
    body = assert_problem(place(BASIC, sid, key), 400)
    assert "maxCartItems" in body["detail"], body
    assert_nothing_ordered(BASIC, key, sid, cart)
    assert shop.stock_of(BASIC, pid) == 100
    ecom.sql(f"UPDATE cart_items SET quantity = 20 WHERE product_id = {q(pid)}", db=ecom.schema_of(BASIC))
    place_ok(BASIC, sid, key)
    assert shop.stock_of(BASIC, pid) == 80


def big_cart(slug, lines):
    """A fresh session whose cart holds `lines` distinct products (price 1.00, stock 5, one of
    each), written with SQL: thousands of adds through the API would take minutes."""
    sid, cart = new_session(), str(uuid.uuid4())
    pids = sorted(str(uuid.uuid4()) for _ in range(lines))
    stmts = []
    for i in range(0, lines, 2000):
        chunk = pids[i:i + 2000]
        stmts.append("INSERT INTO products (id, name, description, price, discount, stock, is_active, attributes) "
                     "VALUES " + ", ".join(f"('{p}', 'Bulk {p[:8]}', '', 1.00, 0, 5, 1, '{{}}')" for p in chunk))
    stmts.append(f"INSERT INTO carts (id, session_id) VALUES ('{cart}', '{sid}')")
    for i in range(0, lines, 2000):
        chunk = pids[i:i + 2000]
        stmts.append("INSERT INTO cart_items (id, cart_id, product_id, unit_price, quantity) VALUES " +
                     ", ".join(f"('{uuid.uuid4()}', '{cart}', '{p}', 1.00, 1)" for p in chunk))
    ecom.sql_script(stmts, db=ecom.schema_of(slug))
    return sid, pids


def test_an_order_of_thousands_of_lines_is_placed():
    # Past what one statement's placeholders can name (65,535: 9,362 order lines of 7 values).
    slug = ecom.new_store("ENTERPRISE")
    ecom.set_limit_override(slug, "maxProductsPerOrder", 1_000_000_000)
    ecom.set_limit_override(slug, "maxCartItems", 1_000_000_000)
    sid, pids = big_cart(slug, 9500)
    key = new_key()
    resp = place(slug, sid, key, timeout=120)
    assert resp.status == 200, resp
    shop.assert_placed(resp.json(), "10925")   # 9,500.00 + 15 % tax, free shipping
    items = shop.order_items(slug, resp.json()["orderId"])
    assert len(items) == 9500 and sorted(i["productId"] for i in items) == pids
    assert int(ecom.sql_value("SELECT MAX(line_no) FROM order_items", db=ecom.schema_of(slug))) == 9500
    in_list = ", ".join(q(p) for p in pids[:3] + pids[-3:])
    assert ecom.sql(f"SELECT DISTINCT stock FROM products WHERE id IN ({in_list})", db=ecom.schema_of(slug)) == [["4"]]
    assert int(ecom.sql_value("SELECT SUM(stock) FROM products WHERE name LIKE 'Bulk %'",
                              db=ecom.schema_of(slug))) == 9500 * 4
    assert get_cart(slug, sid).json()["items"] == []


def test_more_lines_than_an_order_can_number_is_400():
    # order_items.line_no is a SMALLINT: 32,767 lines at most, whatever maxProductsPerOrder says.
    slug = ecom.new_store("ENTERPRISE")
    ecom.set_limit_override(slug, "maxProductsPerOrder", 1_000_000_000)
    ecom.set_limit_override(slug, "maxCartItems", 1_000_000_000)
    sid, pids = big_cart(slug, 32768)
    key = new_key()
    body = assert_problem(place(slug, sid, key, timeout=120), 400)
    assert "32767" in body["detail"], body
    assert_nothing_ordered(slug, key)
    assert int(ecom.sql_value("SELECT COUNT(*) FROM products WHERE stock <> 5 AND name LIKE 'Bulk %'",
                              db=ecom.schema_of(slug))) == 0


# --------------------------------------------------------------------------- rate limit

def test_eleventh_attempt_in_an_hour_is_429():
    sid, pid = one_item_cart()
    cart = get_cart(S, sid).json()
    for _ in range(10):
        resp = place(S, sid, header_key=None)   # invalid: no Idempotency-Key
        shop.assert_errors_key(resp, 400, "Idempotency-Key")
    key = new_key()
    ecom.assert_429(place(S, sid, key))               # a valid request, but the 11th
    ecom.assert_429(place(S, sid, key))
    assert_nothing_ordered(S, key, sid, cart)
    assert shop.stock_of(S, pid) == 10
    # other sessions are unaffected
    other, _ = one_item_cart()
    place_ok(S, other)


def test_every_outcome_counts_as_an_attempt():
    sid, pid = one_item_cart(stock=10)
    key, first = place_ok(S, sid)                              # 1: success
    for _ in range(3):
        assert place(S, sid, key).status == 200                # 2-4: replays
    assert place(S, sid, key, email="x@example.com").status == 409   # 5: conflict
    assert place(S, sid).status == 400                         # 6: empty cart
    for _ in range(4):
        assert place(S, sid, body={}).status == 400            # 7-10: invalid body
    ecom.assert_429(place(S, sid, key))                             # 11: even a replay
    assert len(shop.orders_with_key(S, key)) == 1
