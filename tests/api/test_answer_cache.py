"""The workers' cache of public catalog answers ([catalog] cache_ttl_ms, cache_bytes) and the ETag
/ 304 Not Modified of those answers, on a stack of its own (three workers) whose configuration the
module changes and reloads: first a TTL of ten minutes, so that every answer that changes after a
write proves the write's invalidation, not the TTL; then short TTLs and a small byte budget.

Every write through the API is seen by the very next read on every worker: each test first warms
every worker's cache (a burst of concurrent requests until every worker served some, counted on
/status), writes, then reads with such a burst again."""

import concurrent.futures
import os
import re
import signal
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import http, q, tenant_headers  # noqa: E402

WORKERS = 3
LONG_TTL = 600_000
LIST = "/api/catalog/products"
CATS = "/api/catalog/categories"
CONFIG = "/public/tenant-config"
STACK = None
STORE = None   # premium store with a few products of its own
OTHER = None   # another store: the same URLs, other answers
ADMIN = None
PIDS = []      # STORE's products


class CacheStack(ecom.Stack):
    """A stack whose [catalog] keys come from its ecom.conf alone (an ECOM_CATALOG_* variable in the
    caller's environment would override them)."""

    def env(self):
        env = super().env()
        for k in ("ECOM_CATALOG_CACHE_TTL_MS", "ECOM_CATALOG_CACHE_BYTES"):
            env.pop(k, None)
        return env


def configure(ttl_ms, cache_bytes=4 << 20):
    """Rewrites the stack's [catalog] section and reloads; returns once every worker is new."""
    path = ecom.config_path()
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"\n\[catalog\]\n.*\Z", "\n", text, flags=re.S)
    text = text.rstrip("\n") + f"\n\n[catalog]\ncache_ttl_ms={ttl_ms}\ncache_bytes={cache_bytes}\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    master = ecom.master_pid()
    old = set(ecom.child_pids(master))
    os.kill(master, signal.SIGHUP)
    ecom.wait_until(lambda: len(ecom.child_pids(master)) >= WORKERS and not set(ecom.child_pids(master)) & old,
                    timeout=30, interval=0.1, what="the workers of the reloaded configuration")
    ecom.wait_until(lambda: len(worker_requests()) >= WORKERS, timeout=10, interval=0.1,
                    what="every new worker on the status page")


def setup_module():
    global STACK, STORE, OTHER, ADMIN, PIDS
    os.environ.pop("ECOM_CATALOG_CACHE_TTL_MS", None)
    STACK = CacheStack(workers=WORKERS).start()
    STACK.select()
    configure(LONG_TTL)
    STORE = ecom.new_store("PREMIUM")
    OTHER = ecom.new_store("PREMIUM")
    PIDS = [shop.product(STORE, price=f"{10 + i}.00", stock=50, name=f"Cached {i} {uuid.uuid4().hex[:6]}")
            for i in range(3)]
    shop.product(OTHER, price="10.00", stock=50, name=f"Other {uuid.uuid4().hex[:6]}")
    ADMIN = acc.new_admin(STORE)


def teardown_module():
    if STACK:
        STACK.stop()


# --------------------------------------------------------------------------- helpers

def get(path, slug=None, **headers):
    h = tenant_headers(slug or STORE)
    h.update({k.replace("_", "-"): v for k, v in headers.items()})
    return http("GET", path, headers=h)


def worker_requests():
    resp = http("GET", "/status")
    assert resp.status == 200, resp
    return {w["pid"]: w["requests"] for w in resp.json()["workers"]}


def burst(path, slug=None, headers=None, attempts=10):
    """Concurrent GETs until one burst was served by every worker (at least twice each); returns
    its responses."""
    slug = slug or STORE
    n = 4 * WORKERS
    for _ in range(attempts):
        before = worker_requests()
        with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
            out = list(pool.map(lambda _: get(path, slug, **(headers or {})), range(n)))
        after = worker_requests()
        if all(after.get(pid, 0) - count >= 2 for pid, count in before.items()):
            return out
    raise AssertionError(f"no burst of {n} requests reached every worker in {attempts} attempts")


def same_everywhere(path, slug=None):
    """One burst; asserts that every answer is the same (status, body, ETag); returns one."""
    out = burst(path, slug)
    first = out[0]
    for r in out:
        assert (r.status, r.raw, r.headers.get("ETag")) == (first.status, first.raw, first.headers.get("ETag")), \
            (first, r)
    return first


def metrics():
    resp = http("GET", "/metrics")
    assert resp.status == 200, resp
    out = {}
    for line in resp.text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, value = line.rsplit(" ", 1)
        out[name] = float(value)
    return out


def counter(name):
    return metrics().get(name, 0.0)


def detail(pid, slug=None):
    return get(f"{LIST}/{pid}", slug)


def product_of(pid):
    r = same_everywhere(f"{LIST}/{pid}")
    assert r.status == 200, r
    return r.json()


# --------------------------------------------------------------------------- exactness

def test_cached_answers_are_byte_identical_to_rendered_ones():
    for path in (f"{LIST}?pageSize=50", f"{LIST}/{PIDS[0]}", CATS, CONFIG, f"{LIST}?search=Cached&sort=-price"):
        hits = counter("ecom_answer_cache_hits_total")
        first = get(path)
        assert first.status == 200, first
        assert first.headers.get("Content-Type") == "application/json", first.headers._pairs
        for r in burst(path):
            assert r.status == 200 and r.raw == first.raw, (path, first, r)
            assert r.headers.get("Content-Type") == first.headers.get("Content-Type")
            assert r.headers.get("ETag") == first.headers.get("ETag")
            names = sorted(k.lower() for k, _ in r.headers._pairs)
            assert names == sorted(k.lower() for k, _ in first.headers._pairs), (first.headers._pairs, r.headers._pairs)
        assert counter("ecom_answer_cache_hits_total") > hits, f"{path}: no answer came from the cache"


def test_answers_equal_what_the_database_holds():
    body = same_everywhere(f"{LIST}?pageSize=100").json()
    want = {r[0]: r[1] for r in ecom.sql("SELECT id, name FROM products WHERE is_active = 1", db=ecom.schema_of(STORE))}
    assert {p["id"]: p["name"] for p in body["items"]} == want


def test_spellings_of_one_request_share_an_entry():
    cid = ecom.insert_category(STORE, f"Spelt {uuid.uuid4().hex[:6]}")
    canonical = f"{LIST}?categoryId={cid}&minPrice=10&sort=price"
    same_everywhere(canonical)  # every worker holds it
    misses = counter("ecom_answer_cache_misses_total")
    for spelling in (f"{LIST}?sort=price&minPrice=10.00&categoryId={cid.upper()}",
                     f"{LIST}?minPrice=10.0&utm_source=x&sort=price&page=1&pageSize=20&categoryId={cid}",
                     f"{LIST}?categoryId={cid}&categoryId={uuid.uuid4()}&minPrice=10&sort=price"):
        for r in burst(spelling):
            assert r.status == 200, r
    assert counter("ecom_answer_cache_misses_total") == misses, "another spelling rendered its answer again"


def test_rejected_parameters_get_their_400_every_time_and_are_never_kept():
    before = (counter("ecom_answer_cache_hits_total"), counter("ecom_answer_cache_misses_total"))
    for bad in ("pageSize=0", "page=-1", "sort=bogus", "minPrice=abc", "categoryId=nope", "minPrice=5&maxPrice=1"):
        for r in burst(f"{LIST}?{bad}"):
            ecom.assert_problem(r, 400)
    assert (counter("ecom_answer_cache_hits_total"), counter("ecom_answer_cache_misses_total")) == before
    for r in burst(f"{LIST}/not-a-uuid"):
        ecom.assert_problem(r, 404)
    missing = uuid.uuid4()
    for r in burst(f"{LIST}/{missing}"):
        ecom.assert_problem(r, 404)


def test_two_stores_never_share_an_entry():
    for path in (f"{LIST}?pageSize=100", CATS, CONFIG):
        a, b = same_everywhere(path, STORE), same_everywhere(path, OTHER)
        assert a.raw != b.raw, path
        assert a.headers.get("ETag") != b.headers.get("ETag"), path
    ids_b = {p["id"] for p in same_everywhere(f"{LIST}?pageSize=100", OTHER).json()["items"]}
    assert not ids_b & set(PIDS)
    same_everywhere(f"{LIST}/{PIDS[0]}", STORE)  # cached for STORE on every worker
    for r in burst(f"{LIST}/{PIDS[0]}", OTHER):
        ecom.assert_problem(r, 404)


def test_the_request_log_still_has_a_line_for_a_cached_answer():
    get(f"{LIST}/{PIDS[0]}")
    rid = f"cached-{uuid.uuid4().hex}"
    for _ in range(2 * WORKERS):  # some of them from the cache
        r = get(f"{LIST}/{PIDS[0]}", X_Request_Id=rid)
        assert r.status == 200 and r.headers.get("X-Request-Id") == rid, r
    log = os.path.join(ecom.var_dir(), "log", "ecom-fcgi.log")

    def lines():
        with open(log, encoding="utf-8", errors="replace") as fh:
            return [ln for ln in fh if f" request id={rid} " in ln and f"/api/catalog/products/{PIDS[0]} 200 " in ln]
    ecom.wait_until(lambda: len(lines()) == 2 * WORKERS, timeout=5, interval=0.1, what="a log line per request")


# --------------------------------------------------------------------------- writes through the API

def test_admin_product_edits_are_seen_at_once_everywhere():
    pid = PIDS[0]
    product_of(pid)
    same_everywhere(f"{LIST}?pageSize=100")
    name = f"Renamed {uuid.uuid4().hex[:6]}"
    acc.admin_ok(ADMIN, "PATCH", f"{acc.ADMIN_PRODUCTS}/{pid}", body={"name": name, "price": 77.5})
    p = product_of(pid)
    assert (p["name"], p["price"]) == (name, 77.5), p
    items = {x["id"]: x for x in same_everywhere(f"{LIST}?pageSize=100").json()["items"]}
    assert (items[pid]["name"], items[pid]["price"]) == (name, 77.5)

    acc.admin_ok(ADMIN, "PUT", f"{acc.ADMIN_PRODUCTS}/{pid}/stock", body={"stock": 33})
    assert product_of(pid)["stock"] == 33


def test_deactivating_a_product_is_seen_at_once_everywhere():
    pid = shop.product(STORE, price="5.00", name=f"Gone {uuid.uuid4().hex[:6]}")
    product_of(pid)
    assert pid in {x["id"] for x in same_everywhere(f"{LIST}?pageSize=100").json()["items"]}
    cats = same_everywhere(CATS).json()
    assert acc.admin_call(ADMIN, "DELETE", f"{acc.ADMIN_PRODUCTS}/{pid}").status == 200
    for r in burst(f"{LIST}/{pid}"):
        ecom.assert_problem(r, 404)
    assert pid not in {x["id"] for x in same_everywhere(f"{LIST}?pageSize=100").json()["items"]}
    assert same_everywhere(CATS).json() == cats  # it was in no category


def test_category_changes_are_seen_at_once_everywhere():
    same_everywhere(CATS)
    created = acc.admin_ok(ADMIN, "POST", acc.ADMIN_CATEGORIES, body={"name": f"New {uuid.uuid4().hex[:6]}"},
                           status=201)
    assert created["id"] in {c["id"] for c in same_everywhere(CATS).json()}
    name = f"Changed {uuid.uuid4().hex[:6]}"
    acc.admin_ok(ADMIN, "PATCH", f"{acc.ADMIN_CATEGORIES}/{created['id']}", body={"name": name})
    assert {c["id"]: c["name"] for c in same_everywhere(CATS).json()}[created["id"]] == name
    # a product put into it changes its count and the list filtered by it
    same_everywhere(f"{LIST}?categoryId={created['id']}")
    acc.admin_ok(ADMIN, "PATCH", f"{acc.ADMIN_PRODUCTS}/{PIDS[1]}", body={"categoryIds": [created["id"]]})
    assert [p["id"] for p in same_everywhere(f"{LIST}?categoryId={created['id']}").json()["items"]] == [PIDS[1]]
    assert {c["id"]: c["productCount"] for c in same_everywhere(CATS).json()}[created["id"]] == 1
    assert acc.admin_call(ADMIN, "DELETE", f"{acc.ADMIN_CATEGORIES}/{created['id']}").status == 200
    assert created["id"] not in {c["id"] for c in same_everywhere(CATS).json()}


def test_an_order_taking_stock_and_its_cancel_are_seen_at_once_everywhere():
    pid = PIDS[2]
    before = product_of(pid)["stock"]
    sid = shop.new_session()
    shop.add_ok(STORE, sid, pid, quantity=3)
    assert product_of(pid)["stock"] == before  # a cart takes no stock
    _, placed = shop.place_ok(STORE, sid)
    assert product_of(pid)["stock"] == before - 3
    acc.admin_ok(ADMIN, "PATCH", f"{acc.ADMIN_ORDERS}/{placed['orderId']}", body={"status": "CANCELLED"})
    assert product_of(pid)["stock"] == before


def test_settings_are_seen_at_once_everywhere():
    same_everywhere(CONFIG)
    colour = "#%06x" % (uuid.uuid4().int % 0xFFFFFF)
    acc.admin_ok(ADMIN, "PATCH", acc.ADMIN_SETTINGS, body={"theme": {"primaryColor": colour}})
    assert same_everywhere(CONFIG).json()["theme"]["primaryColor"] == colour


def test_a_suspended_store_answers_423_though_its_catalog_is_cached():
    sa = ecom.SuperAdmin()
    for path in (f"{LIST}?pageSize=100", f"{LIST}/{PIDS[0]}", CATS, CONFIG):
        same_everywhere(path)
    sa.patch_ok(STORE, {"status": "Suspended"})
    try:
        for path in (f"{LIST}?pageSize=100", f"{LIST}/{PIDS[0]}", CATS, CONFIG):
            for r in burst(path):
                ecom.assert_problem(r, 423)
    finally:
        sa.patch_ok(STORE, {"status": "Ready"})
    assert same_everywhere(CATS).status == 200


# --------------------------------------------------------------------------- validators

def test_etag_and_304_not_modified():
    path = f"{LIST}/{PIDS[0]}"
    r = get(path)
    etag = r.headers.get("ETag")
    assert r.status == 200 and re.fullmatch(r'"[0-9a-f]{32}"', etag or ""), r.headers._pairs
    for inm in (etag, f"W/{etag}", f'"other", {etag}', f'W/"x",W/{etag}', "*"):
        for n in burst(path, headers={"If-None-Match": inm}):
            assert n.status == 304 and n.raw == b"", (inm, n)
            assert n.headers.get("ETag") == etag, n.headers._pairs
    for inm in ('"other"', etag[:-2] + '"', 'W/"nope", "also-not"', "garbage"):
        n = get(path, If_None_Match=inm)
        assert n.status == 200 and n.raw == r.raw and n.headers.get("ETag") == etag, (inm, n)
    for other in (f"{LIST}?pageSize=7", CATS, CONFIG):
        o = get(other)
        assert o.status == 200 and o.headers.get("ETag"), o
        assert get(other, If_None_Match=o.headers["ETag"]).status == 304
    # after a write the old tag no longer matches: the new answer comes with a new tag
    acc.admin_ok(ADMIN, "PATCH", f"{acc.ADMIN_PRODUCTS}/{PIDS[0]}", body={"description": uuid.uuid4().hex})
    for n in burst(path, headers={"If-None-Match": etag}):
        assert n.status == 200 and n.headers.get("ETag") not in (None, etag), n
    # errors carry none
    assert get(f"{LIST}?pageSize=0").headers.get("ETag") is None


# --------------------------------------------------------------------------- TTL and memory

def test_operator_sql_is_seen_within_the_ttl():
    configure(1500)
    try:
        pid = PIDS[1]
        product_of(pid)
        name = f"By SQL {uuid.uuid4().hex[:6]}"
        ecom.sql(f"UPDATE products SET name = {q(name)} WHERE id = {q(pid)}", db=ecom.schema_of(STORE))
        time.sleep(1.6)
        assert product_of(pid)["name"] == name
    finally:
        configure(LONG_TTL)


def test_no_cache_with_a_zero_ttl():
    configure(0)
    try:
        hits = counter("ecom_answer_cache_hits_total")
        r = burst(f"{LIST}/{PIDS[0]}")
        assert all(x.status == 200 and x.headers.get("ETag") for x in r)
        assert counter("ecom_answer_cache_hits_total") == hits
        pid = PIDS[1]
        name = f"Uncached {uuid.uuid4().hex[:6]}"
        ecom.sql(f"UPDATE products SET name = {q(name)} WHERE id = {q(pid)}", db=ecom.schema_of(STORE))
        assert product_of(pid)["name"] == name
    finally:
        configure(LONG_TTL)


def test_the_byte_budget_holds_per_worker():
    budget = 60_000
    configure(LONG_TTL, budget)
    try:
        paths = [f"{LIST}?pageSize={n}&page={p}" for n in range(1, 101) for p in (1, 2)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            for r in pool.map(lambda path: get(path), paths):
                assert r.status == 200, r
        for _ in range(3):
            burst(f"{LIST}?pageSize=100")
        sizes = {k: v for k, v in metrics().items() if k.startswith("ecom_answer_cache_bytes{")}
        assert len(sizes) >= WORKERS, sizes
        assert all(v <= budget for v in sizes.values()), sizes
        assert max(sizes.values()) > budget / 2, sizes  # it did fill up
    finally:
        configure(LONG_TTL)
