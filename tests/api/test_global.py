"""CONTRACT §1 global rules: X-Request-Id, 404/405/413 Problems, /health."""

import os
import sys
import time
import uuid
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, tenant_headers  # noqa: E402

STORE = None


def setup_module():
    global STORE
    STORE = ecom.new_store("PREMIUM")


def _allow(resp):
    return {m.strip().upper() for m in (resp.headers.get("Allow") or "").split(",") if m.strip()}


# --------------------------------------------------------------------------- /health

def test_health_is_healthy_with_current_timestamp():
    resp = http("GET", "/health")
    assert resp.status == 200, resp
    ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip()
    assert ctype == "application/json", resp.headers
    body = resp.json()
    assert body.get("status") == "Healthy", body
    ecom.assert_iso_utc(body.get("timestamp"))
    ts = datetime.strptime(body["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    skew = abs((datetime.now(timezone.utc) - ts).total_seconds())
    assert skew < 60, f"timestamp {body['timestamp']} is {skew:.0f} s away from now"


def test_health_needs_no_tenant_and_ignores_a_bogus_one():
    for headers in ({}, {"X-Tenant-Slug": "no-such-store-xyz"}, {"X-Tenant-Slug": "BAD slug!"}):
        resp = http("GET", "/health", headers=headers)
        assert resp.status == 200, (headers, resp)
        assert resp.json()["status"] == "Healthy"


# --------------------------------------------------------------------------- X-Request-Id

def test_request_id_generated_when_absent_is_fresh_uuid_v4():
    seen = set()
    for _ in range(3):
        resp = http("GET", "/health")
        rid = ecom.assert_request_id(resp)
        assert ecom.UUID_V4_RE.match(rid), f"generated X-Request-Id is not a lowercase UUID v4: {rid!r}"
        seen.add(rid)
    assert len(seen) == 3, f"generated request ids repeat: {seen}"


def test_request_id_echoed_when_valid():
    valid = ["a", "abc-123", "A.b_c-9", "req." + uuid.uuid4().hex, "x" * 64,
             str(uuid.uuid4()).upper(), "0123456789._-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[:64]]
    for rid in valid:
        resp = http("GET", "/health", headers={"X-Request-Id": rid})
        assert resp.status == 200, resp
        ecom.assert_request_id(resp, rid)


def test_request_id_replaced_when_invalid():
    invalid = ["x" * 65, "bad id", "bad$id", "a/b", "semi;colon", "quote'", "ümlaut".encode("utf-8").decode("latin-1"),
               "a" * 200]
    for rid in invalid:
        resp = http("GET", "/health", headers={"X-Request-Id": rid})
        assert resp.status == 200, (rid, resp)
        got = ecom.assert_request_id(resp)
        assert got != rid, f"invalid X-Request-Id {rid!r} was echoed"
        assert ecom.UUID_V4_RE.match(got), f"replacement for {rid!r} is not a lowercase UUID v4: {got!r}"


def test_request_id_empty_header_gets_fresh_uuid():
    resp = http("GET", "/health", headers={"X-Request-Id": ""})
    got = ecom.assert_request_id(resp)
    assert ecom.UUID_V4_RE.match(got), got


def test_request_id_on_error_responses():
    cases = [
        ("GET", "/definitely-not-a-route", {}),
        ("GET", "/api/catalog/products", {}),  # no tenant -> 409
        ("POST", "/api/catalog/products", tenant_headers(STORE)),  # 405
        ("GET", "/api/catalog/products/not-a-uuid", tenant_headers(STORE)),  # 404
        ("GET", "/api/catalog/products?page=0", tenant_headers(STORE)),  # 400
    ]
    for method, path, headers in cases:
        resp = http(method, path, headers=headers)
        assert resp.status >= 400, resp
        rid = ecom.assert_request_id(resp)
        assert ecom.UUID_V4_RE.match(rid), (path, rid)
        echo = "err-" + uuid.uuid4().hex[:12]
        resp = http(method, path, headers=dict(headers, **{"X-Request-Id": echo}))
        ecom.assert_request_id(resp, echo)


# --------------------------------------------------------------------------- 404 / 405

def test_unknown_paths_are_404_problems():
    cases = [
        ("/definitely-not-a-route", {}),
        ("/healthz", {}),
        ("/api/nope", tenant_headers(STORE)),
        ("/api/catalog/nope", tenant_headers(STORE)),
        ("/public/nope", tenant_headers(STORE)),
        ("/api/catalog/products/%s/extra" % uuid.uuid4(), tenant_headers(STORE)),
    ]
    for path, headers in cases:
        resp = http("GET", path, headers=headers)
        assert_problem(resp, 404)


def test_unknown_path_with_query_string_instance_is_path_only():
    resp = http("GET", "/no/such/thing?x=1&y=2")
    body = assert_problem(resp, 404)
    assert body["instance"] == "/no/such/thing"


def test_wrong_method_is_405_with_allow():
    cases = [
        ("POST", "/api/catalog/products", tenant_headers(STORE), {"GET"}),
        ("DELETE", "/api/catalog/products", tenant_headers(STORE), {"GET"}),
        ("PUT", "/api/catalog/products/%s" % uuid.uuid4(), tenant_headers(STORE), {"GET"}),
        ("POST", "/api/catalog/categories", tenant_headers(STORE), {"GET"}),
        ("PUT", "/public/tenant-config", tenant_headers(STORE), {"GET"}),
        ("PATCH", "/api/features", tenant_headers(STORE), {"GET"}),
        ("DELETE", "/health", {}, {"GET"}),
        ("POST", "/health", {}, {"GET"}),
    ]
    for method, path, headers, must_allow in cases:
        body = {} if method in ("POST", "PUT", "PATCH") else None
        resp = http(method, path, headers=headers, body=body)
        assert_problem(resp, 405)
        allow = _allow(resp)
        assert must_allow <= allow, f"{method} {path}: Allow {resp.headers.get('Allow')!r} lacks {must_allow}"
        assert method not in allow, f"{method} {path}: Allow {resp.headers.get('Allow')!r} lists the refused method"


# --------------------------------------------------------------------------- 413

def _big_post(request_id=None):
    payload = b'{"data":"' + b"a" * (2 * 1024 * 1024) + b'"}'
    headers = tenant_headers(STORE, **{"Content-Type": "application/json"})
    if request_id:
        headers["X-Request-Id"] = request_id
    return http("POST", "/api/catalog/products", headers=headers, raw_body=payload, timeout=20)


def test_body_over_1mib_is_413_problem():
    resp = _big_post()
    assert_problem(resp, 413)


def test_body_over_1mib_413_carries_request_id():
    resp = _big_post()
    assert resp.status == 413, resp
    rid = ecom.assert_request_id(resp)
    assert ecom.UUID_V4_RE.match(rid), rid
    resp = _big_post(request_id="big-body.1")
    assert resp.status == 413, resp
    ecom.assert_request_id(resp, "big-body.1")


def test_body_over_1mib_413_on_unknown_path_and_with_query():
    payload = b"x" * (2 * 1024 * 1024)
    resp = http("POST", "/some/where?with=query", headers={"Content-Type": "application/json"},
                raw_body=payload, timeout=20)
    body = assert_problem(resp, 413)
    assert body["instance"] == "/some/where"


def test_body_just_under_1mib_is_not_413():
    # 1 MiB minus a little: must reach the application (which answers 405 for POST here).
    payload = b'{"data":"' + b"a" * (1024 * 1024 - 1024) + b'"}'
    resp = http("POST", "/api/catalog/products",
                headers=tenant_headers(STORE, **{"Content-Type": "application/json"}),
                raw_body=payload, timeout=20)
    assert resp.status != 413, resp
    assert resp.status == 405, resp


def test_server_keeps_answering_after_errors():
    start = time.monotonic()
    for _ in range(5):
        assert http("GET", "/health").status == 200
    assert time.monotonic() - start < 10


def test_request_id_is_in_the_request_log_line():
    log = os.path.join(ecom.var_dir(), "log", "ecom-fcgi.log")
    assert os.path.exists(log), f"no application log at {log}"
    echo = "logcheck-" + uuid.uuid4().hex
    resp = http("GET", "/api/catalog/products?page=1", headers=tenant_headers(STORE, **{"X-Request-Id": echo}))
    assert resp.status == 200
    fresh = ecom.assert_request_id(http("GET", "/no-such-path-for-log"))
    deadline = time.monotonic() + 3
    while True:
        with open(log, encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()[-2000:]
        mine = [ln for ln in lines if echo in ln]
        theirs = [ln for ln in lines if fresh in ln]
        if (mine and theirs) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(mine) == 1, f"expected one log line with {echo}, got {mine}"
    assert "/api/catalog/products" in mine[0] and "200" in mine[0] and STORE in mine[0], mine[0]
    assert len(theirs) == 1 and "404" in theirs[0], theirs
