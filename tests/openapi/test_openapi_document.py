"""docs/openapi.yaml against the router, and the response check (tests/openapi/validate.mjs)
against responses made up to fail it. No stack needed; node and the packages of
tests/openapi/package.json are (install.sh installs them)."""

import json
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
VALIDATE = os.path.join(HERE, "validate.mjs")


def setup_module():
    subprocess.run([os.path.join(HERE, "install.sh")], check=True, capture_output=True, timeout=300)


def node(*args):
    return subprocess.run(["node", VALIDATE, *args], capture_output=True, text=True, timeout=60)


def router_operations():
    """Every `r.add("METHOD", "/path", ...)` of src/."""
    ops = set()
    for root, _dirs, names in os.walk(os.path.join(REPO, "src")):
        for name in names:
            if name.endswith(".cpp"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    for m in re.finditer(r'\br\.add\("([A-Z]+)",\s*"(/[^"]*)"', f.read()):
                        ops.add(f"{m.group(1)} {m.group(2)}")
    return ops


def test_every_route_of_the_router_is_documented_and_nothing_else():
    routes = router_operations()
    assert len(routes) >= 40, routes
    out = node("--operations")
    assert out.returncode == 0, out.stderr
    documented = set(out.stdout.split("\n")) - {""}
    assert routes - documented == set(), f"routes missing from docs/openapi.yaml: {sorted(routes - documented)}"
    assert documented - routes == set(), f"documented but not routed: {sorted(documented - routes)}"


def test_every_example_matches_its_schema():
    out = node("--examples")
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"^([1-9][0-9]*) examples checked, 0 invalid$", out.stdout, re.M), out.stdout


def _headers(**extra):
    h = [["x-request-id", "4f1c2a9e-8b7d-4c3e-9a1b-2c3d4e5f6a7b"], ["content-type", "application/json"]]
    return h + [[k.replace("_", "-").lower(), v] for k, v in extra.items()]


GOOD = {"method": "GET", "path": "/health?x=1", "status": 200, "headers": _headers(cache_control="no-store"),
        "body": json.dumps({"status": "Healthy", "timestamp": "2026-12-01T18:59:45Z"})}
PROBLEM = {"title": "Not Found", "status": 404, "detail": "No resource.", "instance": "/nowhere"}


def check(*records):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    try:
        return node(f.name)
    finally:
        os.unlink(f.name)


def test_a_documented_response_passes():
    not_found = {"method": "GET", "path": "/nowhere", "status": 404,
                 "headers": _headers()[:1] + [["content-type", "application/problem+json"]], "body": json.dumps(PROBLEM)}
    not_allowed = dict(not_found, method="DELETE", path="/health", status=405,
                       headers=not_found["headers"] + [["allow", "GET, HEAD"]],
                       body=json.dumps(dict(PROBLEM, status=405, title="Method Not Allowed", instance="/health")))
    head = dict(GOOD, method="HEAD", body="")
    # nginx's 414 comes before routing, on any path (x-any-request).
    too_long = dict(not_found, path="/" + "a" * 9000, status=414,
                    body=json.dumps(dict(PROBLEM, status=414, title="URI Too Long")))
    out = check(GOOD, not_found, not_allowed, head, too_long)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.rstrip().endswith("3 passed, 0 failed"), out.stdout


def test_an_undocumented_field_fails():
    body = json.loads(GOOD["body"])
    body["uptime"] = 3
    out = check(dict(GOOD, body=json.dumps(body)))
    assert out.returncode == 1 and "must NOT have additional properties (uptime)" in out.stdout, out.stdout


def test_a_missing_required_header_fails():
    out = check(dict(GOOD, headers=[h for h in GOOD["headers"] if h[0] != "x-request-id"]))
    assert out.returncode == 1 and "missing header X-Request-Id" in out.stdout, out.stdout
    out = check(dict(GOOD, headers=[h for h in GOOD["headers"] if h[0] != "cache-control"]))
    assert out.returncode == 1 and "missing header Cache-Control" in out.stdout, out.stdout


def test_an_undocumented_status_or_media_type_fails():
    out = check(dict(GOOD, status=202))
    assert out.returncode == 1 and "undocumented status 202" in out.stdout, out.stdout
    out = check(dict(GOOD, headers=_headers(cache_control="no-store")[:1] + [["content-type", "text/html"]]))
    assert out.returncode == 1 and 'undocumented Content-Type "text/html"' in out.stdout, out.stdout


def test_a_body_off_its_schema_fails():
    out = check(dict(GOOD, body=json.dumps({"status": "Fine", "timestamp": "yesterday"})))
    assert out.returncode == 1 and "FAIL GET /health" in out.stdout, out.stdout
    out = check(dict(GOOD, body="<html>"))
    assert out.returncode == 1 and "body is not JSON" in out.stdout, out.stdout


def test_unknown_paths_must_be_404_and_bad_methods_405_with_allow():
    out = check(dict(GOOD, path="/healthz"))
    assert out.returncode == 1 and "expected 404" in out.stdout, out.stdout
    out = check(dict(GOOD, path="/health/"))  # a trailing slash is another path
    assert out.returncode == 1 and "expected 404" in out.stdout, out.stdout
    problem = dict(PROBLEM, status=405, title="Method Not Allowed", instance="/health")
    out = check(dict(GOOD, method="POST", status=405, body=json.dumps(problem),
                     headers=GOOD["headers"][:1] + [["content-type", "application/problem+json"]]))
    assert out.returncode == 1 and "missing header Allow" in out.stdout, out.stdout


def test_path_parameters_and_literal_segments_pick_the_right_operation():
    # /superadmin/tenants/repair is POST-only; GET of it is GET /superadmin/tenants/{slug}.
    problem = dict(PROBLEM, status=401, title="Unauthorized", instance="/superadmin/tenants/repair")
    rec = {"method": "GET", "path": "/superadmin/tenants/repair", "status": 401, "body": json.dumps(problem),
           "headers": [["x-request-id", "abc"], ["content-type", "application/problem+json"],
                       ["www-authenticate", "Bearer"]]}
    out = check(rec)
    assert out.returncode == 0 and "PASS GET /superadmin/tenants/{slug}" in out.stdout, out.stdout


def test_a_header_off_its_schema_fails():
    order = {"orderId": "f47ac10b-58cc-4372-a567-0e02b2c3d479", "orderNumber": "ORD-20261201-123456",
             "total": 10, "status": "PENDING", "createdAt": "2026-12-01T15:30:00Z"}
    rec = {"method": "POST", "path": "/api/checkout/place-order", "status": 200, "body": json.dumps(order),
           "headers": _headers(idempotent_replayed="true")}
    out = check(rec)
    assert out.returncode == 0, out.stdout + out.stderr
    out = check(dict(rec, headers=_headers(idempotent_replayed="yes")))
    assert out.returncode == 1 and "header Idempotent-Replayed" in out.stdout, out.stdout
    out = check(dict(rec, headers=[["x-request-id", "not an id!"]] + _headers()[1:]))
    assert out.returncode == 1 and "header X-Request-Id" in out.stdout, out.stdout
