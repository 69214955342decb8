"""Shopping cart (document §4, CONTRACT §6): headers, CartDto, add/update/remove/clear,
price snapshot, validation, stock and maxCartItems limits, feature flag, concurrency."""

import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
from ecom import http, assert_problem  # noqa: E402
from shop import hdrs, new_session, add, add_ok, get_cart, put_item, delete_item, clear_cart  # noqa: E402

S = None          # Premium store with fixture products
OTHER = None      # a second Premium store (isolation)
BASIC = None      # Basic plan store (maxCartItems 20)
LIMITED = None    # Premium store with a maxCartItems override of 5
CART_OFF = None   # Premium store with the cart feature off
LOCKED = None     # suspended store
NOT_READY = None  # store in status Failed
P = {}


def setup_module():
    global S, OTHER, BASIC, LIMITED, CART_OFF, LOCKED, NOT_READY
    S = ecom.new_store("PREMIUM")
    OTHER = ecom.new_store("PREMIUM")
    BASIC = ecom.new_store("BASIC")
    LIMITED = ecom.new_store("PREMIUM")
    CART_OFF = ecom.new_store("PREMIUM")
    LOCKED = ecom.new_store("PREMIUM")
    NOT_READY = ecom.new_store("PREMIUM")
    # No request has named these stores yet, so nothing about them is cached: overrides and
    # statuses set now are seen by the first request.
    ecom.set_limit_override(LIMITED, "maxCartItems", 5)
    ecom.set_feature_override(CART_OFF, "cart", False)
    ecom.set_tenant_status(LOCKED, "Suspended")
    ecom.set_tenant_status(NOT_READY, "Failed")

    tok = uuid.uuid4().hex[:6]
    P["img"] = ecom.insert_product(S, f"Headphones {tok}", "299.99", "0.15", stock=50,
                                   images=[f"https://img.example/{tok}/first.jpg",
                                           f"https://img.example/{tok}/second.jpg"])
    P["plain"] = ecom.insert_product(S, f"Plain {tok}", "12.50", "0", stock=100)
    P["few"] = ecom.insert_product(S, f"Few {tok}", "3.00", "0", stock=3)
    P["none"] = ecom.insert_product(S, f"Sold out {tok}", "4.00", "0", stock=0)
    P["inactive"] = ecom.insert_product(S, f"Inactive {tok}", "5.00", "0", stock=10, active=False)
    P["many"] = ecom.insert_product(S, f"Many {tok}", "1.00", "0", stock=1000)
    P["other_store"] = ecom.insert_product(OTHER, f"Elsewhere {tok}", "6.00", "0", stock=10)
    P["basic"] = ecom.insert_product(BASIC, f"Basic {tok}", "1.00", "0", stock=1000)
    P["basic2"] = ecom.insert_product(BASIC, f"Basic two {tok}", "2.00", "0", stock=1000)
    P["limited"] = ecom.insert_product(LIMITED, f"Limited {tok}", "1.00", "0", stock=1000)
    P["limited2"] = ecom.insert_product(LIMITED, f"Limited two {tok}", "2.00", "0", stock=1000)
    P["off"] = ecom.insert_product(CART_OFF, f"Off {tok}", "1.00", "0", stock=10)


def teardown_module():
    for slug in (LOCKED, NOT_READY):
        if slug:
            ecom.set_tenant_status(slug, "Ready")


def line(pid, qty, price=None, image=None):
    """An expected cart line; the price defaults to round2(price x (1 - discount)) of the product now."""
    row = shop.product_row(S, pid)
    if price is None:
        price = ecom.round2(row["price"] * (1 - row["discount"]))
    return (pid, row["name"], price, qty, image)


# --------------------------------------------------------------------------- headers

SESSION_ENDPOINTS = [
    ("GET", "/api/cart", None),
    ("DELETE", "/api/cart", None),
    ("POST", "/api/cart/items", "add"),
    ("PUT", "/api/cart/items/" + str(uuid.uuid4()), {"quantity": 1}),
    ("DELETE", "/api/cart/items/" + str(uuid.uuid4()), None),
]

BAD_SESSIONS = ["short7x", "x" * 129, "has space1", "dots.are.bad", "semi;colon", "sl/ash/12", "ünïcödé123",
                "tab\there12", ""]


def _body(spec):
    if spec == "add":
        return {"productId": P["plain"], "quantity": 1}
    return spec


def test_missing_session_is_400_on_every_cart_endpoint():
    for method, path, spec in SESSION_ENDPOINTS:
        resp = http(method, path, headers=hdrs(S, None), body=_body(spec))
        shop.assert_errors_key(resp, 400, "X-Session-Id")


def test_invalid_session_is_400_on_every_cart_endpoint():
    for method, path, spec in SESSION_ENDPOINTS:
        for sid in BAD_SESSIONS:
            if sid == "":
                h = {"X-Tenant-Slug": S, "X-Session-Id": ""}
            else:
                h = hdrs(S, sid.encode("utf-8").decode("latin-1"))
            resp = http(method, path, headers=h, body=_body(spec))
            body = assert_problem(resp, 400)
            assert "X-Session-Id" in (body.get("errors") or {}), (method, path, sid, body)
    # nothing was created for any of them
    assert ecom.sql_value("SELECT COUNT(*) FROM carts WHERE session_id NOT LIKE 'sess%'",
                          db=ecom.schema_of(S)) == "0"


def test_session_length_bounds_are_accepted():
    for sid in ("abcd-_E8", "A" * 128, "_" * 8, "0-9_aZ" * 21 + "xy"):
        assert len(sid) in (8, 128)
        body = add_ok(S, sid, P["plain"], 1)
        assert body["sessionId"] == sid
        resp = get_cart(S, sid)
        assert resp.status == 200 and resp.json()["sessionId"] == sid, resp
        assert clear_cart(S, sid).status == 204


def test_tenant_rules_apply_to_every_cart_checkout_and_order_endpoint():
    sid = new_session()
    key = str(uuid.uuid4())
    endpoints = [(m, p, _body(b), {}) for m, p, b in SESSION_ENDPOINTS] + [
        ("POST", "/api/checkout/quote", {}, {}),
        ("POST", "/api/checkout/place-order", shop.order_body(key), {"Idempotency-Key": key}),
        ("GET", "/api/orders/" + str(uuid.uuid4()), None, {}),
    ]
    for method, path, body, extra in endpoints:
        # missing / unknown slug -> 409 Tenant not resolved
        resp = http(method, path, headers={"X-Session-Id": sid, **extra}, body=body)
        assert assert_problem(resp, 409)["title"] == "Tenant not resolved", resp
        resp = http(method, path, headers=hdrs(ecom.unique_slug("nope"), sid, **extra), body=body)
        assert assert_problem(resp, 409)["title"] == "Tenant not resolved", resp
        # not ready -> 409 Tenant not ready; suspended -> 423 Tenant locked
        resp = http(method, path, headers=hdrs(NOT_READY, sid, **extra), body=body)
        assert assert_problem(resp, 409)["title"] == "Tenant not ready", resp
        resp = http(method, path, headers=hdrs(LOCKED, sid, **extra), body=body)
        assert assert_problem(resp, 423)["title"] == "Tenant locked", resp


def test_cart_feature_off_is_403_on_every_cart_endpoint():
    sid = new_session()
    for method, path, spec in SESSION_ENDPOINTS:
        body = {"productId": P["off"], "quantity": 1} if spec == "add" else spec
        assert_problem(http(method, path, headers=hdrs(CART_OFF, sid), body=body), 403)
    assert ecom.sql_value("SELECT COUNT(*) FROM carts", db=ecom.schema_of(CART_OFF)) == "0"


# --------------------------------------------------------------------------- GET / POST

def test_get_without_cart_is_404():
    body = assert_problem(get_cart(S, new_session()), 404)
    assert body["status"] == 404


def test_add_creates_cart_and_returns_cart_dto():
    sid = new_session()
    row = shop.product_row(S, P["img"])
    assert row["finalPrice"] == Decimal("254.99")  # 299.99 x 0.85, half away from zero
    resp = add(S, sid, P["img"], 2)
    assert resp.status == 200, resp
    assert (resp.headers.get("Content-Type") or "").startswith("application/json"), resp.headers
    img = shop.product_row(S, P["img"])
    first = ecom.sql_value(f"SELECT url FROM product_images WHERE product_id = {ecom.q(P['img'])} "
                           f"AND position = 0", db=ecom.schema_of(S))
    body = resp.json()
    ids = shop.assert_cart(body, sid, [(P["img"], img["name"], Decimal("254.99"), 2, first)])
    # a product without images: productImage null
    body2 = add_ok(S, sid, P["plain"], 3)
    ids2 = shop.assert_cart(body2, sid, [(P["img"], img["name"], Decimal("254.99"), 2, first),
                                         line(P["plain"], 3)])
    assert body2["id"] == body["id"], "the cart id must not change"
    assert ids2[P["img"]] == ids[P["img"]], "the existing line keeps its id"
    assert body2["itemCount"] == 5
    shop.assert_money(body2["subtotal"], Decimal("509.98") + Decimal("37.50"))
    # GET returns the same cart
    got = get_cart(S, sid)
    assert got.status == 200, got
    assert got.json() == body2


def test_price_is_the_rounded_final_price():
    sid = new_session()
    pid = shop.product(S, price="10.05", discount="0.50", stock=5)     # 5.025 -> 5.03
    free = shop.product(S, price="20.00", discount="1.00", stock=5)    # fully discounted: 0
    shop.assert_cart(add_ok(S, sid, pid, 3), sid, [line(pid, 3, price=Decimal("5.03"))])
    body = add_ok(S, sid, free, 1)
    shop.assert_cart(body, sid, [line(pid, 3, price=Decimal("5.03")), line(free, 1, price=Decimal("0"))])
    shop.assert_money(body["subtotal"], "15.09")


def test_wrong_methods_are_405():
    sid = new_session()
    item = str(uuid.uuid4())
    for method, path, allowed in (("PATCH", "/api/cart", {"GET", "DELETE"}),
                                  ("PUT", "/api/cart", {"GET", "DELETE"}),
                                  ("GET", "/api/cart/items", {"POST"}),
                                  ("GET", f"/api/cart/items/{item}", {"PUT", "DELETE"})):
        resp = http(method, path, headers=hdrs(S, sid))
        assert_problem(resp, 405)
        allow = {m.strip() for m in (resp.headers.get("Allow") or "").split(",") if m.strip()}
        assert allowed <= allow, (method, path, resp.headers.get("Allow"))


def test_adding_same_product_increases_one_line():
    sid = new_session()
    b1 = add_ok(S, sid, P["plain"], 2)
    b2 = add_ok(S, sid, P["plain"], 3)
    shop.assert_cart(b2, sid, [line(P["plain"], 5)])
    assert b1["items"][0]["id"] == b2["items"][0]["id"]
    assert ecom.sql_value(f"SELECT COUNT(*) FROM cart_items WHERE cart_id = {ecom.q(b2['id'])}",
                          db=ecom.schema_of(S)) == "1"


def test_price_is_final_price_when_first_added():
    sid = new_session()
    pid = shop.product(S, price="10.00", stock=50)
    later = shop.product(S, price="5.00", stock=50)
    try:
        add_ok(S, sid, pid, 1)
        # the price changes after the line was added
        assert shop.set_price(S, pid, "20.00", "0.10") == Decimal("18.00")
        assert shop.set_price(S, later, "7.00", "0.50") == Decimal("3.50")
        body = add_ok(S, sid, pid, 2)
        shop.assert_cart(body, sid, [line(pid, 3, price=Decimal("10.00"))])
        # a product added now uses its current finalPrice
        body = add_ok(S, sid, later, 2)
        shop.assert_cart(body, sid, [line(pid, 3, price=Decimal("10.00")), line(later, 2, price=Decimal("3.50"))])
        shop.assert_money(body["subtotal"], Decimal("37.00"))
        got = get_cart(S, sid).json()
        assert got == body
    finally:
        clear_cart(S, sid)


def test_invalid_quantity_is_400():
    sid = new_session()
    for bad in (0, -1, 1.5, "2", None, True, [1], {"n": 1}, "", 2.5e-1):
        resp = add(S, sid, None, body={"productId": P["plain"], "quantity": bad})
        shop.assert_errors_key(resp, 400, "quantity")
    shop.assert_errors_key(add(S, sid, None, body={"productId": P["plain"]}), 400, "quantity")
    # nothing was created
    assert_problem(get_cart(S, sid), 404)


def test_invalid_product_id_is_400():
    sid = new_session()
    for bad in ("not-a-uuid", "", "12345", 123, None, True, P["plain"] + "0", P["plain"][:-1]):
        resp = add(S, sid, None, body={"productId": bad, "quantity": 1})
        shop.assert_errors_key(resp, 400, "productId")
    shop.assert_errors_key(add(S, sid, None, body={"quantity": 1}), 400, "productId")
    # both wrong: both named
    body = assert_problem(add(S, sid, None, body={"productId": "x", "quantity": 0}), 400)
    assert {"productId", "quantity"} <= set(body.get("errors") or {}), body
    assert_problem(get_cart(S, sid), 404)


def test_unknown_or_inactive_product_is_404():
    sid = new_session()
    for pid in (str(uuid.uuid4()), P["inactive"], P["other_store"]):
        assert_problem(add(S, sid, pid, 1), 404)
    assert_problem(get_cart(S, sid), 404)
    # a product made inactive after it was listed
    pid = shop.product(S, stock=5)
    add_ok(S, sid, pid, 1)
    shop.set_active(S, pid, False)
    assert_problem(add(S, sid, pid, 1), 404)


def test_quantity_above_stock_is_409():
    sid = new_session()
    body = assert_problem(add(S, sid, P["few"], 4), 409)
    assert body["detail"], body
    assert_problem(add(S, sid, P["none"], 1), 409)
    add_ok(S, sid, P["few"], 2)
    # the line's new quantity (2 + 2) is above the stock of 3
    assert_problem(add(S, sid, P["few"], 2), 409)
    shop.assert_cart(get_cart(S, sid).json(), sid, [line(P["few"], 2)])
    body = add_ok(S, sid, P["few"], 1)
    shop.assert_cart(body, sid, [line(P["few"], 3)])
    assert_problem(add(S, sid, P["few"], 1), 409)


def test_malformed_json_and_wrong_content_type():
    sid = new_session()
    for raw in ('{"productId": ', "not json", "[1, 2", '{"productId": "x" "quantity": 1}'):
        resp = http("POST", "/api/cart/items", headers=hdrs(S, sid, **{"Content-Type": "application/json"}),
                    raw_body=raw)
        assert_problem(resp, 400)
    # valid JSON but not an object
    for raw in ("[]", "1", '"x"', "null"):
        resp = http("POST", "/api/cart/items", headers=hdrs(S, sid, **{"Content-Type": "application/json"}),
                    raw_body=raw)
        assert_problem(resp, 400)
    good = '{"productId": "%s", "quantity": 1}' % P["plain"]
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        resp = http("POST", "/api/cart/items", headers=hdrs(S, sid, **{"Content-Type": ctype}), raw_body=good)
        assert_problem(resp, 415)
    resp = http("POST", "/api/cart/items", headers=hdrs(S, sid), raw_body=good)  # no Content-Type
    assert_problem(resp, 415)
    assert_problem(get_cart(S, sid), 404)
    # charset parameter is fine
    resp = http("POST", "/api/cart/items",
                headers=hdrs(S, sid, **{"Content-Type": "application/json; charset=utf-8"}), raw_body=good)
    assert resp.status == 200, resp


def test_max_cart_items_of_premium_plan_is_100():
    sid = new_session()
    add_ok(S, sid, P["many"], 60)
    add_ok(S, sid, P["plain"], 40)
    body = assert_problem(add(S, sid, P["many"], 1), 400)
    assert "maxCartItems" in body["detail"], body
    body = assert_problem(add(S, sid, P["img"], 1), 400)
    assert "maxCartItems" in body["detail"], body
    got = get_cart(S, sid).json()
    assert got["itemCount"] == 100
    # a single add above the limit
    sid2 = new_session()
    body = assert_problem(add(S, sid2, P["many"], 101), 400)
    assert "maxCartItems" in body["detail"], body


def test_max_cart_items_of_basic_plan_is_20():
    sid = new_session()
    add_ok(BASIC, sid, P["basic"], 15)
    body = assert_problem(add(BASIC, sid, P["basic2"], 6), 400)
    assert "maxCartItems" in body["detail"], body
    add_ok(BASIC, sid, P["basic2"], 5)
    body = assert_problem(add(BASIC, sid, P["basic"], 1), 400)
    assert "maxCartItems" in body["detail"], body
    assert get_cart(BASIC, sid).json()["itemCount"] == 20


def test_max_cart_items_override():
    sid = new_session()
    add_ok(LIMITED, sid, P["limited"], 3)
    body = assert_problem(add(LIMITED, sid, P["limited2"], 3), 400)
    assert "maxCartItems" in body["detail"], body
    add_ok(LIMITED, sid, P["limited2"], 2)
    body = assert_problem(add(LIMITED, sid, P["limited"], 1), 400)
    assert "maxCartItems" in body["detail"], body
    assert get_cart(LIMITED, sid).json()["itemCount"] == 5


# --------------------------------------------------------------------------- PUT

def test_update_item_quantity():
    sid = new_session()
    ids = shop.assert_cart(add_ok(S, sid, P["plain"], 1), sid, [line(P["plain"], 1)])
    add_ok(S, sid, P["many"], 2)
    item = ids[P["plain"]]
    resp = put_item(S, sid, item, 7)
    assert resp.status == 200, resp
    shop.assert_cart(resp.json(), sid, [line(P["plain"], 7), line(P["many"], 2)])
    # lowering works too
    body = put_item(S, sid, item, 2).json()
    shop.assert_cart(body, sid, [line(P["plain"], 2), line(P["many"], 2)])
    assert get_cart(S, sid).json() == body


def test_update_above_stock_is_409():
    sid = new_session()
    item = shop.assert_cart(add_ok(S, sid, P["few"], 1), sid, [line(P["few"], 1)])[P["few"]]
    assert_problem(put_item(S, sid, item, 4), 409)
    shop.assert_cart(get_cart(S, sid).json(), sid, [line(P["few"], 1)])
    resp = put_item(S, sid, item, 3)
    assert resp.status == 200, resp
    shop.assert_cart(resp.json(), sid, [line(P["few"], 3)])


def test_update_with_invalid_quantity_is_400():
    sid = new_session()
    item = add_ok(S, sid, P["plain"], 2)["items"][0]["id"]
    for bad in (0, -1, 1.5, "3", None, True):
        shop.assert_errors_key(put_item(S, sid, item, body={"quantity": bad}), 400, "quantity")
    shop.assert_errors_key(put_item(S, sid, item, body={}), 400, "quantity")
    resp = http("PUT", f"/api/cart/items/{item}", headers=hdrs(S, sid, **{"Content-Type": "application/json"}),
                raw_body="{bad")
    assert_problem(resp, 400)
    resp = http("PUT", f"/api/cart/items/{item}", headers=hdrs(S, sid, **{"Content-Type": "text/plain"}),
                raw_body='{"quantity": 3}')
    assert_problem(resp, 415)
    shop.assert_cart(get_cart(S, sid).json(), sid, [line(P["plain"], 2)])


def test_update_of_foreign_unknown_or_malformed_item_is_404():
    owner = new_session()
    item = add_ok(S, owner, P["plain"], 2)["items"][0]["id"]
    intruder = new_session()
    add_ok(S, intruder, P["plain"], 1)  # the intruder has a cart of its own
    assert_problem(put_item(S, intruder, item, 5), 404)
    assert_problem(put_item(S, new_session(), item, 5), 404)  # no cart at all
    # the same session id in another store
    add_ok(OTHER, owner, P["other_store"], 1)
    assert_problem(put_item(OTHER, owner, item, 5), 404)
    for bad in (str(uuid.uuid4()), "not-a-uuid", "12345", item + "0", P["plain"]):
        assert_problem(put_item(S, owner, bad, 5), 404)
    shop.assert_cart(get_cart(S, owner).json(), owner, [line(P["plain"], 2)])


# --------------------------------------------------------------------------- DELETE item / cart

def test_remove_item_then_last_item_leaves_empty_cart():
    sid = new_session()
    add_ok(S, sid, P["plain"], 2)
    ids = shop.assert_cart(add_ok(S, sid, P["many"], 1), sid, [line(P["plain"], 2), line(P["many"], 1)])
    resp = delete_item(S, sid, ids[P["plain"]])
    assert resp.status == 204, resp
    assert resp.raw == b"", resp
    shop.assert_cart(get_cart(S, sid).json(), sid, [line(P["many"], 1)])
    # removing it again: 404
    assert_problem(delete_item(S, sid, ids[P["plain"]]), 404)
    assert delete_item(S, sid, ids[P["many"]]).status == 204
    resp = get_cart(S, sid)
    assert resp.status == 200, resp
    body = resp.json()
    shop.assert_cart(body, sid, [])
    assert body["items"] == [] and body["itemCount"] == 0
    shop.assert_money(body["subtotal"], 0)
    # the cart can be filled again
    shop.assert_cart(add_ok(S, sid, P["plain"], 1), sid, [line(P["plain"], 1)])


def test_remove_foreign_unknown_or_malformed_item_is_404():
    owner = new_session()
    item = add_ok(S, owner, P["plain"], 2)["items"][0]["id"]
    intruder = new_session()
    assert_problem(delete_item(S, intruder, item), 404)      # no cart
    add_ok(S, intruder, P["many"], 1)
    assert_problem(delete_item(S, intruder, item), 404)      # another cart
    assert_problem(delete_item(OTHER, owner, item), 404)     # another store
    for bad in (str(uuid.uuid4()), "not-a-uuid", item.upper() + "x"):
        assert_problem(delete_item(S, owner, bad), 404)
    # still there for its owner
    shop.assert_cart(get_cart(S, owner).json(), owner, [line(P["plain"], 2)])


def test_clear_cart():
    sid = new_session()
    add_ok(S, sid, P["plain"], 2)
    add_ok(S, sid, P["many"], 3)
    resp = clear_cart(S, sid)
    assert resp.status == 204 and resp.raw == b"", resp
    assert_problem(get_cart(S, sid), 404)
    # again, and on a session that never had a cart
    resp = clear_cart(S, sid)
    assert resp.status == 204 and resp.raw == b"", resp
    resp = clear_cart(S, new_session())
    assert resp.status == 204 and resp.raw == b"", resp
    # an emptied cart is deleted too
    sid2 = new_session()
    item = add_ok(S, sid2, P["plain"], 1)["items"][0]["id"]
    assert delete_item(S, sid2, item).status == 204
    assert clear_cart(S, sid2).status == 204
    assert_problem(get_cart(S, sid2), 404)


def test_clear_only_touches_own_cart():
    a, b = new_session(), new_session()
    add_ok(S, a, P["plain"], 1)
    add_ok(S, b, P["plain"], 4)
    assert clear_cart(S, a).status == 204
    shop.assert_cart(get_cart(S, b).json(), b, [line(P["plain"], 4)])


def test_same_session_in_two_stores_has_two_carts():
    sid = new_session()
    a = add_ok(S, sid, P["plain"], 2)
    b = add_ok(OTHER, sid, P["other_store"], 1)
    assert a["id"] != b["id"]
    shop.assert_cart(get_cart(S, sid).json(), sid, [line(P["plain"], 2)])
    row = shop.product_row(OTHER, P["other_store"])
    shop.assert_cart(get_cart(OTHER, sid).json(), sid,
                     [(P["other_store"], row["name"], row["finalPrice"], 1, None)])
    assert clear_cart(OTHER, sid).status == 204
    shop.assert_cart(get_cart(S, sid).json(), sid, [line(P["plain"], 2)])


# --------------------------------------------------------------------------- concurrency

def test_parallel_adds_of_one_product_end_as_one_line():
    sid = new_session()
    pid = shop.product(S, price="2.00", stock=100)
    results = shop.parallel([lambda: add(S, sid, pid, 1) for _ in range(20)], workers=20)
    assert shop.statuses(results) == [200] * 20, shop.statuses(results)
    body = get_cart(S, sid).json()
    shop.assert_cart(body, sid, [line(pid, 20)])
    assert ecom.sql_value(f"SELECT COUNT(*) FROM carts WHERE session_id = {ecom.q(sid)}",
                          db=ecom.schema_of(S)) == "1"


def test_parallel_first_adds_of_different_products_share_one_cart():
    sid = new_session()
    pids = [shop.product(S, price="1.00", stock=10) for _ in range(8)]
    results = shop.parallel([lambda p=p: add(S, sid, p, 2) for p in pids], workers=8)
    assert shop.statuses(results) == [200] * 8, shop.statuses(results)
    body = get_cart(S, sid).json()
    shop.assert_cart(body, sid, [line(p, 2) for p in pids])


def test_a_cart_above_its_limit_may_still_shrink():
    # As after a plan downgrade: the cart holds more than maxCartItems (20 on Basic).
    sid = new_session()
    a = shop.product(BASIC, stock=50)
    b = shop.product(BASIC, stock=50)
    add_ok(BASIC, sid, a, 10)
    add_ok(BASIC, sid, b, 10)
    ecom.sql(f"UPDATE cart_items SET quantity = 20 WHERE product_id = {ecom.q(b)}", db=ecom.schema_of(BASIC))
    line = next(i for i in get_cart(BASIC, sid).json()["items"] if i["productId"] == b)
    r = put_item(BASIC, sid, line["id"], 15)
    assert r.status == 200, r.text
    assert r.json()["itemCount"] == 25
    # Growing it is still refused.
    body = assert_problem(put_item(BASIC, sid, line["id"], 16), 400)
    assert "maxCartItems" in body["detail"], body
