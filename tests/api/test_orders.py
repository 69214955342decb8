"""GET /api/orders/{orderId} (CONTRACT §7): the placing session sees exactly what was placed;
anyone else, unknown and malformed ids get 404; session and tenant headers."""

import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
from ecom import http, assert_problem  # noqa: E402
from shop import hdrs, new_session, new_key, add_ok, get_order, place, order_body  # noqa: E402

S = None
OTHER = None
ORDER = {}     # the order placed in setup: request, response, expected lines


def setup_module():
    global S, OTHER
    S = ecom.new_store("PREMIUM")
    OTHER = ecom.new_store("PREMIUM")
    tok = uuid.uuid4().hex[:6]
    a = ecom.insert_product(S, f"Lamp {tok}", "45.50", "0.10", stock=10,
                            images=[f"https://img.example/{tok}/lamp.jpg"])     # finalPrice 40.95
    b = ecom.insert_product(S, f"Bulb {tok}", "2.99", "0", stock=100)
    sid = new_session()
    add_ok(S, sid, a, 2)
    add_ok(S, sid, b, 5)
    shop.set_price(S, b, "3.49")          # after adding: the order keeps 2.99
    key = new_key()
    fields = {"email": "orders.test@example.com", "phone": "+1 (555) 010-9999",
              "shippingAddress": "742 Evergreen Terrace, Springfield", "paymentMethod": "CashOnDelivery"}
    resp = place(S, sid, key, body=order_body(key, **fields))
    assert resp.status == 200, resp
    ORDER.update(sid=sid, key=key, fields=fields, placed=resp.json(), lines={
        a: (f"Lamp {tok}", Decimal("40.95"), 2),
        b: (f"Bulb {tok}", Decimal("2.99"), 5),
    })


def test_placing_session_sees_the_order():
    placed = ORDER["placed"]
    resp = get_order(S, ORDER["sid"], placed["orderId"])
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == shop.ORDER_KEYS, sorted(body)
    for k in ("orderId", "orderNumber", "createdAt", "status"):
        assert body[k] == placed[k], (k, body[k], placed[k])
    shop.assert_placed({k: body[k] for k in shop.PLACED_KEYS}, placed["total"])
    for k, v in ORDER["fields"].items():
        assert body[k] == v, (k, body[k], v)
    # 81.90 + 14.95 = 96.85; tax 14.5275 -> 14.53; shipping 10; total 121.38
    shop.assert_money(body["subtotal"], "96.85", "subtotal")
    shop.assert_money(body["tax"], "14.53", "tax")
    shop.assert_money(body["shipping"], "10", "shipping")
    shop.assert_money(body["total"], "121.38", "total")
    shop.assert_money(placed["total"], "121.38", "placed total")
    assert len(body["items"]) == len(ORDER["lines"]), body["items"]
    for it in body["items"]:
        assert set(it) == shop.ORDER_ITEM_KEYS, sorted(it)
        name, price, qty = ORDER["lines"][it["productId"]]
        assert it["productName"] == name
        shop.assert_money(it["price"], price, "price")
        assert it["quantity"] == qty
        shop.assert_money(it["subtotal"], price * qty, "line subtotal")


def test_order_is_unchanged_by_later_product_changes():
    first = get_order(S, ORDER["sid"], ORDER["placed"]["orderId"]).json()
    for pid in ORDER["lines"]:
        ecom.sql(f"UPDATE products SET name = CONCAT(name, ' (renamed)'), price = 999.00 "
                 f"WHERE id = {ecom.q(pid)}", db=ecom.schema_of(S))
    again = get_order(S, ORDER["sid"], ORDER["placed"]["orderId"])
    assert again.status == 200 and again.json() == first, again


def test_uppercase_order_id_is_the_same_order_or_404():
    resp = get_order(S, ORDER["sid"], ORDER["placed"]["orderId"].upper())
    assert resp.status in (200, 404), resp
    if resp.status == 200:
        assert resp.json()["orderId"] == ORDER["placed"]["orderId"]


def test_other_session_unknown_and_malformed_ids_are_404():
    oid = ORDER["placed"]["orderId"]
    assert_problem(get_order(S, new_session(), oid), 404)
    # a session that has orders of its own
    pid = shop.product(S, price="1.00", stock=5)
    other = new_session()
    add_ok(S, other, pid, 1)
    key = new_key()
    resp = place(S, other, key)
    assert resp.status == 200, resp
    own = resp.json()["orderId"]
    assert get_order(S, other, own).status == 200
    assert_problem(get_order(S, other, oid), 404)
    assert_problem(get_order(S, ORDER["sid"], own), 404)
    # the same session id in another store
    assert_problem(get_order(OTHER, ORDER["sid"], oid), 404)
    for bad in (str(uuid.uuid4()), "not-a-uuid", "12345", oid + "0", oid[:-1], ORDER["key"],
                ORDER["placed"]["orderNumber"]):
        assert_problem(get_order(S, ORDER["sid"], bad), 404)


def test_session_header_required():
    oid = ORDER["placed"]["orderId"]
    shop.assert_errors_key(http("GET", f"{shop.ORDERS}/{oid}", headers=hdrs(S, None)), 400, "X-Session-Id")
    for bad in ("short", "z" * 129, "not valid"):
        shop.assert_errors_key(http("GET", f"{shop.ORDERS}/{oid}", headers=hdrs(S, bad)), 400, "X-Session-Id")


def test_tenant_rules():
    oid = ORDER["placed"]["orderId"]
    resp = http("GET", f"{shop.ORDERS}/{oid}", headers={"X-Session-Id": ORDER["sid"]})
    assert assert_problem(resp, 409)["title"] == "Tenant not resolved"
    resp = http("GET", f"{shop.ORDERS}/{oid}", headers=hdrs(ecom.unique_slug("nn"), ORDER["sid"]))
    assert assert_problem(resp, 409)["title"] == "Tenant not resolved"


def test_every_placed_order_is_readable_with_its_lines():
    sid = new_session()
    pids = [shop.product(S, price=p, stock=20) for p in ("1.10", "2.20", "3.30")]
    for n, pid in enumerate(pids, start=1):
        add_ok(S, sid, pid, n)
    resp = place(S, sid)
    assert resp.status == 200, resp
    body = get_order(S, sid, resp.json()["orderId"]).json()
    got = {i["productId"]: (i["quantity"], ecom.dec(i["price"])) for i in body["items"]}
    assert got == {pids[0]: (1, Decimal("1.10")), pids[1]: (2, Decimal("2.20")), pids[2]: (3, Decimal("3.30"))}
    shop.assert_money(body["subtotal"], "15.40")
    shop.assert_money(body["total"], ecom.dec(resp.json()["total"]))
