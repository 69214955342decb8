"""The Apache httpd site (conf/apache/ecom-site.conf) in front of the stack: the Authorization
header reaches the application, and every error Apache produces itself is an RFC 9457 Problem
Details answer (application/problem+json, the request id, "instance" = the path).

Run by scripts/test.sh against the private Apache of scripts/apache.sh (ECOM_BASE_URL is
Apache's address there), together with a part of tests/api.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import accounts  # noqa: E402
import ecom  # noqa: E402
import processes  # noqa: E402
import shop  # noqa: E402

STORE = None
SITE = None
ERRORS_DIR = None


def setup_module():
    global STORE, SITE, ERRORS_DIR
    STORE = ecom.new_store("PREMIUM")
    ERRORS_DIR = os.path.join(ecom.repo_dir(), "conf", "apache", "errors")
    with open(os.path.join(ecom.repo_dir(), "conf", "apache", "ecom-site.conf"), encoding="utf-8") as fh:
        SITE = fh.read()


def served_by_apache(resp):
    assert resp.headers.get("Server") == "Apache", f"not answered through Apache: {resp!r}"


def apache_problem(resp, status, request_id=None):
    """An error page of conf/apache/errors/: exact media type, body = the file, request id."""
    served_by_apache(resp)
    body = ecom.assert_problem(resp, status)
    assert resp.headers.get("Content-Type") == "application/problem+json", resp.headers.get("Content-Type")
    assert resp.headers.get("Cache-Control") == "no-store", resp
    with open(os.path.join(ERRORS_DIR, f"{status}.json"), encoding="utf-8") as fh:
        shipped = json.loads(fh.read())
    assert body["title"] == shipped["title"] and body["detail"] == shipped["detail"], body
    rid = ecom.assert_request_id(resp, request_id) if request_id else ecom.assert_request_id(resp)
    if not request_id:
        assert ecom.UUID_V4_RE.match(rid), rid
    return body


# --------------------------------------------------------------------------- Authorization

def test_authorization_reaches_the_application():
    customer = accounts.new_customer(STORE)
    r = accounts.me(STORE, customer.token)
    served_by_apache(r)
    assert r.status == 200, r
    assert r.json()["email"] == customer.email, r.json()
    accounts.assert_401(accounts.me(STORE, None))


def test_signed_in_cart_and_order_through_apache():
    customer = accounts.new_customer(STORE)
    product = shop.product(STORE, price="3.50", stock=10)
    sid = shop.new_session()
    r = ecom.http("POST", "/api/cart/items", headers=ecom.store_headers(STORE, customer.token, sid),
                  body={"productId": product, "quantity": 2})
    assert r.status in (200, 201), r
    r = ecom.http("GET", "/api/orders", headers=ecom.store_headers(STORE, customer.token, sid))
    assert r.status == 200, r


# --------------------------------------------------------------------------- Apache's own errors

def test_body_over_the_limit_is_413_problem_before_the_application():
    payload = b'{"data":"' + b"a" * (2 * 1024 * 1024) + b'"}'
    rid = "apache-413." + uuid.uuid4().hex[:8]
    r = ecom.http("POST", "/api/auth/login?x=1", raw_body=payload, timeout=20,
                  headers=ecom.tenant_headers(STORE, **{"Content-Type": "application/json", "X-Request-Id": rid}))
    body = apache_problem(r, 413, rid)
    assert body["instance"] == "/api/auth/login"
    seen = [f for f in accounts.logs_containing(rid) if f.endswith("ecom-fcgi.log")]
    assert not seen, "the application saw the refused request"


def test_body_at_the_limit_reaches_the_application():
    payload = b"x" * (1024 * 1024)
    r = ecom.http("POST", "/api/catalog/products", raw_body=payload, timeout=20,
                  headers=ecom.tenant_headers(STORE, **{"Content-Type": "application/json"}))
    served_by_apache(r)
    assert r.status == 405, r


def test_overlong_uri_is_414_problem():
    r = ecom.http("GET", "/api/catalog/products?search=" + "a" * 20000, headers=ecom.tenant_headers(STORE))
    body = apache_problem(r, 414)
    assert body["instance"] in ("", "/api/catalog/products"), body


def test_overlong_header_is_400_problem():
    # Apache drops the headers of a request it cannot read: the id is always a fresh one.
    r = ecom.http("GET", "/health", headers={"X-Request-Id": "mine", "X-Big": "a" * 20000})
    apache_problem(r, 400)


def test_encoded_slash_is_apaches_404_problem():
    r = ecom.http("GET", "/api/catalog/products/..%2F..%2Fetc%2Fpasswd", headers=ecom.tenant_headers(STORE))
    body = apache_problem(r, 404)
    assert body["instance"] == "/api/catalog/products/..%2F..%2Fetc%2Fpasswd"


def test_error_pages_are_not_served_directly():
    for name in ("413.json", "403.json", "nope.json"):
        r = ecom.http("GET", "/_errors/" + name)
        apache_problem(r, 403)


def test_invalid_request_id_is_replaced_on_error_pages():
    r = ecom.http("GET", "/_errors/x", headers={"X-Request-Id": "bad id with spaces"})
    apache_problem(r, 403)


def _non_loopback_address():
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return next((a for a in out if re.fullmatch(r"[0-9.]+", a) and not a.startswith("127.")), None)


def _raw_get(path, source):
    port = int(ecom.base_url().rsplit(":", 1)[1])
    with socket.socket() as s:
        s.bind((source, 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode("utf-8", "replace")


def test_status_and_metrics_only_from_this_machine():
    block = re.search(r'<LocationMatch "\^/\(status\|metrics\)\$">(.*?)</LocationMatch>', SITE, re.S)
    assert block and re.search(r"^\s*Require local\s*$", block.group(1), re.M), "site lacks Require local"
    r = ecom.http("GET", "/status")
    served_by_apache(r)
    assert r.status == 200 and "workers" in r.json(), r
    source = _non_loopback_address()
    if source is None:
        print("no non-loopback address on this machine: checked the configuration only")
        return
    try:
        _raw_get("/health", source)
    except OSError as e:  # some hosts do not route a non-loopback source to 127.0.0.1
        print(f"cannot reach 127.0.0.1 from {source} ({e}): checked the configuration only")
        return
    for path in ("/status", "/metrics"):
        raw = _raw_get(path, source)
        assert raw.startswith("HTTP/1.1 403 "), raw[:300]
        assert "Content-Type: application/problem+json" in raw and '"status": 403' in raw, raw[:600]
    assert _raw_get("/health", source).startswith("HTTP/1.1 200 "), "other paths stay open"


def test_application_down_is_503_problem():
    # A second private Apache in front of a var dir without a socket.
    var = tempfile.mkdtemp(prefix="ecom-apache-down.")
    port = processes.free_port()
    env = dict(os.environ, ECOM_VAR_DIR=var, ECOM_APACHE_PORT=str(port))
    script = os.path.join(ecom.repo_dir(), "scripts", "apache.sh")
    subprocess.run([script, "start"], env=env, check=True, capture_output=True, timeout=30)
    try:
        saved = os.environ["ECOM_BASE_URL"]
        os.environ["ECOM_BASE_URL"] = f"http://127.0.0.1:{port}"
        try:
            for path in ("/health", "/api/catalog/products"):
                body = apache_problem(ecom.http("GET", path, headers=ecom.tenant_headers(STORE)), 503)
                assert body["instance"] == path
        finally:
            os.environ["ECOM_BASE_URL"] = saved
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, timeout=30)
        subprocess.run(["rm", "-rf", var])


def test_every_error_document_is_a_valid_problem_file():
    codes = re.findall(r"^\s*ErrorDocument (\d{3}) /_errors/(\d{3})\.json\s*$", SITE, re.M)
    assert {c for c, _ in codes} == {"400", "403", "404", "413", "414", "502", "503", "504"}, codes
    for code, name in codes:
        assert code == name
        with open(os.path.join(ERRORS_DIR, f"{code}.json"), encoding="utf-8") as fh:
            text = fh.read()
        filled = text.replace("<!--#echo var='ECOM_PROBLEM_INSTANCE' encoding='none' -->", "/x")
        assert "<!--" not in filled, code
        body = json.loads(filled)
        assert body["status"] == int(code) and body["title"] and body["detail"] and body["instance"] == "/x"
    assert re.search(r"^\s*CGIPassAuth On\s*$", SITE, re.M)
    assert re.search(r"^\s*LimitRequestBody 1048576\s*$", SITE, re.M)
    assert ecom.config_value("server", "max_body_bytes") == "1048576"
