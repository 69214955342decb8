"""Several application hosts behind one nginx: two ecom-fcgi masters (two sockets, standing in
for two machines) share the stack's databases, and a private nginx runs the shipped site file with
its "SEVERAL APPLICATION HOSTS" upstream uncommented, listing both.

Checked: both serve the same stores through the one nginx; a super admin change made through one
host is seen through the other within tenancy.cache_ttl_ms (and at once on the host it was made
on); an idempotency key, the stock and the sign-up limits hold across both hosts, under
concurrent requests sent straight to each.
"""

import json
import os
import re
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402
import nginx_site  # noqa: E402
import shop  # noqa: E402
from test_master import Master  # noqa: E402

HOSTS = []          # the two masters
CACHE_TTL_MS = 1500
INITS_PER_ADDRESS = 3


def with_upstream(lines, nginx):
    """Uncomments the shipped upstream block, lists the two masters in it, and passes
    "location /" to it. Fails when the file no longer has that shape."""
    original = list(lines)
    start = [i for i, ln in enumerate(original) if re.match(r"^#upstream ecom_app \{\s*$", ln)]
    assert len(start) == 1, f"expected one '#upstream ecom_app {{' line, found {len(start)}"
    i = start[0]
    lines[i] = original[i][1:]
    servers = 0
    while True:
        i += 1
        assert original[i].startswith("#"), f"line {i + 1} of the upstream block is not commented"
        body = original[i][1:]
        if body.strip() == "}":
            lines[i] = body
            break
        assert re.match(r"^\s+server \S+;$", body), f"unexpected line in the upstream block: {body!r}"
        lines[i] = f"    server unix:{HOSTS[servers].sock};" if servers < len(HOSTS) else "    # (one host fewer here)"
        servers += 1
    assert servers == 2, f"the shipped upstream lists {servers} hosts"
    root = [i for i, ln in enumerate(original) if ln.strip() == "location / {"]
    assert len(root) == 1, "expected one 'location / {'"
    assert original[root[0] + 1].strip() == f"fastcgi_pass {nginx_site.SHIPPED_SOCKET};", original[root[0] + 1]
    lines[root[0] + 1] = "        fastcgi_pass ecom_app;"
    return {"passes": 2}   # /status and /metrics stay on the stack's own socket


NG = nginx_site.PrivateNginx("ecom-hosts-", with_upstream)


def setup_module():
    env = {"ECOM_TENANCY_CACHE_TTL_MS": str(CACHE_TTL_MS),
           "ECOM_SIGNUP_INITS_PER_ADDRESS_PER_HOUR": str(INITS_PER_ADDRESS)}
    for _ in range(2):
        HOSTS.append(Master(workers=2, env=env))
    NG.start()


def teardown_module():
    try:
        NG.stop()
    finally:
        for m in HOSTS:
            m.stop()


def call(host, method, path, slug=None, body=None, headers=None, remote=None):
    h = dict(headers or {})
    if slug:
        h["X-Tenant-Slug"] = slug
    status, hdrs, raw = fcgi_client.call(host.sock, method, path, body=body, headers=h, remote=remote)
    return status, hdrs, raw


def served_lines(host, marker):
    return [ln for ln in host.read_log().splitlines() if " request id=" in ln and marker in ln]


def test_both_hosts_serve_the_same_store_through_one_nginx():
    slug = ecom.new_store("PREMIUM")
    pid = shop.product(slug, price="12.00", stock=3, name="Shared lamp")
    marker = f"/api/catalog/products/{pid}"
    for _ in range(12):
        resp = NG.fetch("GET", marker, [("X-Tenant-Slug", slug)])
        assert resp.status == 200, resp.text
        assert resp.json()["name"] == "Shared lamp"
    counts = [len(ecom.wait_until(lambda h=h: served_lines(h, marker), timeout=5, what="a log line")) for h in HOSTS]
    assert sum(counts) == 12 and min(counts) >= 3, counts   # round robin: both took their share


def test_a_change_through_one_host_is_seen_through_the_other_within_the_cache_time():
    slug = ecom.new_store("BASIC")
    a, b = HOSTS
    for _ in range(8):   # every worker of both hosts has the store in its cache now
        for h in HOSTS:
            assert call(h, "GET", "/api/features", slug)[0] == 200
    sa = {"Authorization": f"Bearer {ecom.mint_superadmin_token()}"}
    status, _, raw = call(a, "PATCH", f"/superadmin/tenants/{slug}", body={"status": "Suspended"}, headers=sa)
    assert status == 200, raw
    changed = time.monotonic()
    assert call(a, "GET", "/api/features", slug)[0] == 423      # this host's workers: at once
    seen = ecom.wait_until(lambda: call(b, "GET", "/api/features", slug)[0] == 423 and time.monotonic(),
                           timeout=CACHE_TTL_MS / 1000 + 3, interval=0.05, what="the other host to see the change")
    took = seen - changed
    print(f"the other host saw the suspension after {took * 1000:.0f} ms (cache_ttl_ms={CACHE_TTL_MS})")
    assert took <= CACHE_TTL_MS / 1000 + 0.5, took
    status, _, raw = call(b, "PATCH", f"/superadmin/tenants/{slug}", body={"status": "Ready"}, headers=sa)
    assert status == 200, raw
    ecom.wait_until(lambda: call(a, "GET", "/api/features", slug)[0] == 200, timeout=CACHE_TTL_MS / 1000 + 3,
                    what="the first host to see the store open again")


def run_together(calls):
    """Runs the calls at once (released by one barrier); returns their results in order."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertion
            results[i] = exc
    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_one_idempotency_key_makes_one_order_across_hosts():
    slug = ecom.new_store("PREMIUM")
    pid = shop.product(slug, price="20.00", stock=50)
    sid = shop.new_session()
    shop.add_ok(slug, sid, pid, 2)
    key = shop.new_key()
    body = shop.order_body(key)
    headers = {"X-Session-Id": sid, "Idempotency-Key": key}
    results = run_together([lambda h=h: call(h, "POST", shop.PLACE, slug, body=body, headers=headers)
                            for h in HOSTS * 4])
    ids, originals = set(), 0
    for r in results:
        assert not isinstance(r, Exception), r
        status, headers, raw = r
        assert status == 200, raw
        ids.add(json.loads(raw)["orderId"])
        originals += headers.get("idempotent-replayed") != "true"
    assert len(ids) == 1 and originals == 1, (ids, originals)
    assert len(shop.orders_with_key(slug, key)) == 1
    assert shop.stock_of(slug, pid) == 48


def test_stock_is_never_oversold_across_hosts():
    slug = ecom.new_store("PREMIUM")
    pid = shop.product(slug, price="5.00", stock=5)
    sessions = []
    for _ in range(16):
        sid = shop.new_session()
        shop.add_ok(slug, sid, pid, 1)
        sessions.append(sid)

    def buy(host, sid):
        key = shop.new_key()
        return call(host, "POST", shop.PLACE, slug, body=shop.order_body(key),
                    headers={"X-Session-Id": sid, "Idempotency-Key": key})
    results = run_together([lambda i=i, sid=sid: buy(HOSTS[i % 2], sid) for i, sid in enumerate(sessions)])
    statuses = [r[0] if not isinstance(r, Exception) else r for r in results]
    assert statuses.count(200) == 5, statuses
    assert all(s in (200, 409) for s in statuses), statuses     # 409: out of stock
    assert shop.stock_of(slug, pid) == 0
    assert shop.order_count(slug) == 5


def test_the_place_order_limit_of_a_session_counts_across_hosts():
    slug = ecom.new_store("PREMIUM")
    sid = shop.new_session()
    shop.add_ok(slug, sid, shop.product(slug, stock=5), 1)
    for i in range(10):     # invalid attempts (no Idempotency-Key) count too, on either host
        status, _, raw = call(HOSTS[i % 2], "POST", shop.PLACE, slug, body=shop.order_body(shop.new_key()),
                              headers={"X-Session-Id": sid})
        assert status == 400, raw
    key = shop.new_key()
    for host in HOSTS:
        status, headers, raw = call(host, "POST", shop.PLACE, slug, body=shop.order_body(key),
                                    headers={"X-Session-Id": sid, "Idempotency-Key": key})
        assert status == 429 and int(headers.get("retry-after", "0")) > 0, (status, headers, raw)
    assert shop.orders_with_key(slug, key) == []


def test_sign_up_limits_count_across_hosts():
    address = f"198.51.100.{uuid.uuid4().int % 200 + 20}"
    statuses = []
    for i in range(INITS_PER_ADDRESS + 1):
        slug = ecom.unique_slug("h")
        status, headers, raw = call(HOSTS[i % 2], "POST", "/provision/tenants/init",
                                    body={"slug": slug, "name": f"Store {slug}", "plan": "Basic"}, remote=address)
        statuses.append(status)
    assert statuses == [200] * INITS_PER_ADDRESS + [429], statuses
    assert int(headers.get("retry-after", "0")) > 0, headers
