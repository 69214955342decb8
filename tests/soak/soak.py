#!/usr/bin/env python3
"""Soak: mixed traffic over several stores while faults are injected, then the books.

Traffic (threads, one HTTP connection per request): browse (product lists, details,
categories), carts (add), checkouts (quote + place-order with a fresh key) across STORES
stores. Faults: a worker SIGKILLed every few seconds, a SIGHUP reload, a MariaDB restart
and a provisioner run (a new store signed up and built). Afterwards it checks that every
200 place-order has a complete order, that stock equals initial stock minus the units
ordered, that no idempotency key is used twice and that no order lacks lines, and prints
requests served, errors by status inside and outside the fault windows, and recovery times.

Env: ECOM_BASE_URL, ECOM_VAR_DIR, ECOM_CONFIG, ECOM_BIN_DIR, ECOM_REPO_DIR (as the tests),
SOAK_SECONDS (default 60), SOAK_THREADS (default 16), SOAK_STORES (default 4).
Exit status 0 when the books balance and no 500 was seen.
"""

import collections
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
THREADS = int(os.environ.get("SOAK_THREADS", "16"))
NSTORES = int(os.environ.get("SOAK_STORES", "4"))
INITIAL_STOCK = 1_000_000

results = []          # (t, kind, status)
placed = []           # (store, orderId, key)
lock = threading.Lock()
windows = []          # (name, start, end)
t0 = time.time()


def now():
    return time.time() - t0


def record(kind, status):
    with lock:
        results.append((now(), kind, status))


def call(kind, method, path, headers=None, body=None):
    try:
        r = ecom.http(method, path, headers=headers, body=body, timeout=30)
        record(kind, r.status)
        return r
    except Exception:
        record(kind, "conn")
        return None


def shopper(stores, products, stop):
    rnd = random.Random()
    while not stop.is_set():
        store = rnd.choice(stores)
        h = ecom.tenant_headers(store)
        roll = rnd.random()
        if roll < 0.5:
            call("browse", "GET", ecom.url("/api/catalog/products", page=rnd.randint(1, 3), pageSize=20), h)
        elif roll < 0.6:
            call("browse", "GET", "/api/catalog/categories", h)
        elif roll < 0.7:
            call("browse", "GET", "/api/catalog/products/" + rnd.choice(products[store]), h)
        else:
            sid = "soak-" + uuid.uuid4().hex
            hs = dict(h, **{"X-Session-Id": sid})
            pid = rnd.choice(products[store])
            r = call("cart", "POST", "/api/cart/items", hs, {"productId": pid, "quantity": rnd.randint(1, 3)})
            if not r or r.status != 200:
                continue
            call("checkout", "POST", "/api/checkout/quote", hs, {})
            key = str(uuid.uuid4())
            body = {"idempotencyKey": key, "email": "soak@example.com", "phone": "+1 555 0100",
                    "shippingAddress": "1 Soak Street, Testville", "paymentMethod": "CashOnDelivery"}
            r = call("order", "POST", "/api/checkout/place-order", dict(hs, **{"Idempotency-Key": key}), body)
            if r is not None and r.status == 200:
                with lock:
                    placed.append((store, r.json()["orderId"], key))


def master_pid():
    return int(open(os.path.join(ecom.var_dir(), "run", "ecom-fcgi.pid")).read())


def workers():
    out = subprocess.run(["pgrep", "-P", str(master_pid()), "-x", "ecom: worker"], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def window(name, action, settle=3.0):
    start = now()
    action()
    windows.append((name, start, now() + settle))


def restart_database():
    run = os.path.join(ecom.var_dir(), "run")
    pid = int(open(os.path.join(run, "mariadbd.pid")).read())
    os.kill(pid, signal.SIGTERM)
    while True:
        try:
            os.kill(pid, 0)
            time.sleep(0.05)
        except ProcessLookupError:
            break
    down = now()
    time.sleep(2)
    cmd = ["mariadbd", "--defaults-file=" + os.path.join(ecom.var_dir(), "mysql", "my.cnf")]
    if os.geteuid() == 0:
        cmd.append("--user=root")
    log = open(os.path.join(ecom.var_dir(), "log", "mariadb.log"), "ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    open(os.path.join(run, "mariadbd.pid"), "w").write(f"{proc.pid}\n")
    return down, now()


def injector(stop, recovery):
    time.sleep(SECONDS * 0.1)
    next_kill = now()
    plan = [(SECONDS * 0.3, "reload"), (SECONDS * 0.5, "database"), (SECONDS * 0.7, "provision")]
    while not stop.is_set():
        if now() >= next_kill:
            ws = workers()
            if ws:
                window("worker SIGKILL", lambda: os.kill(random.choice(ws), signal.SIGKILL), 1.0)
            next_kill = now() + 4
        if plan and now() >= plan[0][0]:
            _, what = plan.pop(0)
            if what == "reload":
                window("SIGHUP reload", lambda: os.kill(master_pid(), signal.SIGHUP), 2.0)
            elif what == "database":
                start = now()
                down, up = restart_database()
                # recovery: first successful request after the database came back
                while not stop.is_set():
                    r = ecom.http("GET", "/health")
                    if r.status == 200:
                        recovery["database"] = now() - up
                        break
                    time.sleep(0.05)
                windows.append(("MariaDB restart", start, now() + 1.0))
            elif what == "provision":
                start = now()
                slug = "soak-new-" + uuid.uuid4().hex[:6]
                init = ecom.http("POST", "/provision/tenants/init", body={"slug": slug, "name": "Soak", "plan": "Basic"})
                conf = ecom.http("POST", "/provision/tenants/confirm",
                                 headers={"Authorization": "Bearer " + init.json()["confirmToken"]})
                ecom.provision("run")
                st = ecom.http("GET", conf.json()["statusEndpoint"]).json()["status"]
                recovery["provisioned store"] = st
                windows.append(("provisioner run", start, now() + 1.0))
        time.sleep(0.1)


def in_window(t):
    return any(s <= t <= e for _, s, e in windows)


def main():
    stores, products = [], {}
    for i in range(NSTORES):
        slug = ecom.new_store("ENTERPRISE")
        stores.append(slug)
        products[slug] = []
        for j in range(8):
            products[slug].append(ecom.insert_product(slug, f"Soak item {j}", f"{random.randint(1, 90)}.99",
                                                      stock=INITIAL_STOCK))
    ecom.wait_tenant_cache()
    stop, recovery = threading.Event(), {}
    threads = [threading.Thread(target=shopper, args=(stores, products, stop)) for _ in range(THREADS)]
    inj = threading.Thread(target=injector, args=(stop, recovery))
    for t in threads:
        t.start()
    inj.start()
    time.sleep(SECONDS)
    stop.set()
    for t in threads + [inj]:
        t.join(60)

    # The books.
    ok = True
    for slug in stores:
        db = ecom.schema_of(slug)
        no_lines = int(ecom.sql_value("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                                      "(SELECT 1 FROM order_items i WHERE i.order_id = o.id)", db=db))
        dup_keys = int(ecom.sql_value("SELECT COUNT(*) - COUNT(DISTINCT idempotency_key) FROM orders", db=db))
        rows = ecom.sql("SELECT p.id, p.stock, COALESCE((SELECT SUM(quantity) FROM order_items i WHERE "
                        "i.product_id = p.id), 0) FROM products p WHERE p.name LIKE 'Soak item %'", db=db)
        unbalanced = [r for r in rows if int(r[1]) != INITIAL_STOCK - int(r[2])]
        ids = {r[0] for r in ecom.sql("SELECT id FROM orders", db=db)}
        missing = [o for s, o, _ in placed if s == slug and o not in ids]
        print(f"store {slug}: orders {len(ids)}, without lines {no_lines}, duplicate keys {dup_keys}, "
              f"unbalanced products {len(unbalanced)}, 200s without an order {len(missing)}")
        ok = ok and not (no_lines or dup_keys or unbalanced or missing)

    inside, outside = collections.Counter(), collections.Counter()
    for t, kind, status in results:
        (inside if in_window(t) else outside)[status] += 1
    print(f"requests: {len(results)} in {SECONDS} s ({len(results) / SECONDS:.0f}/s), orders placed: {len(placed)}")
    print("faults:", ", ".join(f"{n} at {s:.1f}s" for n, s, _ in windows))
    print("inside fault windows:", dict(inside))
    print("outside fault windows:", dict(outside))
    print("recovery:", json.dumps(recovery))
    server_errors = sum(c for s, c in list(inside.items()) + list(outside.items()) if s == 500)
    outside_errors = sum(c for s, c in outside.items() if s not in (200, 404, 409, 429))
    print(f"books balanced: {'yes' if ok else 'NO'}; 500s: {server_errors}; errors outside windows: {outside_errors}")
    return 0 if ok and server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
