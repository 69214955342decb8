"""`ecom-provision gc` in the stores: idle guest carts and old place-order attempts go,
recent ones stay."""

import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import ecom  # noqa: E402

STORE = None


def setup_module():
    global STORE
    STORE = ecom.new_store()


def make_cart(session):
    pid = ecom.insert_product(STORE, "GC Widget " + session, "5.00", stock=50)
    r = ecom.http("POST", "/api/cart/items", headers=ecom.tenant_headers(STORE, **{"X-Session-Id": session}),
                  body={"productId": pid, "quantity": 1})
    assert r.status == 200, r.text
    return r.json()["id"]


def test_gc_removes_idle_guest_carts_and_old_attempts_only():
    schema = ecom.schema_of(STORE)
    idle, fresh = "gc-idle-" + uuid.uuid4().hex[:8], "gc-fresh-" + uuid.uuid4().hex[:8]
    idle_cart, fresh_cart = make_cart(idle), make_cart(fresh)
    ecom.sql(f"UPDATE carts SET updated_at = UTC_TIMESTAMP() - INTERVAL 31 DAY WHERE id = {ecom.q(idle_cart)}", db=schema)
    ecom.sql("INSERT INTO checkout_attempts (owner, attempted_at) VALUES "
             "('session:gc-old', UTC_TIMESTAMP(3) - INTERVAL 2 HOUR), ('session:gc-new', UTC_TIMESTAMP(3))", db=schema)

    proc = ecom.provision("--json", "gc")
    assert proc.returncode == 0, ecom.describe(proc)
    out = json.loads(proc.stdout)
    assert out["idleCarts"] >= 1 and out["oldCheckoutAttempts"] >= 1, out

    carts = {row[0] for row in ecom.sql("SELECT id FROM carts", db=schema)}
    assert idle_cart not in carts
    assert fresh_cart in carts
    owners = {row[0] for row in ecom.sql("SELECT owner FROM checkout_attempts", db=schema)}
    assert "session:gc-old" not in owners and "session:gc-new" in owners
    r = ecom.http("GET", "/api/cart", headers=ecom.tenant_headers(STORE, **{"X-Session-Id": idle}))
    assert r.status == 404
    r = ecom.http("GET", "/api/cart", headers=ecom.tenant_headers(STORE, **{"X-Session-Id": fresh}))
    assert r.status == 200 and len(r.json()["items"]) == 1
