"""Helpers for the cart / checkout / orders black-box tests (document §4, §5; CONTRACT §6, §7).

Standard library only. Every scenario should use a fresh session (new_session()): the
place-order rate limit (10 attempts per hour) is per session.
"""

import concurrent.futures
import datetime
import re
import threading
import uuid
from decimal import Decimal

import ecom
from ecom import http, q, dec, round2

CART = "/api/cart"
CART_ITEMS = "/api/cart/items"
QUOTE = "/api/checkout/quote"
PLACE = "/api/checkout/place-order"
ORDERS = "/api/orders"

CART_KEYS = {"id", "sessionId", "items", "itemCount", "subtotal"}
CART_ITEM_KEYS = {"id", "productId", "productName", "price", "quantity", "subtotal", "productImage"}
QUOTE_KEYS = {"subtotal", "tax", "shipping", "total", "items"}
QUOTE_ITEM_KEYS = {"id", "productId", "productName", "price", "quantity", "subtotal"}
PLACED_KEYS = {"orderId", "orderNumber", "total", "status", "createdAt"}
ORDER_KEYS = {"orderId", "orderNumber", "status", "createdAt", "email", "phone", "shippingAddress",
              "paymentMethod", "subtotal", "tax", "shipping", "total", "items"}
ORDER_ITEM_KEYS = {"productId", "productName", "price", "quantity", "subtotal"}
ORDER_NUMBER_RE = re.compile(r"^ORD-(\d{8})-\d{6}$")


# --------------------------------------------------------------------------- sessions & requests

def new_session():
    """A fresh, valid X-Session-Id (8-128 of [A-Za-z0-9_-])."""
    return "sess_" + uuid.uuid4().hex


def new_key():
    return str(uuid.uuid4())


def hdrs(slug, sid, token=None, **extra):
    """Headers: X-Tenant-Slug, X-Session-Id (when sid), Authorization: Bearer (when token)."""
    return ecom.store_headers(slug, token=token, sid=sid, **extra)


def get_cart(slug, sid):
    return http("GET", CART, headers=hdrs(slug, sid))


def add(slug, sid, product_id, quantity=1, body=None, token=None):
    """POST cart item, as a guest session (sid) or a signed-in customer (token) or both."""
    return http("POST", CART_ITEMS, headers=hdrs(slug, sid, token),
                body=body if body is not None else {"productId": product_id, "quantity": quantity})


def add_ok(slug, sid, product_id, quantity=1, token=None):
    resp = add(slug, sid, product_id, quantity, token=token)
    assert resp.status == 200, resp
    return resp.json()


def put_item(slug, sid, item_id, quantity=None, body=None):
    return http("PUT", f"{CART_ITEMS}/{item_id}", headers=hdrs(slug, sid),
                body=body if body is not None else {"quantity": quantity})


def delete_item(slug, sid, item_id):
    return http("DELETE", f"{CART_ITEMS}/{item_id}", headers=hdrs(slug, sid))


def clear_cart(slug, sid):
    return http("DELETE", CART, headers=hdrs(slug, sid))


def quote(slug, sid, body=None, raw_body=None):
    if body is None and raw_body is None:
        body = {}
    return http("POST", QUOTE, headers=hdrs(slug, sid), body=body, raw_body=raw_body)


def order_body(key, **overrides):
    body = {"idempotencyKey": key, "email": "buyer@example.com", "phone": "+1 (555) 123-4567",
            "shippingAddress": "123 Main St, Springfield, 12345", "paymentMethod": "CreditCard"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def place(slug, sid, key=None, body=None, header_key="same", timeout=ecom.HTTP_TIMEOUT, token=None,
          **overrides):
    """POST place-order. key: the idempotency key (fresh when None); header_key: the header value
    ("same" = key, None = no header); body: the whole body (default order_body(key, **overrides));
    token: a customer's access token."""
    key = key or new_key()
    h = hdrs(slug, sid, token)
    hk = key if header_key == "same" else header_key
    if hk is not None:
        h["Idempotency-Key"] = hk
    if body is None:
        body = order_body(key, **overrides)
    return http("POST", PLACE, headers=h, body=body, timeout=timeout)


def place_ok(slug, sid, key=None, token=None, **overrides):
    key = key or new_key()
    resp = place(slug, sid, key, token=token, **overrides)
    assert resp.status == 200, resp
    return key, resp.json()


def get_order(slug, sid, order_id):
    return http("GET", f"{ORDERS}/{order_id}", headers=hdrs(slug, sid))


# --------------------------------------------------------------------------- SQL fixtures

def product(slug, price="10.00", stock=10, discount="0", name=None, **kw):
    """A fresh product (fresh UUID, unique name); returns its id."""
    name = name or f"Item {uuid.uuid4().hex[:10]}"
    return ecom.insert_product(slug, name, price, discount=discount, stock=stock, **kw)


def product_row(slug, pid):
    rows = ecom.sql(f"SELECT name, price, discount, final_price, stock, is_active FROM products "
                    f"WHERE id = {q(pid)}", db=ecom.schema_of(slug))
    assert rows, f"no product {pid}"
    r = rows[0]
    return {"name": r[0], "price": Decimal(r[1]), "discount": Decimal(r[2]), "finalPrice": Decimal(r[3]),
            "stock": int(r[4]), "active": r[5] == "1"}


def stock_of(slug, pid):
    return int(ecom.sql_value(f"SELECT stock FROM products WHERE id = {q(pid)}", db=ecom.schema_of(slug)))


def set_stock(slug, pid, stock):
    ecom.sql(f"UPDATE products SET stock = {int(stock)} WHERE id = {q(pid)}", db=ecom.schema_of(slug))


def set_active(slug, pid, active):
    ecom.sql(f"UPDATE products SET is_active = {1 if active else 0} WHERE id = {q(pid)}",
             db=ecom.schema_of(slug))


def set_price(slug, pid, price, discount=None):
    """Changes a product's price (and discount) by SQL; returns the new final_price (a generated column)."""
    cols = f"price = {price}"
    if discount is not None:
        cols += f", discount = {discount}"
    ecom.sql(f"UPDATE products SET {cols} WHERE id = {q(pid)}", db=ecom.schema_of(slug))
    return product_row(slug, pid)["finalPrice"]


def set_settings(slug, tax_rate=None, shipping_flat=None, free_shipping_threshold=None):
    cols = []
    if tax_rate is not None:
        cols.append(f"tax_rate = {tax_rate}")
    if shipping_flat is not None:
        cols.append(f"shipping_flat = {shipping_flat}")
    if free_shipping_threshold is not None:
        cols.append(f"free_shipping_threshold = {free_shipping_threshold}")
    ecom.sql(f"UPDATE settings SET {', '.join(cols)} WHERE id = 1", db=ecom.schema_of(slug))


def settings(slug):
    r = ecom.sql("SELECT tax_rate, shipping_flat, free_shipping_threshold FROM settings WHERE id = 1",
                 db=ecom.schema_of(slug))[0]
    return Decimal(r[0]), Decimal(r[1]), Decimal(r[2])


def orders_with_key(slug, key):
    return ecom.sql(f"SELECT id, order_number, total FROM orders WHERE idempotency_key = {q(key)}",
                    db=ecom.schema_of(slug))


def order_count(slug):
    return int(ecom.sql_value("SELECT COUNT(*) FROM orders", db=ecom.schema_of(slug)))


def order_items(slug, order_id):
    rows = ecom.sql(f"SELECT product_id, product_name, unit_price, quantity, subtotal FROM order_items "
                    f"WHERE order_id = {q(order_id)} ORDER BY line_no", db=ecom.schema_of(slug))
    return [{"productId": r[0], "productName": r[1], "price": Decimal(r[2]), "quantity": int(r[3]),
             "subtotal": Decimal(r[4])} for r in rows]


def orders_containing(slug, pid):
    return int(ecom.sql_value(f"SELECT COUNT(DISTINCT order_id) FROM order_items WHERE product_id = {q(pid)}",
                              db=ecom.schema_of(slug)))


def ordered_quantity(slug, pid):
    return int(ecom.sql_value(f"SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE product_id = {q(pid)}",
                              db=ecom.schema_of(slug)))


# --------------------------------------------------------------------------- expectations

def expected_totals(subtotal, tax_rate=Decimal("0.15"), flat=Decimal("10.00"), threshold=Decimal("100.00")):
    subtotal = Decimal(subtotal)
    tax = round2(subtotal * Decimal(tax_rate))
    shipping = Decimal("0.00") if subtotal > Decimal(threshold) else Decimal(flat)
    return {"subtotal": dec(subtotal), "tax": dec(tax), "shipping": dec(shipping),
            "total": dec(subtotal + tax + shipping)}


def assert_money(value, expected, what="amount"):
    assert isinstance(value, (int, float, Decimal)) and not isinstance(value, bool), \
        f"{what} is not a JSON number: {value!r}"
    assert dec(value) == dec(expected), f"{what}: {value!r} != {expected}"
    # at most two decimals in the JSON text
    assert Decimal(repr(value) if isinstance(value, float) else str(value)).as_tuple().exponent >= -2, \
        f"{what} has more than two decimals: {value!r}"


def assert_cart(body, sid, lines):
    """lines: list of (productId, productName, price, quantity, image-or-None) in cart order."""
    assert set(body) == CART_KEYS, f"cart keys {sorted(body)}"
    assert ecom.UUID_RE.match(body["id"]), body["id"]
    assert body["sessionId"] == sid, body
    items = body["items"]
    assert isinstance(items, list) and len(items) == len(lines), (items, lines)
    by_product = {i["productId"]: i for i in items}
    assert len(by_product) == len(items), f"duplicate product lines: {items}"
    total_q = 0
    total = Decimal("0")
    for pid, name, price, quantity, image in lines:
        it = by_product.get(pid)
        assert it is not None, f"no line for {pid}: {items}"
        assert set(it) == CART_ITEM_KEYS, f"item keys {sorted(it)}"
        assert ecom.UUID_RE.match(it["id"]) and it["id"] != pid, it
        assert it["productName"] == name, it
        assert_money(it["price"], price, "item price")
        assert it["quantity"] == quantity and isinstance(it["quantity"], int), it
        assert_money(it["subtotal"], dec(price) * quantity, "item subtotal")
        assert it["productImage"] == image, it
        total_q += quantity
        total += dec(price) * quantity
    assert body["itemCount"] == total_q, body
    assert_money(body["subtotal"], total, "cart subtotal")
    return {i["productId"]: i["id"] for i in items}


def assert_errors_key(resp, status, key):
    body = ecom.assert_problem(resp, status)
    errors = body.get("errors")
    assert isinstance(errors, dict) and key in errors, f"errors should name {key!r}: {body}"
    msgs = errors[key]
    assert isinstance(msgs, list) and msgs and all(isinstance(m, str) and m for m in msgs), body
    return body


def assert_placed(body, expected_total=None):
    assert set(body) == PLACED_KEYS, f"place-order keys {sorted(body)}"
    assert ecom.UUID_RE.match(body["orderId"]), body
    m = ORDER_NUMBER_RE.match(body["orderNumber"] or "")
    assert m, f"orderNumber {body['orderNumber']!r}"
    today = datetime.datetime.now(datetime.timezone.utc)
    # allow the UTC date to roll over between the request and this check
    days = {(today - datetime.timedelta(seconds=s)).strftime("%Y%m%d") for s in (0, 120)}
    assert m.group(1) in days, f"orderNumber date {m.group(1)} is not today's UTC date {days}"
    assert body["status"] == "PENDING", body
    ecom.assert_iso_utc(body["createdAt"], "createdAt")
    if expected_total is not None:
        assert_money(body["total"], expected_total, "order total")


# --------------------------------------------------------------------------- parallelism

def parallel(calls, workers=50):
    """Runs the zero-argument callables at (nearly) the same moment, each in its own thread;
    returns their results (or the exception raised) in order."""
    calls = list(calls)
    barrier = threading.Barrier(len(calls)) if len(calls) <= workers else None

    def run(fn):
        if barrier is not None:
            try:
                barrier.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            return exc

    with concurrent.futures.ThreadPoolExecutor(max_workers=min(workers, len(calls))) as pool:
        return list(pool.map(run, calls))


def statuses(results):
    return [r.status if isinstance(r, ecom.Response) else repr(r) for r in results]
