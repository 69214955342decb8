"""The optional catalog micro-cache of the production nginx site (conf/nginx/ecom-site.conf).

The shipped file itself is used: its commented-out micro-cache lines (`#fastcgi_cache_path` and
the `#location ~ ^/api/catalog/...` block) are uncommented, and only what must differ on this
machine is rewritten (listen address, the FastCGI socket of the stack under test, log, cache and
error-page paths). A private nginx runs that file in front of the stack's ecom-fcgi; the checks:
answers are kept per store, only for catalog GETs answered 200, for "1s" (which nginx, counting
whole seconds, turns into 1 to 2 s), and every answer carries its own request id.
"""

import os
import re
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import accounts as acc  # noqa: E402
import ecom  # noqa: E402
import nginx_site  # noqa: E402
import shop  # noqa: E402
from ecom import dec  # noqa: E402

PRODUCTS = "/api/catalog/products"
CATEGORIES = "/api/catalog/categories"


# --------------------------------------------------------------------------- the nginx under test

def enable_microcache(lines, nginx):
    """Uncomments the micro-cache in the site file's lines (in place); the extra arguments of
    nginx_site.localize(). Fails (AssertionError) when the file no longer has the expected shape."""
    original = list(lines)

    # 1. The http-level cache zone: exactly one commented fastcgi_cache_path line.
    zone = [i for i, ln in enumerate(original) if re.match(r"^#fastcgi_cache_path\s", ln)]
    assert len(zone) == 1, f"expected one '#fastcgi_cache_path' line, found {len(zone)}"
    assert not [ln for ln in original if re.match(r"^\s*fastcgi_cache_path\s", ln)], \
        "fastcgi_cache_path is already enabled in the shipped file"
    lines[zone[0]] = original[zone[0]][1:]

    # 2. The commented location block, from "#location ~ ^/api/catalog/..." to its "#}".
    starts = [i for i, ln in enumerate(original) if re.match(r"^\s*#location ~ \^/api/catalog/.*\{\s*$", ln)]
    assert len(starts) == 1, f"expected one commented catalog location, found {len(starts)}"
    end = None
    for i in range(starts[0], len(original)):
        m = re.match(r"^(\s*)#(.*)$", original[i])
        assert m, f"line {i + 1} inside the commented catalog block is not commented: {original[i]!r}"
        lines[i] = m.group(1) + m.group(2)
        if re.match(r"^\s*#\}\s*$", original[i]):
            end = i
            break
    assert end is not None, "the commented catalog location has no closing '#}'"
    block = "\n".join(lines[starts[0]:end + 1])
    for directive in ("fastcgi_cache ", "fastcgi_cache_key", "fastcgi_cache_valid", "add_header X-Cache-Status"):
        assert directive in block, f"the catalog block lost {directive!r}:\n{block}"
    # 3. The machine's paths: four fastcgi_pass lines once the cache is enabled, and the cache's.
    return {"cache_dir": os.path.join(nginx.dir, "cache"), "passes": 4}


NG = nginx_site.PrivateNginx("ecom-microcache-", enable_microcache)


def setup_module():
    NG.start()


def teardown_module():
    NG.stop()


# --------------------------------------------------------------------------- requests

fetch = NG.fetch
read = nginx_site.read


def cget(path, slug=None, **extra):
    h = {} if slug is None else {"X-Tenant-Slug": slug}
    h.update(extra)
    return fetch("GET", path, h)


def direct(path, slug):
    """The same GET on the stack's own nginx (no cache)."""
    return ecom.get(path, slug)


def cache_status(resp):
    return resp.headers.get("X-Cache-Status")


def assert_status(resp, expected):
    assert cache_status(resp) == expected, \
        f"X-Cache-Status {cache_status(resp)!r}, expected {expected!r}: {resp!r}\n{resp.headers!r}"


def assert_not_hit(resp):
    assert cache_status(resp) not in ("HIT", "STALE", "UPDATING"), \
        f"answered from the cache (X-Cache-Status {cache_status(resp)!r}): {resp!r}"


def ok_json(resp):
    assert resp.status == 200, resp
    return resp.json()


def token():
    return "mc" + uuid.uuid4().hex[:10]


# --------------------------------------------------------------------------- 1. per-store keys

def test_same_url_two_stores_each_gets_its_own_catalog():
    a, b = ecom.new_store(), ecom.new_store()
    tok = token()
    pa = ecom.insert_product(a, f"{tok} Alpha only in A", "11.00")
    pb = ecom.insert_product(b, f"{tok} Beta only in B", "22.00")
    ids_a, ids_b = ecom.all_product_ids(a), ecom.all_product_ids(b)
    assert ids_a and ids_b and not ids_a & ids_b

    for path in (PRODUCTS, ecom.url(PRODUCTS, search=tok)):
        a1 = cget(path, a)
        b1 = cget(path, b)   # same URL, store A's answer is in the cache by now
        a2 = cget(path, a)
        b2 = cget(path, b)
        assert_status(a1, "MISS")
        assert_status(b1, "MISS")
        assert_status(a2, "HIT")
        assert_status(b2, "HIT")
        for first, again, slug, own, other in ((a1, a2, a, ids_a, ids_b), (b1, b2, b, ids_b, ids_a)):
            got = {p["id"] for p in ok_json(first)["items"]}
            assert got and got <= own and not got & other, f"{path} for {slug}: foreign products {got - own}"
            assert again.raw == first.raw, f"{path} for {slug}: the HIT differs from the MISS"
            assert ok_json(again) == ok_json(direct(path, slug)), f"{path} for {slug}: differs from the application"
    assert [p["id"] for p in ok_json(cget(ecom.url(PRODUCTS, search=tok), a))["items"]] == [pa]
    assert [p["id"] for p in ok_json(cget(ecom.url(PRODUCTS, search=tok), b))["items"]] == [pb]


def test_etag_passes_through_and_revalidation_gets_304_from_a_miss_and_a_hit():
    slug = ecom.new_store()
    ecom.insert_product(slug, f"{token()} Tagged", "9.00")
    path = ecom.url(PRODUCTS, search="Tagged")
    first = cget(path, slug)
    etag = first.headers.get("ETag")
    assert first.status == 200 and etag and etag == direct(path, slug).headers.get("ETag"), first.headers
    hit = cget(path, slug)
    assert_status(hit, "HIT")
    assert hit.headers.get("ETag") == etag and hit.raw == first.raw
    revalidated = cget(path, slug, **{"If-None-Match": etag})
    assert revalidated.status == 304 and revalidated.raw == b"", revalidated
    assert revalidated.headers.get("ETag") == etag
    # another key for the same answer (pageSize spelt out): a MISS, revalidated all the same
    other = cget(ecom.url(PRODUCTS, search="Tagged", pageSize=20), slug, **{"If-None-Match": f'W/"x", {etag}'})
    assert_not_hit(other)
    assert other.status == 304 and other.headers.get("ETag") == etag, other
    assert cget(path, slug, **{"If-None-Match": '"stale"'}).status == 200


def test_repeated_tenant_header_cannot_fill_another_stores_key():
    """The key takes nginx's $http_x_tenant_slug; the application must read the same store out
    of a request that names two, or one store's catalog would be kept under the other's key."""
    a, b = ecom.new_store(), ecom.new_store()
    tok = token()
    pa = ecom.insert_product(a, f"{tok} A", "1.00")
    pb = ecom.insert_product(b, f"{tok} B", "2.00")
    path = ecom.url(PRODUCTS, search=tok)
    mixed = fetch("GET", path, [("X-Tenant-Slug", a), ("X-Tenant-Slug", b)])
    assert mixed.status in (200, 400, 409), mixed
    for slug, own in ((a, pa), (b, pb)):
        for _ in range(2):
            got = [p["id"] for p in ok_json(cget(path, slug))["items"]]
            assert got == [own], f"store {slug} got {got}, expected only {own} (after {mixed!r})"


# --------------------------------------------------------------------------- 2. bounded staleness

def test_staleness_is_bounded_by_the_one_second_validity():
    s = ecom.new_store()
    admin = acc.new_admin(s)
    tok = token()
    pid = shop.product(s, price="10.00", name=f"{tok} Kettle")
    path = ecom.url(PRODUCTS, search=tok)

    def price(resp):
        items = ok_json(resp)["items"]
        assert [p["id"] for p in items] == [pid], items
        return dec(items[0]["price"])

    miss = cget(path, s)
    filled = time.monotonic()
    assert_status(miss, "MISS")
    assert price(miss) == dec("10.00")
    hit = cget(path, s)
    assert_status(hit, "HIT")
    assert price(hit) == dec("10.00")

    # Through the admin API: the application's own answer cache is exact for its own writes (a
    # change by SQL would show there only within [catalog] cache_ttl_ms), so what is measured
    # below is nginx's validity alone.
    acc.admin_ok(admin, "PATCH", f"{acc.ADMIN_PRODUCTS}/{pid}", body={"price": 12.34})
    changed = time.monotonic()
    assert price(direct(path, s)) == dec("12.34"), "the application itself must be current at once"
    soon = cget(path, s)
    if cache_status(soon) == "HIT":
        assert soon.raw == miss.raw, "a HIT must be the kept answer"
    else:
        assert price(soon) == dec("12.34"), soon

    time.sleep(max(0.0, 1.2 - (time.monotonic() - changed)))  # time passes: the cached answer ages past 1 s
    deadline = changed + 3.0
    seen = []
    while True:
        resp = cget(path, s)
        seen.append((round(time.monotonic() - filled, 2), cache_status(resp)))
        if price(resp) == dec("12.34"):
            break
        assert time.monotonic() < deadline, f"still the old price 3 s after the change: {seen}"
        time.sleep(0.1)
    # nginx counts validity in whole seconds: "1s" keeps an answer for 1 to 2 s after it was filled.
    age = time.monotonic() - filled
    assert age <= 2.6, f"the old price was served {age:.2f} s after the cache was filled: {seen}"
    assert_not_hit(resp)
    again = cget(path, s)
    assert_status(again, "HIT")
    assert price(again) == dec("12.34")


# --------------------------------------------------------------------------- 3. what is not cached

def test_only_catalog_gets_answered_200_are_cached():
    s = ecom.new_store()
    pid = shop.product(s, price="5.00", stock=50)
    sid = shop.new_session()
    h = shop.hdrs(s, sid)

    # Writes go to the application every time.
    first = fetch("POST", shop.CART_ITEMS, h, {"productId": pid, "quantity": 1})
    second = fetch("POST", shop.CART_ITEMS, h, {"productId": pid, "quantity": 1})
    for resp in (first, second):
        assert resp.status == 200, resp
        assert_not_hit(resp)
    lines = [i for i in second.json()["items"] if i["productId"] == pid]
    assert len(lines) == 1 and lines[0]["quantity"] == 2, second.json()

    # The cart is never kept: it follows every change at once.
    carts = [fetch("GET", shop.CART, h) for _ in range(2)]
    for resp in carts:
        assert_not_hit(resp)
        assert ok_json(resp)["itemCount"] == 2, resp
    assert fetch("POST", shop.CART_ITEMS, h, {"productId": pid, "quantity": 3}).status == 200
    after = fetch("GET", shop.CART, h)
    assert_not_hit(after)
    assert ok_json(after)["itemCount"] == 5, after

    for _ in range(2):
        health = fetch("GET", "/health")
        assert health.status == 200, health
        assert_not_hit(health)

    # Answers other than 200 on the cached location reach the application every time.
    unknown = f"{PRODUCTS}/{uuid.uuid4()}"
    for _ in range(2):
        resp = cget(unknown, s)
        ecom.assert_problem(resp, 404)
        assert_not_hit(resp)
    for _ in range(2):
        resp = cget(PRODUCTS)  # no X-Tenant-Slug: the application's 409, never kept
        ecom.assert_problem(resp, 409)
        assert_not_hit(resp)
    # Other methods on a cached URL are not answered from the cache.
    assert cget(PRODUCTS, s).status == 200
    assert_status(cget(PRODUCTS, s), "HIT")
    for _ in range(2):
        resp = fetch("POST", PRODUCTS, {"X-Tenant-Slug": s}, {})
        assert resp.status == 405, resp
        assert_not_hit(resp)


# --------------------------------------------------------------------------- 4. request ids

def access_log_rids(rid, timeout=2.0):
    """The access-log lines of the micro-cache nginx whose rid= is the given id."""
    deadline = time.monotonic() + timeout
    while True:
        found = [ln for ln in read(NG.access_log).splitlines() if f" rid={rid} " in ln]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def app_log_has(rid, timeout=2.0):
    path = ecom.config_value("log", "file") or os.path.join(ecom.var_dir(), "log", "ecom-fcgi.log")
    deadline = time.monotonic() + timeout
    while True:
        if f" request id={rid} " in read(path):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_every_answer_has_its_own_request_id_even_on_a_hit():
    s = ecom.new_store()
    path = ecom.url(PRODUCTS, pageSize=5, search=token())
    miss = cget(path, s)
    assert_status(miss, "MISS")
    hits = [cget(path, s) for _ in range(2)]
    ids = []
    for resp in [miss] + hits:
        assert resp.status == 200, resp
        values = resp.headers.get_all("X-Request-Id")
        assert len(values) == 1, f"X-Request-Id sent {len(values)} times: {resp.headers!r}"
        assert ecom.UUID_V4_RE.match(values[0]), values
        ids.append(values[0])
    for resp in hits:
        assert_status(resp, "HIT")
    assert len(set(ids)) == 3, f"request ids repeat across MISS/HIT answers: {ids}"
    # The id of the MISS is the one the application was given (and logged); each answer's id is
    # the one nginx logged for it.
    assert app_log_has(ids[0]), f"the application's log does not name the MISS's id {ids[0]}"
    for rid in ids:
        assert access_log_rids(rid), f"no access-log line with rid={rid}"

    mine = "client-" + uuid.uuid4().hex
    echoed = cget(path, s, **{"X-Request-Id": mine})
    assert_status(echoed, "HIT")
    assert echoed.headers.get_all("X-Request-Id") == [mine], echoed.headers

    invalid = "not valid " + uuid.uuid4().hex
    replaced = cget(path, s, **{"X-Request-Id": invalid})
    assert_status(replaced, "HIT")
    values = replaced.headers.get_all("X-Request-Id")
    assert len(values) == 1 and values[0] != invalid and ecom.UUID_V4_RE.match(values[0]), values

    # A client id on a MISS: the application answers with it too.
    fresh = ecom.url(PRODUCTS, pageSize=5, search=token())
    mine = "client-" + uuid.uuid4().hex
    first = cget(fresh, s, **{"X-Request-Id": mine})
    assert_status(first, "MISS")
    assert first.headers.get_all("X-Request-Id") == [mine], first.headers
    assert app_log_has(mine), f"the application's log does not name {mine}"


# --------------------------------------------------------------------------- 5. detail and categories

def test_product_detail_and_categories_are_cached_per_store():
    a, b = ecom.new_store(), ecom.new_store()
    tok = token()
    ca = ecom.insert_category(a, f"{tok} Aisle A")
    cb = ecom.insert_category(b, f"{tok} Aisle B")
    pa = ecom.insert_product(a, f"{tok} Only A", "3.00", categories=[ca])
    pb = ecom.insert_product(b, f"{tok} Only B", "4.00", categories=[cb])

    # Categories: same URL, one list per store.
    a1, b1, a2, b2 = cget(CATEGORIES, a), cget(CATEGORIES, b), cget(CATEGORIES, a), cget(CATEGORIES, b)
    assert_status(a1, "MISS")
    assert_status(b1, "MISS")
    assert_status(a2, "HIT")
    assert_status(b2, "HIT")
    for resp, slug, own, other in ((a1, a, ca, cb), (a2, a, ca, cb), (b1, b, cb, ca), (b2, b, cb, ca)):
        got = {c["id"] for c in ok_json(resp)}
        assert own in got and other not in got, f"categories of {slug}: {ok_json(resp)}"
        assert got <= ecom.all_category_ids(slug), f"foreign categories for {slug}: {got}"
        assert ok_json(resp) == ok_json(direct(CATEGORIES, slug))
    assert ok_json(a1) != ok_json(b1)

    # Detail: kept per store; a store never sees another store's product through the cache.
    da1, da2 = cget(f"{PRODUCTS}/{pa}", a), cget(f"{PRODUCTS}/{pa}", a)
    assert_status(da1, "MISS")
    assert_status(da2, "HIT")
    assert ok_json(da1)["id"] == pa and da2.raw == da1.raw
    assert ok_json(da2) == ok_json(direct(f"{PRODUCTS}/{pa}", a))
    for _ in range(2):
        foreign = cget(f"{PRODUCTS}/{pa}", b)
        ecom.assert_problem(foreign, 404)
        assert_not_hit(foreign)
    db1, db2 = cget(f"{PRODUCTS}/{pb}", b), cget(f"{PRODUCTS}/{pb}", b)
    assert_status(db1, "MISS")
    assert_status(db2, "HIT")
    assert ok_json(db2)["id"] == pb

    # HEAD is kept under its own key: a GET never gets a HEAD's empty body.
    path = f"{PRODUCTS}/{pa}?v={tok}"
    head = fetch("HEAD", path, {"X-Tenant-Slug": a})
    assert head.status == 200 and head.raw == b"", head
    got = cget(path, a)
    assert_status(got, "MISS")
    assert ok_json(got)["id"] == pa
