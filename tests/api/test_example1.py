"""The document's "Example 1: Complete Guest Checkout Flow", run as tests/examples/example1_guest_checkout.sh."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "example1_guest_checkout.sh")


def run_script(store, base_url=None, timeout=90):
    env = dict(os.environ)
    env["ECOM_BASE_URL"] = base_url or ecom.base_url()
    env["ECOM_STORE"] = store
    return subprocess.run(["bash", SCRIPT], capture_output=True, text=True, env=env, timeout=timeout)


def test_example1_places_an_order():
    store = ecom.new_store("PREMIUM")
    listing = ecom.get_json("/api/catalog/products?page=1&pageSize=20", store)
    expected = next(p for p in listing["items"] if p["stock"] >= 2)
    proc = run_script(store)
    assert proc.returncode == 0, ecom.describe(proc)
    m = re.search(r"Order created: (ORD-\d{8}-\d{6})\s*$", proc.stdout)
    assert m, ecom.describe(proc)
    number = m.group(1)
    pm = re.search(r"^Product: (\S+)$", proc.stdout, re.M)
    assert pm, ecom.describe(proc)
    pid = pm.group(1)
    assert pid == expected["id"], (pid, expected)
    # the order exists, holds 2 of a real product of the store, and its stock went down by 2
    rows = ecom.sql(f"SELECT id, email, payment_method FROM orders WHERE order_number = {ecom.q(number)}",
                    db=ecom.schema_of(store))
    assert len(rows) == 1 and rows[0][1:] == ["customer@example.com", "CreditCard"], rows
    lines = shop.order_items(store, rows[0][0])
    assert [(li["productId"], li["quantity"]) for li in lines] == [(pid, 2)], lines
    assert shop.stock_of(store, pid) == expected["stock"] - 2
    # the cart of the script's session is empty now
    assert ecom.sql_value("SELECT COUNT(*) FROM cart_items", db=ecom.schema_of(store)) == "0"


def test_example1_runs_twice_on_one_store():
    store = ecom.new_store("BASIC")
    first = run_script(store)
    second = run_script(store)
    assert first.returncode == 0 and second.returncode == 0, ecom.describe(first) + ecom.describe(second)
    numbers = [re.search(r"Order created: (ORD-\S+)", p.stdout).group(1) for p in (first, second)]
    assert numbers[0] != numbers[1], numbers


def test_example1_fails_for_an_unknown_store():
    proc = run_script(ecom.unique_slug("nostore"))
    assert proc.returncode == 1, ecom.describe(proc)
    assert "409" in proc.stderr, ecom.describe(proc)
    assert "Order created" not in proc.stdout


def test_example1_fails_when_checkout_is_off():
    store = ecom.new_store("PREMIUM")
    ecom.set_feature_override(store, "checkout", False)   # before any request names the store
    proc = run_script(store)
    assert proc.returncode == 1, ecom.describe(proc)
    assert "quote answered 403" in proc.stderr, ecom.describe(proc)


def test_example1_fails_without_a_server():
    port = ecom.free_port()  # nothing listens there
    proc = run_script("demo-store", base_url=f"http://127.0.0.1:{port}", timeout=30)
    assert proc.returncode == 1, ecom.describe(proc)
