"""The request log ($ECOM_VAR_DIR/log/ecom-fcgi.log) has one line per request — time, request id,
tenant, method, path, status, duration, pid — and client input cannot forge its fields: a tenant
header, a path or a method with spaces or control bytes is logged escaped, on its one line."""

import os
import re
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402

STORE = None
LINE_RE = re.compile(rb"^(\S+) request id=(\S+) tenant=(\S+) (\S+) (\S+) (\d{3}) ([0-9.]+ms) pid=(\d+)$")
# What a field may hold once escaped: printable ASCII without spaces.
TOKEN_RE = re.compile(rb"^[\x21-\x7e]+$")


def setup_module():
    global STORE
    STORE = ecom.new_store("BASIC")


def log_path():
    return os.path.join(ecom.var_dir(), "log", "ecom-fcgi.log")


def lines_naming(needle, timeout=3.0):
    """Every log line (bytes) that contains `needle`, once there is at least one."""
    needle = needle.encode()
    deadline = time.monotonic() + timeout
    while True:
        with open(log_path(), "rb") as fh:
            found = [ln for ln in fh.read().split(b"\n") if needle in ln]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def request_line(rid):
    """The one request line of request `rid`, parsed into its fields; nothing else names `rid`
    or anything after it on another line."""
    found = [ln for ln in lines_naming(f"id={rid} ") if b" request id=" in ln]
    assert len(found) == 1, f"expected one request line for {rid}, got {found!r}"
    line = found[0]
    assert TOKEN_RE.match(line.replace(b" ", b"!")), f"control or non-ASCII bytes in {line!r}"
    m = LINE_RE.match(line)
    assert m, f"the line does not have the request line's fields: {line!r}"
    return {"id": m.group(2).decode(), "tenant": m.group(3).decode(), "method": m.group(4).decode(),
            "path": m.group(5).decode(), "status": int(m.group(6)), "pid": int(m.group(8))}


def new_rid():
    return "log-" + uuid.uuid4().hex


def test_a_valid_slug_is_logged_as_is():
    rid = new_rid()
    assert ecom.get("/api/features", STORE, headers={"X-Request-Id": rid}).status == 200
    f = request_line(rid)
    assert (f["tenant"], f["method"], f["path"], f["status"]) == (STORE, "GET", "/api/features", 200), f
    rid = new_rid()
    assert ecom.get("/api/features", "no-such-store-here", headers={"X-Request-Id": rid}).status == 409
    assert request_line(rid)["tenant"] == "no-such-store-here"


def test_a_tenant_header_cannot_forge_fields():
    for evil in ("x tenant=forged GET /forged 200 1.00ms pid=1",
                 "shop\x1b[31m red\x01\x7f\ttab",
                 "caf\u00e9 \u0085next",
                 " ",
                 "a" * 300 + " tenant=forged"):
        rid = new_rid()
        resp = ecom.http("GET", "/api/features", headers={"X-Request-Id": rid, "X-Tenant-Slug": evil})
        assert resp.status == 409, resp
        f = request_line(rid)
        assert (f["method"], f["path"], f["status"]) == ("GET", "/api/features", 409), (evil, f)
        assert f["tenant"] != evil and len(f["tenant"]) <= 3 * 64, f


def test_a_path_with_spaces_and_control_bytes_keeps_the_line():
    rid = new_rid()
    path = "/api/catalog/products/x%20200%200.1ms%20pid=1%0Aforged%20request%09id=evil%1B"
    resp = ecom.http("GET", path, headers={"X-Request-Id": rid, "X-Tenant-Slug": STORE})
    assert resp.status == 404, resp
    f = request_line(rid)
    assert f["status"] == 404 and f["tenant"] == STORE, f
    assert f["path"].startswith("/api/catalog/products/x") and " " not in f["path"], f
    assert not [ln for ln in lines_naming("forged", timeout=0.2) if ln.startswith(b"forged")], "a forged line"


def test_a_method_with_spaces_cannot_forge_fields():
    # nginx only passes token methods; the application does not rely on it (direct FastCGI here).
    sock = os.path.join(ecom.var_dir(), "run", "ecom-fcgi.sock")
    rid = new_rid()
    status, _, _ = fcgi_client.request(sock, "GET /forged 200 1.00ms pid=1\x01", "/health",
                                       headers={"X-Request-Id": rid})
    assert status in (404, 405), status
    f = request_line(rid)
    assert f["path"] == "/health" and f["status"] == status, f
    assert f["method"] != "GET", f
