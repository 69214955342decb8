"""GET /metrics: the Prometheus text exposition (format 0.0.4), localhost only like /status, with
counters kept in the master's shared memory (they survive a worker's restart)."""

import math
import os
import re
import signal
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402
import nginx_site  # noqa: E402

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(?:\{{({LABEL}(?:,{LABEL})*)?\}})? (\S+)$")
GROUPS = ("catalog", "cart", "checkout", "orders", "auth", "admin", "provision", "superadmin", "public",
          "health", "other")
STORE = None


def setup_module():
    global STORE
    STORE = ecom.new_store("PREMIUM")


def parse(text):
    """Parses the exposition strictly. Returns {family: {"type", "help", "samples": {(name, labels): value}}}
    where labels is a sorted tuple of (name, value)."""
    assert text.endswith("\n"), "the exposition must end with a newline"
    families, types = {}, {}
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        assert line, f"line {n} is empty"
        if line.startswith("#"):
            m = re.match(rf"^# (HELP|TYPE) ({NAME}) (.+)$", line)
            assert m, f"line {n}: a comment that is neither HELP nor TYPE: {line!r}"
            kind, name, rest = m.groups()
            fam = families.setdefault(name, {"type": None, "help": None, "samples": {}})
            if kind == "TYPE":
                assert rest in ("counter", "gauge", "histogram", "summary", "untyped"), line
                assert fam["type"] is None and not fam["samples"], f"line {n}: TYPE repeated or after samples"
                fam["type"] = rest
                types[name] = rest
            else:
                assert fam["help"] is None, f"line {n}: HELP repeated"
                fam["help"] = rest
            current = name
            continue
        m = SAMPLE.match(line)
        assert m, f"line {n} is not `name{{labels}} value`: {line!r}"
        name, labels, value = m.groups()
        v = float(value)  # raises on anything but a number (or +Inf/NaN)
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and types.get(name[:-len(suffix)]) == "histogram":
                family = name[:-len(suffix)]
        assert family in types, f"line {n}: {name} has no TYPE before it"
        assert family == current, f"line {n}: {name} is not grouped under its family's TYPE"
        if types[family] == "counter":
            assert name.endswith("_total"), f"counter {name} does not end in _total"
            assert v >= 0
        pairs = tuple(sorted(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels or "")))
        key = (name, pairs)
        assert key not in families[family]["samples"], f"line {n}: series {key} repeated"
        families[family]["samples"][key] = v
    for name, fam in families.items():
        assert fam["type"], f"{name} has no TYPE"
        assert fam["help"], f"{name} has no HELP"
        if fam["type"] == "histogram":
            check_histogram(name, fam["samples"])
    return families


def check_histogram(name, samples):
    buckets = [(dict(k[1])["le"], v) for k, v in samples.items() if k[0] == name + "_bucket"]
    assert buckets, f"{name} has no buckets"
    bounds = [math.inf if le == "+Inf" else float(le) for le, _ in buckets]
    assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds), f"{name}: buckets out of order"
    assert bounds[-1] == math.inf, f"{name}: the last bucket is not +Inf"
    counts = [v for _, v in buckets]
    assert counts == sorted(counts), f"{name}: buckets not cumulative: {counts}"
    assert samples[(name + "_count", ())] == counts[-1], f"{name}: +Inf bucket differs from _count"
    assert (name + "_sum", ()) in samples, f"{name} has no _sum"


def scrape():
    r = ecom.http("GET", "/metrics")
    assert r.status == 200, r.text
    assert r.headers.get("Content-Type") == CONTENT_TYPE, r.headers.get("Content-Type")
    assert r.headers.get("Cache-Control") == "no-store"
    return parse(r.text)


def value(fams, family, name=None, **labels):
    return fams[family]["samples"][(name or family, tuple(sorted(labels.items())))]


def requests(fams, group, cls):
    return value(fams, "ecom_http_requests_total", group=group, **{"class": cls})


def test_metrics_exposition_is_strict_prometheus_text():
    fams = scrape()
    for family, kind in (("ecom_http_requests_total", "counter"), ("ecom_http_request_duration_seconds", "histogram"),
                         ("ecom_workers", "gauge"), ("ecom_worker_restarts_total", "counter"),
                         ("ecom_slow_requests_total", "counter"), ("ecom_request_timeouts_total", "counter"),
                         ("ecom_reloads_total", "counter"), ("ecom_database_errors_total", "counter"),
                         ("ecom_tenant_cache_hits_total", "counter"), ("ecom_tenant_cache_misses_total", "counter"),
                         ("ecom_provisioning_jobs", "gauge"), ("ecom_tenants", "gauge"),
                         ("ecom_control_database_up", "gauge")):
        assert fams.get(family, {}).get("type") == kind, (family, fams.get(family))
    # Bounded label values: every group and class, never a raw path.
    groups = {dict(k[1])["group"] for k in fams["ecom_http_requests_total"]["samples"]}
    assert groups == set(GROUPS), groups
    kinds = {dict(k[1])["kind"] for k in fams["ecom_database_errors_total"]["samples"]}
    assert kinds == {"unavailable", "deadlock", "lock_wait", "other"}, kinds
    assert value(fams, "ecom_control_database_up") == 1

    # The scrape itself is busy; the workers add up to what the master runs (a worker that is
    # recycling may be between its exit and its replacement: asked again shortly).
    def workers_add_up():
        f = scrape()
        busy, idle = value(f, "ecom_workers", state="busy"), value(f, "ecom_workers", state="idle")
        assert busy >= 1 and busy + idle == len(ecom.child_pids(ecom.master_pid())), (busy, idle)

    ecom.eventually(workers_add_up, timeout=5)


def test_known_traffic_moves_the_right_counters():
    before = scrape()
    slug = STORE
    for _ in range(7):
        assert ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(slug)).status == 200
    for _ in range(3):
        assert ecom.http("GET", f"/no-such-{uuid.uuid4().hex[:6]}").status == 404
    for _ in range(2):
        assert ecom.http("GET", "/api/catalog/products").status == 409  # no store named
    after = scrape()
    assert requests(after, "catalog", "2xx") - requests(before, "catalog", "2xx") >= 7
    assert requests(after, "other", "4xx") - requests(before, "other", "4xx") >= 3
    assert requests(after, "catalog", "4xx") - requests(before, "catalog", "4xx") >= 2
    # The first scrape is counted once it is answered: one health/2xx at least.
    assert requests(after, "health", "2xx") - requests(before, "health", "2xx") >= 1
    # No raw path ever becomes a label value.
    assert not any("no-such" in str(k) for k in after["ecom_http_requests_total"]["samples"])
    h = "ecom_http_request_duration_seconds"
    grew = value(after, h, h + "_count") - value(before, h, h + "_count")
    assert grew >= 7 + 3 + 2 + 1, grew
    assert value(after, h, h + "_sum") >= value(before, h, h + "_sum")


def test_tenant_cache_hits_and_misses():
    workers = len(ecom.child_pids(ecom.master_pid()))
    unknown = "no-store-" + uuid.uuid4().hex[:8]  # never cached anywhere yet
    before = scrape()
    n = workers + 10
    for _ in range(n):
        assert ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(unknown)).status == 409
    after = scrape()
    hits = value(after, "ecom_tenant_cache_hits_total") - value(before, "ecom_tenant_cache_hits_total")
    misses = value(after, "ecom_tenant_cache_misses_total") - value(before, "ecom_tenant_cache_misses_total")
    # Each worker looks the new slug up once (a miss), then answers from its cache.
    assert misses >= 1, misses
    assert hits >= n - workers, (hits, n, workers)
    assert hits + misses >= n


def control_counts(table):
    rows = ecom.sql(f"SELECT status, COUNT(*) FROM {table} GROUP BY status", db=ecom.control_db())
    return {r[0]: int(r[1]) for r in rows}


def test_provisioning_jobs_and_stores_by_state_match_the_control_database():
    jobs_map = {"Queued": "queued", "Running": "running", "Done": "done", "Failed": "failed"}
    tenants_map = {"PendingConfirmation": "pending_confirmation", "Queued": "queued",
                   "Provisioning": "provisioning", "Ready": "ready", "Failed": "failed"}

    def expected(table, mapping):
        out = {v: 0 for v in mapping.values()}
        out["other"] = 0
        for status, count in control_counts(table).items():
            out[mapping.get(status, "other")] += count
        return out

    def check():
        fams = scrape()
        got_jobs = {dict(k[1])["state"]: v for k, v in fams["ecom_provisioning_jobs"]["samples"].items()}
        got_tenants = {dict(k[1])["status"]: v for k, v in fams["ecom_tenants"]["samples"].items()}
        assert got_jobs == expected("provisioning_jobs", jobs_map), got_jobs
        assert got_tenants == expected("tenants", tenants_map), got_tenants
        assert got_tenants["ready"] >= 1  # this module's store

    ecom.eventually(check, timeout=10)


def test_database_errors_are_counted_by_kind():
    # The store's products table is briefly gone: its query fails with an error that is neither
    # a lost connection nor a lock conflict (500, kind "other").
    # The list is asked with a search term no worker can have cached: a cached answer would be
    # served for up to [catalog] cache_ttl_ms without a query.
    schema = ecom.schema_of(STORE)
    path = ecom.url("/api/catalog/products", search=f"away-{uuid.uuid4().hex[:8]}")
    before = scrape()
    ecom.sql(f"RENAME TABLE `{schema}`.products TO `{schema}`.products_away")
    try:
        r = ecom.http("GET", path, headers=ecom.tenant_headers(STORE))
    finally:
        ecom.sql(f"RENAME TABLE `{schema}`.products_away TO `{schema}`.products")
    assert r.status == 500, (r.status, r.text)
    after = scrape()
    grew = value(after, "ecom_database_errors_total", kind="other") - \
        value(before, "ecom_database_errors_total", kind="other")
    assert grew >= 1, grew
    for kind in ("unavailable", "deadlock", "lock_wait"):  # nothing else failed meanwhile
        assert value(after, "ecom_database_errors_total", kind=kind) == \
            value(before, "ecom_database_errors_total", kind=kind), kind
    assert requests(after, "catalog", "5xx") - requests(before, "catalog", "5xx") >= 1
    assert ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(STORE)).status == 200


def metrics_direct(remote_addr=None):
    sock = os.path.join(ecom.var_dir(), "run", "ecom-fcgi.sock")
    extra = {} if remote_addr is None else {"REMOTE_ADDR": remote_addr}
    status, headers, body = fcgi_client.request(sock, "GET", "/metrics", extra_params=extra)
    return status, headers, body


def test_metrics_need_an_explicit_loopback_address():
    for addr in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        status, _, body = metrics_direct(addr)
        assert status == 200, (addr, status, body[:200])
    for addr in (None, "", "localhost", "203.0.113.9", "::ffff:10.0.0.1", "0.0.0.0", "127.0.0.1 203.0.113.9"):
        status, _, body = metrics_direct(addr)
        assert status == 403, (addr, status, body[:200])
        assert b"ecom_http_requests_total" not in body


def metrics_block(lines):
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "location = /metrics {")
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "}")
    return start, end


def test_shipped_nginx_site_serves_metrics_to_localhost_only():
    with open(os.path.join(ecom.repo_dir(), "conf", "nginx", "ecom-site.conf"), encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    start, end = metrics_block(lines)
    block = [ln.strip() for ln in lines[start:end + 1]]
    assert block[1:4] == ["allow 127.0.0.1;", "allow ::1;", "deny all;"], block

    # As shipped, in a private nginx on 127.0.0.1: served.
    ng = nginx_site.PrivateNginx("ecom-metrics-")
    try:
        ng.start()
        r = ng.fetch("GET", "/metrics")
        assert r.status == 200 and r.headers.get("Content-Type") == CONTENT_TYPE, (r.status, r.headers)
        parse(r.text)
    finally:
        ng.stop()

    # The same file with 127.0.0.1 no longer allowed: nginx itself refuses the client.
    def drop_loopback(ls, _nginx):
        s, e = metrics_block(ls)
        for i in range(s, e):
            if ls[i].strip() == "allow 127.0.0.1;":
                ls[i] = ls[i].replace("allow 127.0.0.1;", "# (loopback not allowed here)")
        return {}

    ng = nginx_site.PrivateNginx("ecom-metrics-deny-", drop_loopback)
    try:
        ng.start()
        assert ng.fetch("GET", "/metrics").status == 403
        assert ng.fetch("GET", "/health").status == 200
    finally:
        ng.stop()


def test_counters_survive_a_worker_restart():
    master = ecom.master_pid()
    for _ in range(3):
        ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(STORE))
    before = scrape()
    workers = ecom.child_pids(master)
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    ecom.wait_until(lambda: victim not in ecom.child_pids(master) and len(ecom.child_pids(master)) == len(workers),
                    timeout=10, what="the killed worker replaced")
    time.sleep(0.2)
    after = scrape()
    assert value(after, "ecom_worker_restarts_total") >= value(before, "ecom_worker_restarts_total") + 1
    for family, fam in before.items():
        if fam["type"] not in ("counter", "histogram"):
            continue
        for key, v in fam["samples"].items():
            assert after[family]["samples"][key] >= v, f"{key} dropped from {v} to {after[family]['samples'][key]}"
    assert requests(after, "catalog", "2xx") >= requests(before, "catalog", "2xx")
