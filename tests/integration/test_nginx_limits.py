"""The rate limits of the production nginx site (conf/nginx/ecom-site.conf) on sign-up, login and
checkout, run as shipped (only the machine's paths rewritten, see nginx_site.py) in a private
nginx in front of the stack's ecom-fcgi. nginx counts by the connection's address (127.0.0.1
here); each request carries its own X-Forwarded-For so that the application's own per-address
limits stay out of the way, and the requests are cheap ones the application answers 400/409."""

import os
import re
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import nginx_site  # noqa: E402
from ecom import assert_problem  # noqa: E402

NG = nginx_site.PrivateNginx("ecom-limits-")


def setup_module():
    NG.start()


def teardown_module():
    NG.stop()


def active_lines(path):
    with open(path, encoding="utf-8") as fh:
        return [ln.strip() for ln in fh if ln.strip() and not nginx_site.is_comment(ln)]


def hammer(method, path, n, body=None, headers=None):
    """n requests in a row from this connection's address; their statuses and the first 429."""
    statuses, first_429 = [], None
    for _ in range(n):
        h = {"X-Forwarded-For": ecom.random_client_address()}
        h.update(headers or {})
        resp = NG.fetch(method, path, h, body)
        statuses.append(resp.status)
        if resp.status == 429 and first_429 is None:
            first_429 = resp
    return statuses, first_429


def assert_nginx_429(resp, path):
    assert resp is not None, "no 429"
    body = assert_problem(resp, 429)
    assert body["instance"] == path, body
    assert resp.headers.get("Retry-After") == "10", resp.headers
    assert ecom.UUID_V4_RE.match(resp.headers.get("X-Request-Id") or ""), resp.headers


def test_the_shipped_site_enables_the_limits_and_the_dev_stack_does_not():
    site = active_lines(os.path.join(ecom.repo_dir(), "conf", "nginx", "ecom-site.conf"))
    for zone in ("ecom_signup", "ecom_auth", "ecom_checkout"):
        assert [ln for ln in site if ln.startswith("limit_req_zone ") and f"zone={zone}:" in ln], zone
        assert [ln for ln in site if re.match(rf"^limit_req\s+zone={zone}\s", ln)], zone
    assert "limit_req_status 429;" in site
    dev = active_lines(os.path.join(ecom.repo_dir(), "conf", "nginx", "dev.conf.template"))
    assert not [ln for ln in dev if ln.startswith("limit_req")], "the test stack must not rate-limit"


def test_sign_up_is_limited_per_address():
    # burst 10 at 6 a minute: the 12th init in a row is refused by nginx.
    statuses, first = hammer("POST", "/provision/tenants/init", 20, body={"slug": "x", "name": "", "plan": ""})
    assert statuses[:11] == [400] * 11, statuses
    assert statuses[-5:] == [429] * 5, statuses
    assert_nginx_429(first, "/provision/tenants/init")
    # confirm shares the zone
    statuses, _ = hammer("POST", "/provision/tenants/confirm", 2)
    assert statuses == [429, 429], statuses


def test_login_register_and_activation_are_limited_per_address():
    statuses, first = hammer("POST", "/api/auth/login", 30, body={})  # no store: the application's 409
    assert statuses[:21] == [409] * 21, statuses
    assert statuses[-5:] == [429] * 5, statuses
    assert_nginx_429(first, "/api/auth/login")
    for path in ("/api/auth/register", "/api/auth/activate-account"):
        assert hammer("POST", path, 1, body={})[0] == [429], path


def test_checkout_is_limited_per_address():
    statuses, first = hammer("POST", "/api/checkout/quote", 40, body={})
    assert statuses[:31] == [409] * 31, statuses
    assert statuses[-5:] == [429] * 5, statuses
    assert_nginx_429(first, "/api/checkout/quote")
    assert hammer("POST", "/api/checkout/place-order", 1, body={})[0] == [429]


def test_everything_else_is_not_limited():
    for path, expected in (("/health", 200), (f"/provision/tenants/{uuid.uuid4()}/status", 404),
                           ("/api/auth/me", 409), ("/api/cart", 409), ("/api/catalog/products", 409)):
        statuses, _ = hammer("GET", path, 60)
        assert statuses == [expected] * 60, (path, statuses)
