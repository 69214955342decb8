"""Store admin: orders (CONTRACT §9) — list with status and date filters, detail with the customer,
and the status machine PENDING → PAID → SHIPPED → DELIVERED | CANCELLED (from PENDING or PAID,
stock put back exactly)."""

import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import assert_problem, q, url  # noqa: E402
from accounts import admin_call, assert_field_error, call  # noqa: E402

O = acc.ADMIN_ORDERS
LIST_KEYS = {"orderId", "orderNumber", "status", "createdAt", "email", "total", "customerId", "itemCount"}
DETAIL_KEYS = {"orderId", "orderNumber", "status", "createdAt", "updatedAt", "customer", "email", "phone",
               "shippingAddress", "paymentMethod", "subtotal", "tax", "shipping", "total", "items"}
CUSTOMER_KEYS = {"id", "name", "email", "phone"}

S = None
OTHER = None
ADMIN = None
OTHER_ADMIN = None
BUYER = None        # a customer of S
DATED = []          # orders with fixed creation times: (orderId, created_at 'YYYY-MM-DD HH:MM:SS', status)


def setup_module():
    global S, OTHER, ADMIN, OTHER_ADMIN, BUYER
    S = ecom.new_store("PREMIUM")
    OTHER = ecom.new_store("PREMIUM")
    ADMIN = acc.new_admin(S)
    OTHER_ADMIN = acc.new_admin(OTHER)
    BUYER = acc.new_customer(S, "Bea Buyer")


def guest_order(lines, **fields):
    """A guest order of fresh products: lines = [(price, qty, stock)]; returns (placed, sid, pids)."""
    sid = shop.new_session()
    pids = []
    for price, qty, stock in lines:
        pid = shop.product(S, price=price, stock=stock)
        shop.add_ok(S, sid, pid, qty)
        pids.append(pid)
    _, placed = shop.place_ok(S, sid, **fields)
    return placed, sid, pids


def customer_order(lines):
    pids = []
    for price, qty, stock in lines:
        pid = shop.product(S, price=price, stock=stock)
        resp = call("POST", shop.CART_ITEMS, S, BUYER.token, body={"productId": pid, "quantity": qty})
        assert resp.status == 200, resp
        pids.append(pid)
    key = shop.new_key()
    resp = call("POST", shop.PLACE, S, BUYER.token, body=shop.order_body(key, email="bea@example.com"),
                **{"Idempotency-Key": key})
    assert resp.status == 200, resp
    return resp.json(), pids


def set_created(order_id, when):
    ecom.sql(f"UPDATE orders SET created_at = {q(when)} WHERE id = {q(order_id)}", db=ecom.schema_of(S))


def set_status(order_id, status):
    resp = admin_call(ADMIN, "PATCH", f"{O}/{order_id}", body={"status": status})
    return resp


def detail(order_id):
    return admin_call(ADMIN, "GET", f"{O}/{order_id}")


def listing(**params):
    resp = admin_call(ADMIN, "GET", url(O, **params))
    assert resp.status == 200, resp
    return resp.json()


def ids(body):
    return [i["orderId"] for i in body["items"]]


# --------------------------------------------------------------------------- auth

def test_order_routes_need_the_stores_admin():
    placed, _, _ = guest_order([("5.00", 1, 10)])
    oid = placed["orderId"]
    for method, path, body in (("GET", O, None), ("GET", f"{O}/{oid}", None),
                               ("PATCH", f"{O}/{oid}", {"status": "CANCELLED"})):
        acc.assert_admin_guarded(S, method, path, BUYER.token, OTHER_ADMIN.token, body)
    assert detail(oid).json()["status"] == "PENDING"
    # another store's admin sees none of these orders with its own token either
    assert_problem(admin_call(OTHER_ADMIN, "GET", f"{O}/{oid}"), 404)
    assert_problem(admin_call(OTHER_ADMIN, "PATCH", f"{O}/{oid}", body={"status": "PAID"}), 404)
    assert oid not in ids(admin_call(OTHER_ADMIN, "GET", url(O, pageSize=100)).json())


# --------------------------------------------------------------------------- detail

def test_detail_of_a_guest_order():
    placed, sid, (a, b) = guest_order([("19.99", 3, 10), ("50.00", 1, 5)], email="Guest.Buyer@example.com",
                                      phone="+1 555 0100", shippingAddress="1 Guest Road, Town",
                                      paymentMethod="PayPal")
    resp = detail(placed["orderId"])
    assert resp.status == 200, resp
    d = resp.json()
    assert set(d) == DETAIL_KEYS, sorted(d)
    assert d["orderId"] == placed["orderId"] and d["orderNumber"] == placed["orderNumber"], d
    assert d["status"] == "PENDING" and d["createdAt"] == placed["createdAt"], d
    ecom.assert_iso_utc(d["updatedAt"], "updatedAt")
    assert d["customer"] == {"id": None, "name": None, "email": "Guest.Buyer@example.com", "phone": "+1 555 0100"}, d
    assert (d["email"], d["phone"], d["shippingAddress"], d["paymentMethod"]) == \
        ("Guest.Buyer@example.com", "+1 555 0100", "1 Guest Road, Town", "PayPal"), d
    # 59.97 + 50.00 = 109.97; tax 16.4955 -> 16.50; free shipping
    for k, v in (("subtotal", "109.97"), ("tax", "16.50"), ("shipping", "0"), ("total", "126.47")):
        shop.assert_money(d[k], v, k)
    shop.assert_money(placed["total"], d["total"])
    got = sorted((i["productId"], i["quantity"], ecom.dec(i["price"]), ecom.dec(i["subtotal"])) for i in d["items"])
    want = sorted([(a, 3, ecom.dec("19.99"), ecom.dec("59.97")), (b, 1, ecom.dec("50.00"), ecom.dec("50.00"))])
    assert got == want, d["items"]
    for it in d["items"]:
        assert set(it) == shop.ORDER_ITEM_KEYS, it
        assert it["productName"] == shop.product_row(S, it["productId"])["name"], it
    # what the buyer sees is the same order
    mine = shop.get_order(S, sid, placed["orderId"]).json()
    for k in shop.ORDER_KEYS - {"items"}:
        assert mine[k] == d[k], (k, mine[k], d[k])


def test_detail_of_a_customer_order_names_the_customer():
    placed, _ = customer_order([("7.00", 2, 10)])
    d = detail(placed["orderId"]).json()
    assert d["customer"]["id"] == BUYER.id, d
    assert d["customer"]["name"] == "Bea Buyer", d
    assert d["customer"]["email"] == "bea@example.com", d
    assert set(d["customer"]) == CUSTOMER_KEYS, d
    row = [i for i in listing(pageSize=100)["items"] if i["orderId"] == placed["orderId"]]
    assert len(row) == 1 and row[0]["customerId"] == BUYER.id, row


def test_unknown_or_malformed_order_is_404():
    for oid in (str(uuid.uuid4()), "not-a-uuid", "ORD-20240101-000001"):
        assert_problem(detail(oid), 404)
        assert_problem(set_status(oid, "PAID"), 404)


# --------------------------------------------------------------------------- list

def test_list_newest_first_with_status_and_date_filters():
    # four orders with fixed creation times in the past (the other tests' orders are "now")
    plan = [("2021-03-01 08:00:00", "PENDING"), ("2021-03-02 00:00:00", "PAID"),
            ("2021-03-02 23:59:59", "PENDING"), ("2021-03-04 12:30:00", "PAID")]
    made = []
    for n, (when, status) in enumerate(plan):
        if n == 1:
            placed, _ = customer_order([("2.00", 2, 10), ("3.00", 1, 10)])
        else:
            placed, _, _ = guest_order([("4.00", n + 1, 10)])
        set_created(placed["orderId"], when)
        if status == "PAID":
            assert set_status(placed["orderId"], "PAID").status == 200
        made.append(placed["orderId"])

    window = {"from": "2021-03-01", "to": "2021-03-31"}
    body = listing(**window)
    items = acc.assert_page(body, 1, 20, total=4)
    assert ids(body) == list(reversed(made)), body
    for it in items:
        assert set(it) == LIST_KEYS, it
        ecom.assert_iso_utc(it["createdAt"])
    by_id = {i["orderId"]: i for i in items}
    assert by_id[made[0]]["createdAt"] == "2021-03-01T08:00:00Z", by_id[made[0]]
    assert by_id[made[0]]["customerId"] is None and by_id[made[0]]["email"] == "buyer@example.com"
    assert by_id[made[1]]["customerId"] == BUYER.id and by_id[made[1]]["email"] == "bea@example.com"
    assert by_id[made[1]]["itemCount"] == 3 and by_id[made[2]]["itemCount"] == 3, by_id
    shop.assert_money(by_id[made[1]]["total"], "18.05")          # 7.00 + 1.05 + 10.00
    assert [by_id[m]["status"] for m in made] == [s for _, s in plan]

    # status filter
    assert ids(listing(status="PAID", **window)) == [made[3], made[1]]
    assert ids(listing(status="PENDING", **window)) == [made[2], made[0]]
    assert ids(listing(status="SHIPPED", **window)) == []
    # dates: a bare `from` starts at 00:00:00, a bare `to` ends at 23:59:59 (inclusive days)
    assert ids(listing(**{"from": "2021-03-02", "to": "2021-03-02"})) == [made[2], made[1]]
    assert ids(listing(**{"from": "2021-03-02T00:00:01Z", "to": "2021-03-31"})) == [made[3], made[2]]
    assert ids(listing(**{"from": "2021-03-01", "to": "2021-03-02T00:00:00Z"})) == [made[1], made[0]]
    assert ids(listing(**{"from": "2021-03-01T08:00:00Z", "to": "2021-03-01T08:00:00Z"})) == [made[0]]
    assert ids(listing(**{"from": "2021-03-05", "to": "2021-03-31"})) == []
    assert made[3] in ids(listing(**{"from": "2021-03-04", "pageSize": 100}))
    early = listing(to="2021-03-01", pageSize=100)
    assert made[0] in ids(early) and made[1] not in ids(early)
    # paging, newest first
    p1 = acc.assert_page(listing(page=1, pageSize=3, **window), 1, 3, total=4)
    p2 = acc.assert_page(listing(page=2, pageSize=3, **window), 2, 3, total=4)
    assert [i["orderId"] for i in p1 + p2] == list(reversed(made))
    assert acc.assert_page(listing(page=3, pageSize=3, **window), 3, 3, total=4) == []
    # without filters: every order of the store, newest first
    everything = listing(pageSize=100)
    total = int(ecom.sql_value("SELECT COUNT(*) FROM orders", db=ecom.schema_of(S)))
    assert everything["totalCount"] == total
    stamps = [i["createdAt"] for i in everything["items"]]
    assert stamps == sorted(stamps, reverse=True), stamps


def test_list_bad_parameters_are_400():
    cases = [({"status": "SHIPPING"}, "status"), ({"status": "REFUNDED"}, "status"), ({"status": ""}, "status"),
             ({"from": "yesterday"}, "from"), ({"from": "2024-1-1"}, "from"), ({"from": "2024-01-01T10:00:00"}, "from"),
             ({"from": "2024-01-01 10:00:00"}, "from"), ({"to": "01/02/2024"}, "to"), ({"to": ""}, "to"),
             ({"page": 0}, "page"), ({"pageSize": 101}, "pageSize"), ({"pageSize": "x"}, "pageSize")]
    for params, field in cases:
        resp = admin_call(ADMIN, "GET", url(O, **params))
        assert resp.status == 400, f"{params}: {resp!r}"
        assert_field_error(resp, field)


def test_list_impossible_dates_are_400():
    # well-formed but not a real date or time: invalid too (never a silently empty or unfiltered list)
    cases = [({"from": "2024-13-01"}, "from"), ({"from": "2024-00-10"}, "from"), ({"to": "2024-02-30"}, "to"),
             ({"to": "2023-02-29"}, "to"), ({"to": "2024-01-01T25:00:00Z"}, "to"),
             ({"from": "2024-01-01T10:61:00Z"}, "from"), ({"from": "0000-00-00"}, "from")]
    for params, field in cases:
        resp = admin_call(ADMIN, "GET", url(O, **params))
        assert resp.status == 400, f"{params}: {resp!r}"
        assert_field_error(resp, field)
    # a leap day is a real date
    assert admin_call(ADMIN, "GET", url(O, to="2024-02-29")).status == 200


# --------------------------------------------------------------------------- status transitions

def test_the_happy_path_pending_paid_shipped_delivered():
    placed, _, (pid,) = guest_order([("9.00", 2, 10)])
    oid = placed["orderId"]
    for status in ("PAID", "SHIPPED", "DELIVERED"):
        resp = set_status(oid, status)
        assert resp.status == 200, (status, resp)
        body = resp.json()
        assert body["status"] == status and body["orderId"] == oid, body
        assert set(body) == DETAIL_KEYS, sorted(body)
        assert detail(oid).json()["status"] == status
        assert shop.stock_of(S, pid) == 8                      # stock only changes on cancel
    assert ecom.sql_value(f"SELECT status FROM orders WHERE id = {q(oid)}", db=ecom.schema_of(S)) == "DELIVERED"
    for status in ("CANCELLED", "SHIPPED", "PAID", "PENDING", "DELIVERED"):
        assert_problem(set_status(oid, status), 409)
    assert shop.stock_of(S, pid) == 8


def test_cancel_from_pending_puts_the_stock_back_exactly():
    placed, sid, (a, b) = guest_order([("3.00", 3, 10), ("4.00", 1, 7)])
    oid = placed["orderId"]
    assert (shop.stock_of(S, a), shop.stock_of(S, b)) == (7, 6)
    shop.set_stock(S, a, 20)                         # restocked meanwhile: the cancel adds to it
    resp = set_status(oid, "CANCELLED")
    assert resp.status == 200 and resp.json()["status"] == "CANCELLED", resp
    assert (shop.stock_of(S, a), shop.stock_of(S, b)) == (23, 7)
    # no second restock
    for status in ("CANCELLED", "PAID", "PENDING", "SHIPPED", "DELIVERED"):
        assert_problem(set_status(oid, status), 409)
    assert (shop.stock_of(S, a), shop.stock_of(S, b)) == (23, 7)
    # the buyer sees it cancelled
    assert shop.get_order(S, sid, oid).json()["status"] == "CANCELLED"


def test_a_cancel_that_would_overflow_the_stock_is_409_and_changes_nothing():
    placed, sid, (a, b) = guest_order([("3.00", 1, 10), ("4.00", 2, 10)])
    oid = placed["orderId"]
    # Stock may grow past what an admin can set (1,000,000,000) through earlier put-backs; the
    # column holds 2,147,483,647 at most.
    shop.set_stock(S, b, 2147483646)
    body = assert_problem(set_status(oid, "CANCELLED"), 409)
    assert b in body["detail"] and "2147483647" in body["detail"], body
    assert (shop.stock_of(S, a), shop.stock_of(S, b)) == (9, 2147483646)
    assert detail(oid).json()["status"] == "PENDING"
    shop.set_stock(S, b, 2147483645)                  # exactly the maximum after the put-back
    assert set_status(oid, "CANCELLED").status == 200
    assert (shop.stock_of(S, a), shop.stock_of(S, b)) == (10, 2147483647)


def test_cancel_from_paid_puts_the_stock_back_and_the_customer_sees_it():
    placed, (a,) = customer_order([("11.00", 4, 4)])
    oid = placed["orderId"]
    assert shop.stock_of(S, a) == 0
    assert set_status(oid, "PAID").status == 200
    resp = set_status(oid, "CANCELLED")
    assert resp.status == 200 and resp.json()["status"] == "CANCELLED", resp
    assert shop.stock_of(S, a) == 4
    mine = call("GET", acc.MY_ORDERS, S, BUYER.token).json()["items"]
    assert [o["status"] for o in mine if o["orderId"] == oid] == ["CANCELLED"], mine
    # the product can be bought again
    sid = shop.new_session()
    shop.add_ok(S, sid, a, 4)


def test_illegal_transitions_are_409():
    placed, _, (pid,) = guest_order([("1.00", 1, 10)])
    oid = placed["orderId"]
    for status in ("SHIPPED", "DELIVERED", "PENDING"):
        assert_problem(set_status(oid, status), 409)
    assert set_status(oid, "PAID").status == 200
    for status in ("PENDING", "DELIVERED", "PAID"):
        assert_problem(set_status(oid, status), 409)
    assert set_status(oid, "SHIPPED").status == 200
    for status in ("CANCELLED", "PAID", "PENDING", "SHIPPED"):
        assert_problem(set_status(oid, status), 409)
    assert detail(oid).json()["status"] == "SHIPPED"
    assert shop.stock_of(S, pid) == 9


def test_invalid_status_values_are_400():
    placed, _, _ = guest_order([("1.00", 1, 10)])
    oid = placed["orderId"]
    for body in ({"status": "REFUNDED"}, {"status": "paid"}, {"status": ""}, {"status": 5}, {"status": None}, {}):
        resp = admin_call(ADMIN, "PATCH", f"{O}/{oid}", body=body)
        assert resp.status == 400, f"{body}: {resp!r}"
        assert_field_error(resp, "status")
    hdr = acc.h(S, ADMIN.token, **{"Content-Type": "application/json"})
    assert_problem(ecom.http("PATCH", f"{O}/{oid}", headers=hdr, raw_body="{"), 400)
    assert detail(oid).json()["status"] == "PENDING"


def test_concurrent_cancels_restock_once():
    placed, _, (pid,) = guest_order([("2.00", 5, 5)])
    oid = placed["orderId"]
    assert shop.stock_of(S, pid) == 0
    results = shop.parallel([lambda: set_status(oid, "CANCELLED") for _ in range(6)])
    codes = sorted(shop.statuses(results))
    assert codes == [200] + [409] * 5, codes
    assert shop.stock_of(S, pid) == 5
