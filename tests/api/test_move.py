"""Moving a store to another database server (`ecom-provision move`), on a stack of its own plus a
second private MariaDB (tests/lib/second_db.py), shared with test_servers.py
(tests/lib/two_servers.py) and removed when the run ends.

Checked: a moved store keeps every row (the move's own verification, and the API's answers
compared before and after) and serves from the target; a store of 1,000 products and 1,000
orders moves under live reads and checkouts with no order lost or doubled, no answer from another
store, and no error but 423 with Retry-After; a move killed after each of its steps leaves the
store on exactly one server, and running the command again finishes it, or --abort rolls it back;
the refusals.
"""

import json
import os
import random
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
from ecom import http, tenant_headers  # noqa: E402
import two_servers  # noqa: E402

ENV = None   # the stack and its second server


def setup_module():
    global ENV
    ENV = two_servers.shared()


def teardown_module():
    if ENV is not None:
        ENV.stack.deselect()


def move(slug, *args, kill_after=None, chunk_rows=None):
    env = dict(os.environ)
    if kill_after:
        env["ECOM_MOVE_KILL_AFTER"] = kill_after
    if chunk_rows is not None:
        env["ECOM_MOVE_CHUNK_ROWS"] = str(chunk_rows)
    return ecom.provision("--json", "move", slug, *args, env=env, timeout=170)


def server_of(slug):
    return ENV.server_of(slug)


def snapshot(slug, admin):
    """What the API answers about the store: the catalog, one product, the admin's orders."""
    out = {}
    for path in ("/api/catalog/products?pageSize=100", "/api/catalog/categories"):
        resp = http("GET", path, headers=tenant_headers(slug))
        assert resp.status == 200, resp
        out[path] = resp.json()
    resp = http("GET", "/api/admin/orders?pageSize=100", headers=ecom.store_headers(slug, token=admin.token))
    assert resp.status == 200, resp
    out["orders"] = resp.json()
    return out


def store_with_orders(products=5, orders=3):
    import accounts as acc
    slug = ecom.new_store("PREMIUM")
    pids = [shop.product(slug, price=f"{10 + i}.50", stock=100, name=f"{slug} item {i}") for i in range(products)]
    for i in range(orders):
        sid = shop.new_session()
        shop.add_ok(slug, sid, pids[i % len(pids)], 1 + i % 3)
        shop.place_ok(slug, sid)
    return slug, pids, acc.new_admin(slug)


# --------------------------------------------------------------------------- a move

def test_a_moved_store_keeps_every_row_and_serves_from_the_target():
    slug, pids, admin = store_with_orders()
    before = snapshot(slug, admin)
    assert server_of(slug) == "default"
    proc = move(slug, "second")
    assert proc.returncode == 0, ecom.describe(proc)
    report = ecom.parse_json(proc)
    assert report["from"] == "default" and report["to"] == "second" and report["resumed"] is False, report
    assert report["tables"] >= 10 and report["rows"] > 0 and report["sourceDropped"] is False, report
    assert server_of(slug) == "second"
    schema = ecom.schema_of(slug)
    assert schema in ENV.schemas_on_second()
    assert schema in ENV.schemas_on_default(), "the source is kept without --drop-source"
    assert snapshot(slug, admin) == before
    # New orders land on the target.
    on_target = int(ENV.db2.sql(f"SELECT COUNT(*) FROM `{schema}`.orders")[0][0])
    sid = shop.new_session()
    shop.add_ok(slug, sid, pids[0], 1)
    shop.place_ok(slug, sid)
    assert int(ENV.db2.sql(f"SELECT COUNT(*) FROM `{schema}`.orders")[0][0]) == on_target + 1
    # gc drops the source the move left behind, and lists (only) a schema no store owns.
    ENV.db2.sql("CREATE DATABASE IF NOT EXISTS ecom_tenant_nobodys COMMENT 'ecom store 0'")
    proc = ecom.provision("--json", "gc")
    assert proc.returncode == 0, ecom.describe(proc)
    leftovers = {(x["server"], x["schema"]): x for x in ecom.parse_json(proc)["leftoverSchemas"]}
    assert leftovers[("default", schema)]["reason"] == "moved" and leftovers[("default", schema)]["dropped"], leftovers
    assert leftovers[("second", "ecom_tenant_nobodys")] == {"server": "second", "schema": "ecom_tenant_nobodys",
                                                            "reason": "no store", "dropped": False}, leftovers
    assert schema not in ENV.schemas_on_default() and "ecom_tenant_nobodys" in ENV.schemas_on_second()
    assert not any(x["server"] == "second" and x["schema"] == schema for x in leftovers.values())
    ENV.db2.sql("DROP DATABASE ecom_tenant_nobodys")
    assert snapshot(slug, admin)["orders"]["totalCount"] == before["orders"]["totalCount"] + 1
    # ... and back, dropping the source this time.
    proc = move(slug, "default", "--drop-source")
    assert proc.returncode == 0, ecom.describe(proc)
    assert ecom.parse_json(proc)["sourceDropped"] is True
    assert server_of(slug) == "default" and schema not in ENV.schemas_on_second()
    assert snapshot(slug, admin)["orders"]["totalCount"] == before["orders"]["totalCount"] + 1


def test_the_refusals():
    slug, _, _ = store_with_orders(products=1, orders=0)
    for args, code, words in ((("nowhere",), 1, "no database server"), (("default",), 1, "already"),
                              ((), 2, "SLUG and SERVER"), (("second", "--bogus"), 2, "unknown option")):
        proc = ecom.provision("move", slug, *args)
        assert proc.returncode == code and words in proc.stderr, (args, ecom.describe(proc))
    proc = ecom.provision("move", "no-such-store", "second")
    assert proc.returncode == 1 and "no store" in proc.stderr, ecom.describe(proc)
    proc = ecom.provision("move", slug, "--abort")
    assert proc.returncode == 1 and "no move" in proc.stderr, ecom.describe(proc)
    assert ecom.provision("server", "drain", "second").returncode == 0
    try:
        proc = ecom.provision("move", slug, "second")
        assert proc.returncode == 1 and "draining" in proc.stderr, ecom.describe(proc)
    finally:
        assert ecom.provision("server", "resume", "second").returncode == 0
    assert server_of(slug) == "default"
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200


def test_tables_larger_than_one_chunk_are_copied_whole():
    """Seven rows of a table at a time: products (a key of one column) and order items (of two, an
    order's three lines split over chunks) are there in full, the same to the checksum."""
    slug, _ = big_store(products=50, orders=12)
    schema = ecom.schema_of(slug)
    for line in (2, 3):
        ecom.sql(f"INSERT INTO `{schema}`.order_items (order_id, line_no, product_id, product_name, unit_price, "
                 f"quantity, subtotal) SELECT order_id, {line}, product_id, product_name, unit_price, quantity, "
                 f"subtotal FROM `{schema}`.order_items WHERE line_no = 1")
    tables = [r[0] for r in ecom.sql(f"SHOW FULL TABLES FROM `{schema}` WHERE Table_type = 'BASE TABLE'")]

    def sums(run_sql):
        return {t: (run_sql(f"SELECT COUNT(*) FROM `{schema}`.`{t}`")[0][0],
                    run_sql(f"CHECKSUM TABLE `{schema}`.`{t}` EXTENDED")[0][1]) for t in tables}
    before = sums(ecom.sql)
    assert int(before["products"][0]) > 7 * 7 and int(before["order_items"][0]) == 36, before
    for bad in ("0", "many", "-3"):
        proc = ecom.provision("move", slug, "second", env=dict(os.environ, ECOM_MOVE_CHUNK_ROWS=bad))
        assert proc.returncode == 2 and "ECOM_MOVE_CHUNK_ROWS" in proc.stderr, ecom.describe(proc)
    ecom.sql("SET GLOBAL log_output = 'TABLE', general_log = 1")   # to count the reads of products
    try:
        proc = move(slug, "second", chunk_rows=7)
    finally:
        ecom.sql("SET GLOBAL general_log = 0")
    reads = ecom.sql("SELECT COUNT(*) FROM mysql.general_log WHERE command_type = 'Query' AND argument LIKE "
                     f"'SELECT %FROM `{schema}`.`products`%ORDER BY `id` LIMIT 7'")
    ecom.sql("TRUNCATE mysql.general_log")
    assert proc.returncode == 0, ecom.describe(proc)
    assert int(reads[0][0]) == int(before["products"][0]) // 7 + 1, (reads, before["products"])
    report = ecom.parse_json(proc)
    assert report["rows"] == sum(int(n) for n, _ in before.values()), (report, before)
    assert server_of(slug) == "second"
    assert sums(ENV.db2.sql) == before


# --------------------------------------------------------------------------- interrupted

def locked_or_default(slug):
    """The store answers from the source or not at all (423): never from the target."""
    resp = http("GET", "/api/features", headers=tenant_headers(slug))
    assert resp.status in (200, 423), resp
    if resp.status == 423:
        assert int(resp.headers.get("Retry-After", "0")) >= 1, resp.headers
    return resp.status


def test_a_move_killed_after_each_step_is_finished_by_running_it_again():
    for step in ("lock", "copy", "verify", "switch"):
        slug, pids, admin = store_with_orders(products=3, orders=2)
        before = snapshot(slug, admin)
        proc = move(slug, "second", kill_after=step)
        assert proc.returncode == -9, (step, ecom.describe(proc))
        if step == "switch":
            assert server_of(slug) == "second"
            assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200
        else:
            assert server_of(slug) == "default", step
            locked_or_default(slug)
        proc = move(slug, "second")
        assert proc.returncode == 0, (step, ecom.describe(proc))
        assert ecom.parse_json(proc)["resumed"] is True
        assert server_of(slug) == "second"
        assert snapshot(slug, admin) == before, step
        assert ecom.sql_value(f"SELECT COUNT(*) FROM store_moves", db=ecom.control_db()) == "0"


def test_a_move_killed_before_the_switch_is_rolled_back_by_abort():
    slug, _, admin = store_with_orders(products=2, orders=1)
    before = snapshot(slug, admin)
    proc = move(slug, "second", kill_after="copy")
    assert proc.returncode == -9, ecom.describe(proc)
    assert ecom.schema_of(slug) in ENV.schemas_on_second()
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 423   # still locked
    proc = ecom.provision("move", slug, "--abort")
    assert proc.returncode == 0, ecom.describe(proc)
    assert ecom.schema_of(slug) not in ENV.schemas_on_second()
    assert server_of(slug) == "default"
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200   # at once
    assert snapshot(slug, admin) == before


def test_a_killed_move_lets_its_lock_run_out():
    slug, _, _ = store_with_orders(products=1, orders=0)
    ecom.sql(f"UPDATE tenants SET locked_until = UTC_TIMESTAMP(3) + INTERVAL 2 SECOND WHERE slug = {ecom.q(slug)}",
             db=ecom.control_db())
    ecom.wait_tenant_cache()
    # (the lock was set by hand, as a killed mover leaves it: its lease runs out by itself)
    assert ecom.sql_value(f"SELECT locked_until IS NOT NULL FROM tenants WHERE slug = {ecom.q(slug)}",
                          db=ecom.control_db()) == "1"
    ecom.wait_until(lambda: http("GET", "/api/features", headers=tenant_headers(slug)).status == 200,
                    timeout=5, what="the lock to run out")


# --------------------------------------------------------------------------- under traffic

def big_store(products=1000, orders=1000):
    """A store of `products` products and `orders` orders of one line each (written with SQL, as
    an import would: the API's speed is not what this measures)."""
    slug = ecom.new_store("PREMIUM")
    schema = ecom.schema_of(slug)
    rows = [f"({ecom.q(str(uuid.uuid4()))}, {ecom.q(f'{slug} product {i}')}, '', {10 + i % 90}.99, 1000000)"
            for i in range(products)]
    ecom.sql_script([f"INSERT INTO `{schema}`.products (id, name, description, price, stock) VALUES "
                     + ", ".join(rows)])
    pids = [r[0] for r in ecom.sql(f"SELECT id FROM `{schema}`.products WHERE name LIKE {ecom.q(slug + ' product %')}",
                                   db=schema)]
    statements = []
    for i in range(orders):
        oid, sid = str(uuid.uuid4()), str(uuid.uuid4())
        statements.append(
            f"INSERT INTO `{schema}`.orders (id, order_number, idempotency_key, request_hash, owner, session_id, "
            f"email, phone, shipping_address, payment_method, subtotal, tax, shipping, total) VALUES ({ecom.q(oid)}, "
            f"{ecom.q(f'ORD-20261201-{i:06d}')}, {ecom.q(str(uuid.uuid4()))}, {ecom.q('0' * 64)}, "
            f"{ecom.q('session:' + sid)}, {ecom.q(sid)}, 'b@example.com', '+15551234567', '1 Main St', "
            f"'CreditCard', 10.99, 1.65, 10.00, 22.64)")
        statements.append(
            f"INSERT INTO `{schema}`.order_items (order_id, line_no, product_id, product_name, unit_price, quantity, subtotal) "
            f"VALUES ({ecom.q(oid)}, 1, {ecom.q(pids[i % len(pids)])}, 'x', 10.99, 1, 10.99)")
    ecom.sql_script(statements)
    return slug, pids


def test_a_big_store_moves_under_reads_and_checkouts():
    slug, pids = big_store()
    schema = ecom.schema_of(slug)
    own = {r[0] for r in ecom.sql("SELECT id FROM products", db=schema)}   # every answer names only these
    stop = threading.Event()
    lock = threading.Lock()
    seen = {"reads": 0, "423": 0, "bad": [], "accepted": {}, "foreign": 0}

    def reader():
        while not stop.is_set():
            resp = http("GET", f"/api/catalog/products?pageSize=20&page={random.randint(1, 50)}",
                        headers=tenant_headers(slug))
            with lock:
                seen["reads"] += 1
                if resp.status == 200:
                    if any(p["id"] not in own for p in resp.json()["items"]):
                        seen["foreign"] += 1
                elif resp.status == 423 and resp.headers.get("Retry-After"):
                    seen["423"] += 1
                else:
                    seen["bad"].append((resp.status, resp.text[:200]))

    def buyer():
        while not stop.is_set():
            sid, key = shop.new_session(), shop.new_key()
            while not stop.is_set():       # the cart is made again until the store answers
                resp = http("POST", shop.CART_ITEMS, headers=shop.hdrs(slug, sid),
                            body={"productId": random.choice(pids), "quantity": 1})
                if resp.status == 200:
                    break
                with lock:
                    if resp.status == 423:
                        seen["423"] += 1
                    else:
                        seen["bad"].append((resp.status, resp.text[:200]))
                time.sleep(0.2)
            for _ in range(100):           # the same key until it is placed (idempotent retries)
                resp = shop.place(slug, sid, key)
                with lock:
                    if resp.status == 200:
                        seen["accepted"].setdefault(resp.json()["orderId"], key)
                        break
                    if resp.status == 423:
                        seen["423"] += 1
                    else:
                        seen["bad"].append((resp.status, resp.text[:200]))
                        break
                time.sleep(0.2)

    threads = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=buyer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        started = time.monotonic()
        proc = move(slug, "second")
        took = time.monotonic() - started
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert proc.returncode == 0, ecom.describe(proc)
    report = ecom.parse_json(proc)
    print(f"moved 1,000 products and 1,000+ orders in {took:.1f} s (copy and verify {report['copyMs']} ms, "
          f"closed {report['lockedMs']} ms); {seen['reads']} reads, {len(seen['accepted'])} orders accepted, "
          f"{seen['423']} answers 423")
    assert not seen["bad"], seen["bad"][:5]
    assert seen["foreign"] == 0
    assert server_of(slug) == "second"
    for oid, key in seen["accepted"].items():   # every accepted order, exactly once, on the target
        rows = ENV.db2.sql(f"SELECT id FROM `{schema}`.orders WHERE idempotency_key = {ecom.q(key)}")
        assert [r[0] for r in rows] == [oid], (oid, rows)
    assert len(seen["accepted"]) > 0 and seen["reads"] > 0
    total = int(ENV.db2.sql(f"SELECT COUNT(*) FROM `{schema}`.orders")[0][0])
    assert total == 1000 + len(seen["accepted"]), total
