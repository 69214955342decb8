"""Signed-in customers (CONTRACT §6, §7, §9): the cart belongs to the customer, a guest cart is
merged into it, orders are recorded for the customer (GET /api/orders), guest checkout off
needs a token, and an invalid token is never treated as a guest."""

import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import assert_problem, q  # noqa: E402
from accounts import assert_401, assert_field_error, call  # noqa: E402
from shop import new_session, new_key, order_body  # noqa: E402

S = None
LIM = None          # maxCartItems 6
GUEST_OFF = None    # guest_checkout off
C1 = C2 = C3 = None
CL = None           # customer of LIM
CG = None           # customer of GUEST_OFF

ORDER_LIST_KEYS = {"orderId", "orderNumber", "status", "createdAt", "total", "itemCount"}


def setup_module():
    global S, LIM, GUEST_OFF, C1, C2, C3, CL, CG
    S = ecom.new_store("PREMIUM")
    LIM = ecom.new_store("PREMIUM")
    GUEST_OFF = ecom.new_store("PREMIUM")
    # before any request names these stores: nothing cached yet
    ecom.set_limit_override(LIM, "maxCartItems", 6)
    ecom.set_feature_override(GUEST_OFF, "guest_checkout", False)
    C1 = acc.new_customer(S, "Customer One")
    C2 = acc.new_customer(S, "Customer Two")
    C3 = acc.new_customer(S, "Customer Three")
    CL = acc.new_customer(LIM, "Limited")
    CG = acc.new_customer(GUEST_OFF, "Signed In")


# --------------------------------------------------------------------------- helpers

def cart(slug, token=None, sid=None):
    return call("GET", shop.CART, slug, token, sid=sid)


def add(slug, pid, qty, token=None, sid=None):
    return shop.add(slug, sid, pid, qty, token=token)


def add_ok(slug, pid, qty, token=None, sid=None):
    return shop.add_ok(slug, sid, pid, qty, token=token)


def clear(slug, token=None, sid=None):
    resp = call("DELETE", shop.CART, slug, token, sid=sid)
    assert resp.status == 204, resp


def lines(cart_body):
    """{productId: quantity} of a cart or quote body."""
    out = {}
    for it in cart_body["items"]:
        assert it["productId"] not in out, f"duplicate line: {cart_body}"
        out[it["productId"]] = it["quantity"]
    return out


def place(slug, token=None, sid=None, key=None, **overrides):
    return shop.place(slug, sid, key, token=token, **overrides)


def place_ok(slug, token=None, sid=None, **overrides):
    _, body = shop.place_ok(slug, sid, token=token, **overrides)
    shop.assert_placed(body)
    return body


def guest_cart(slug, *items):
    sid = new_session()
    for pid, qty in items:
        shop.add_ok(slug, sid, pid, qty)
    return sid


def assert_guest_cart_gone(slug, sid):
    assert_problem(shop.get_cart(slug, sid), 404)


def my_orders(token, slug=None, **params):
    return call("GET", ecom.url(acc.MY_ORDERS, **params), slug or S, token)


# --------------------------------------------------------------------------- the customer's cart

def test_customer_cart_needs_no_session_and_is_the_customers():
    a = shop.product(S, price="4.00", stock=10)
    resp = cart(S, C2.token)
    assert_problem(resp, 404)                       # no cart yet
    body = add_ok(S, a, 2, C2.token)
    assert lines(body) == {a: 2}, body
    assert body["itemCount"] == 2, body
    shop.assert_money(body["subtotal"], "8.00")
    same = cart(S, C2.token)
    assert same.status == 200 and same.json() == body, same
    # an unrelated X-Session-Id (no guest cart) names the same customer cart
    with_sid = cart(S, C2.token, new_session())
    assert with_sid.status == 200 and with_sid.json()["id"] == body["id"], with_sid
    assert lines(with_sid.json()) == {a: 2}
    # another customer does not see it
    other = cart(S, C3.token)
    assert other.status == 404 or a not in lines(other.json()), other
    # update, remove and delete with the token alone
    item = body["items"][0]["id"]
    resp = call("PUT", f"{shop.CART_ITEMS}/{item}", S, C2.token, body={"quantity": 3})
    assert resp.status == 200 and lines(resp.json()) == {a: 3}, resp
    resp = call("PUT", f"{shop.CART_ITEMS}/{item}", S, C3.token, body={"quantity": 1})
    assert_problem(resp, 404)                       # not C3's item
    resp = call("DELETE", f"{shop.CART_ITEMS}/{item}", S, C2.token)
    assert resp.status == 204, resp
    assert lines(cart(S, C2.token).json()) == {}
    clear(S, C2.token)
    assert_problem(cart(S, C2.token), 404)


def test_a_guest_cart_is_merged_on_get_cart():
    a = shop.product(S, price="3.00", stock=10)
    b = shop.product(S, price="5.00", stock=10)
    clear(S, C1.token)
    add_ok(S, a, 1, C1.token)
    g = guest_cart(S, (a, 2), (b, 1))
    resp = cart(S, C1.token, g)
    assert resp.status == 200, resp
    body = resp.json()
    assert lines(body) == {a: 3, b: 1}, body
    assert body["itemCount"] == 4, body
    shop.assert_money(body["subtotal"], "14.00")
    assert_guest_cart_gone(S, g)
    # a second call with the same session merges nothing more
    again = cart(S, C1.token, g)
    assert again.status == 200 and lines(again.json()) == {a: 3, b: 1}, again
    assert lines(cart(S, C1.token).json()) == {a: 3, b: 1}
    clear(S, C1.token)


def test_a_guest_cart_is_merged_on_add_item():
    a = shop.product(S, price="2.00", stock=10)
    b = shop.product(S, price="7.00", stock=10)
    clear(S, C1.token)
    g = guest_cart(S, (a, 2))
    body = add_ok(S, b, 1, C1.token, g)
    assert lines(body) == {a: 2, b: 1}, body
    assert_guest_cart_gone(S, g)
    clear(S, C1.token)


def test_a_guest_cart_is_merged_on_quote():
    x = shop.product(S, price="10.00", stock=10)
    clear(S, C1.token)
    g = guest_cart(S, (x, 2))
    resp = call("POST", shop.QUOTE, S, C1.token, body={}, sid=g)
    assert resp.status == 200, resp
    body = resp.json()
    assert lines(body) == {x: 2}, body
    # 20.00 + 3.00 tax + 10.00 shipping
    for k, v in shop.expected_totals("20.00").items():
        shop.assert_money(body[k], v, k)
    assert_guest_cart_gone(S, g)
    assert lines(cart(S, C1.token).json()) == {x: 2}
    clear(S, C1.token)


def test_a_guest_cart_is_merged_on_place_order_and_the_order_is_the_customers():
    y = shop.product(S, price="6.00", stock=10)
    clear(S, C1.token)
    g = guest_cart(S, (y, 2))
    placed = place_ok(S, C1.token, g)
    shop.assert_money(placed["total"], "23.80")     # 12.00 + 1.80 + 10.00
    assert_guest_cart_gone(S, g)
    assert shop.stock_of(S, y) == 8
    # readable with the token alone
    resp = call("GET", f"{shop.ORDERS}/{placed['orderId']}", S, C1.token)
    assert resp.status == 200, resp
    order = resp.json()
    assert set(order) == shop.ORDER_KEYS, order
    assert order["orderId"] == placed["orderId"] and order["orderNumber"] == placed["orderNumber"], order
    assert [(i["productId"], i["quantity"]) for i in order["items"]] == [(y, 2)], order
    # the customer's list has it
    listed = my_orders(C1.token)
    assert listed.status == 200, listed
    assert placed["orderId"] in [o["orderId"] for o in listed.json()["items"]], listed
    # nobody else reads it
    assert_problem(call("GET", f"{shop.ORDERS}/{placed['orderId']}", S, C2.token), 404)
    assert_problem(shop.get_order(S, new_session(), placed["orderId"]), 404)
    # the order row names the customer
    cid = ecom.sql_value(f"SELECT customer_id FROM orders WHERE id = {q(placed['orderId'])}", db=ecom.schema_of(S))
    assert cid == C1.id, cid


def test_merge_is_capped_by_stock():
    z = shop.product(S, price="1.00", stock=5)
    clear(S, C1.token)
    add_ok(S, z, 3, C1.token)
    g = guest_cart(S, (z, 4))
    resp = cart(S, C1.token, g)
    assert resp.status == 200, resp
    assert lines(resp.json()) == {z: 5}, resp.json()
    assert_guest_cart_gone(S, g)
    clear(S, C1.token)


def test_merge_is_capped_by_max_cart_items():
    p1 = shop.product(LIM, price="1.00", stock=50)
    p2 = shop.product(LIM, price="2.00", stock=50)
    add_ok(LIM, p1, 4, CL.token)
    g = guest_cart(LIM, (p2, 3))
    resp = cart(LIM, CL.token, g)
    assert resp.status == 200, resp
    body = resp.json()
    assert body["itemCount"] == 6, body
    assert lines(body) == {p1: 4, p2: 2}, body
    assert_guest_cart_gone(LIM, g)


def test_my_orders_lists_only_this_customers_orders_newest_first():
    a = shop.product(S, price="10.00", stock=50)
    b = shop.product(S, price="25.50", stock=50)
    placed = []
    for items in ([(a, 1)], [(a, 2), (b, 1)], [(b, 3)]):
        for pid, qty in items:
            add_ok(S, pid, qty, C3.token)
        placed.append(place_ok(S, C3.token))
    # someone else's orders in the same store
    place_ok(S, sid=guest_cart(S, (a, 1)))
    add_ok(S, a, 1, C2.token)
    place_ok(S, C2.token)
    # distinct creation times, oldest first
    s = ecom.schema_of(S)
    for hours, p in zip((3, 2, 1), placed):
        ecom.sql(f"UPDATE orders SET created_at = UTC_TIMESTAMP() - INTERVAL {hours} HOUR "
                 f"WHERE id = {q(p['orderId'])}", db=s)
    created = {r[0]: r[1] for r in ecom.sql(
        "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ') FROM orders WHERE customer_id = "
        f"{q(C3.id)}", db=s)}
    assert set(created) == {p["orderId"] for p in placed}, created

    resp = my_orders(C3.token)
    assert resp.status == 200, resp
    body = resp.json()
    items = acc.assert_page(body, 1, 20, total=3)
    newest_first = list(reversed(placed))
    assert [i["orderId"] for i in items] == [p["orderId"] for p in newest_first], items
    counts = {placed[0]["orderId"]: 1, placed[1]["orderId"]: 3, placed[2]["orderId"]: 3}
    for it, p in zip(items, newest_first):
        assert set(it) == ORDER_LIST_KEYS, it
        assert it["orderNumber"] == p["orderNumber"] and it["status"] == "PENDING", it
        shop.assert_money(it["total"], p["total"], "total")
        assert it["itemCount"] == counts[it["orderId"]], it
        assert it["createdAt"] == created[it["orderId"]], (it, created)

    page1 = acc.assert_page(my_orders(C3.token, page=1, pageSize=2).json(), 1, 2, total=3)
    page2 = acc.assert_page(my_orders(C3.token, page=2, pageSize=2).json(), 2, 2, total=3)
    assert [i["orderId"] for i in page1 + page2] == [i["orderId"] for i in items]
    assert acc.assert_page(my_orders(C3.token, page=3, pageSize=2).json(), 3, 2, total=3) == []

    # each is readable with the token alone
    for p in placed:
        resp = call("GET", f"{shop.ORDERS}/{p['orderId']}", S, C3.token)
        assert resp.status == 200 and resp.json()["orderNumber"] == p["orderNumber"], resp


def test_my_orders_of_a_customer_without_orders_is_empty():
    resp = my_orders(CL.token, slug=LIM)
    assert resp.status == 200, resp
    body = resp.json()
    assert body == {"items": [], "totalCount": 0, "page": 1, "pageSize": 20, "totalPages": 0}, body


def test_my_orders_needs_a_valid_token_and_a_valid_page():
    assert_401(call("GET", acc.MY_ORDERS, S))
    assert_401(call("GET", acc.MY_ORDERS, S, sid=new_session()))
    assert_401(call("GET", acc.MY_ORDERS, S, "garbage.token.here"))
    assert_401(call("GET", acc.MY_ORDERS, S, acc.forge_access(S, C3.id, iat=int(time.time()) - 7200)))
    assert_401(call("GET", acc.MY_ORDERS, LIM, C3.token))          # another store's token
    for params, field in (({"page": 0}, "page"), ({"page": -1}, "page"), ({"page": "x"}, "page"),
                          ({"pageSize": 0}, "pageSize"), ({"pageSize": 101}, "pageSize"),
                          ({"pageSize": "1.5"}, "pageSize")):
        assert_field_error(my_orders(C3.token, **params), field)


# --------------------------------------------------------------------------- guest checkout off

def test_guest_checkout_off_needs_a_customer_token():
    pid = shop.product(GUEST_OFF, price="5.00", stock=5)
    g = guest_cart(GUEST_OFF, (pid, 1))
    resp = place(GUEST_OFF, sid=g)
    assert_problem(resp, 401)
    assert shop.stock_of(GUEST_OFF, pid) == 5
    add_ok(GUEST_OFF, pid, 2, CG.token)
    placed = place_ok(GUEST_OFF, CG.token)
    shop.assert_money(placed["total"], "21.50")     # 10.00 + 1.50 + 10.00
    assert shop.stock_of(GUEST_OFF, pid) == 3
    listed = my_orders(CG.token, slug=GUEST_OFF).json()
    assert [o["orderId"] for o in listed["items"]] == [placed["orderId"]], listed
    # an invalid token is no way around it
    resp = place(GUEST_OFF, "x.y.z", g)
    assert_401(resp)


def test_a_customer_replay_is_the_same_order_from_any_session():
    pid = shop.product(GUEST_OFF, price="5.00", stock=5)
    add_ok(GUEST_OFF, pid, 1, CG.token)
    key = new_key()
    first = place(GUEST_OFF, CG.token, new_session(), key=key)
    assert first.status == 200, first
    again = place(GUEST_OFF, CG.token, new_session(), key=key)
    assert again.status == 200 and again.json() == first.json(), again
    assert again.headers.get("Idempotent-Replayed") == "true", again.headers
    assert shop.stock_of(GUEST_OFF, pid) == 4
    # the same key from someone else never gets this order (409; 401 if unknown accounts are refused)
    other = acc.forge_access(GUEST_OFF, CL.id)          # validly signed, for an account of another store
    resp = place(GUEST_OFF, other, key=key)
    assert resp.status in (401, 409), resp
    assert_problem(resp, resp.status)


# --------------------------------------------------------------------------- invalid tokens

def test_an_invalid_token_on_cart_endpoints_is_401_never_a_guest():
    pid = shop.product(S, price="3.00", stock=10)
    g = guest_cart(S, (pid, 1))
    before = shop.get_cart(S, g).json()
    item = before["items"][0]["id"]
    bad_tokens = {
        "garbage": "garbage",
        "wrong key": acc.forge_access(S, C1.id, key="k" * 64),
        "expired": acc.forge_access(S, C1.id, iat=int(time.time()) - 7200),
        "another store": CL.token,
        "tampered": acc.tamper_payload(C1.token, sub=C2.id),
    }
    key = new_key()
    for what, token in bad_tokens.items():
        requests = [
            ("GET", shop.CART, None, {}),
            ("POST", shop.CART_ITEMS, {"productId": pid, "quantity": 1}, {}),
            ("PUT", f"{shop.CART_ITEMS}/{item}", {"quantity": 5}, {}),
            ("DELETE", f"{shop.CART_ITEMS}/{item}", None, {}),
            ("DELETE", shop.CART, None, {}),
            ("POST", shop.QUOTE, {}, {}),
            ("POST", shop.PLACE, order_body(key), {"Idempotency-Key": key}),
        ]
        for method, path, body, extra in requests:
            resp = call(method, path, S, token, body=body, sid=g, **extra)
            assert resp.status == 401, f"{what}: {method} {path}: {resp!r}"
            assert_401(resp)
    # the guest cart is untouched, and no order was placed
    assert shop.get_cart(S, g).json() == before
    assert shop.orders_with_key(S, key) == []
    assert shop.stock_of(S, pid) == 10
    # the order endpoint too
    assert_401(call("GET", f"{shop.ORDERS}/{new_key()}", S, "garbage", sid=g))


def test_customer_orders_count_decimal_totals_exactly():
    # a small sanity check of the list's money format (no binary floating point artefacts)
    p = shop.product(S, price="0.10", stock=10)
    add_ok(S, p, 3, C2.token)
    placed = place_ok(S, C2.token)
    listed = [o for o in my_orders(C2.token).json()["items"] if o["orderId"] == placed["orderId"]]
    assert len(listed) == 1, listed
    total = listed[0]["total"]
    assert Decimal(str(total)) == Decimal("10.35"), total     # 0.30 + 0.05 (0.045 rounded) + 10.00


def test_concurrent_first_calls_merge_the_guest_cart_once():
    a = shop.product(S, price="1.50", stock=100)
    b = shop.product(S, price="2.50", stock=100)
    clear(S, C2.token)                              # no customer cart: the merge creates it
    g = guest_cart(S, (a, 2), (b, 3))
    results = shop.parallel([lambda: cart(S, C2.token, g) for _ in range(8)]
                            + [lambda: call("POST", shop.QUOTE, S, C2.token, body={}, sid=g) for _ in range(4)])
    assert all(getattr(r, "status", None) == 200 for r in results), shop.statuses(results)
    body = cart(S, C2.token).json()
    assert lines(body) == {a: 2, b: 3}, body
    assert_guest_cart_gone(S, g)
    rows = ecom.sql(f"SELECT COUNT(*) FROM carts WHERE customer_id = {q(C2.id)}", db=ecom.schema_of(S))
    assert rows[0][0] == "1", f"the customer has {rows[0][0]} carts"
    clear(S, C2.token)
