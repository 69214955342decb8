"""Helpers for the accounts / store-admin black-box tests (CONTRACT §9).

Standard library only. Password hashing is deliberately slow (PBKDF2, ~0.1-0.2 s per register,
login or activate): create few accounts and share them within a module.
"""

import json
import statistics
import subprocess
import time
import uuid

import ecom
from ecom import http, assert_problem

REGISTER = "/api/auth/register"
LOGIN = "/api/auth/login"
ME = "/api/auth/me"
ACTIVATE = "/api/auth/activate-account"
MY_ORDERS = "/api/orders"

ADMIN_PRODUCTS = "/api/admin/products"
ADMIN_CATEGORIES = "/api/admin/categories"
ADMIN_ORDERS = "/api/admin/orders"
ADMIN_SETTINGS = "/api/admin/settings"

ACCOUNT_KEYS = {"id", "email", "name", "role", "createdAt"}
LOGIN_KEYS = {"accessToken", "tokenType", "expiresIn"}
PAGE_KEYS = {"items", "totalCount", "page", "pageSize", "totalPages"}
PASSWORD = "correct horse 42"


def new_email(prefix="user"):
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.com"


def h(slug, token=None, sid=None, **extra):
    """Headers: X-Tenant-Slug, Authorization: Bearer (when token), X-Session-Id (when sid)."""
    return ecom.store_headers(slug, token=token, sid=sid, **extra)


def call(method, path, slug, token=None, body=None, sid=None, raw_body=None, **extra):
    return http(method, path, headers=h(slug, token, sid, **extra), body=body, raw_body=raw_body)


# --------------------------------------------------------------------------- accounts

def register(slug, email, password=PASSWORD, name=None, body=None):
    if body is None:
        body = {"email": email, "password": password}
        if name is not None:
            body["name"] = name
    return http("POST", REGISTER, headers=h(slug), body=body)


def register_ok(slug, email, password=PASSWORD, name=None):
    resp = register(slug, email, password, name)
    assert resp.status == 201, resp
    return resp.json()


def login(slug, email, password=PASSWORD, body=None):
    return http("POST", LOGIN, headers=h(slug), body=body if body is not None else
                {"email": email, "password": password})


def login_token(slug, email, password=PASSWORD):
    resp = login(slug, email, password)
    assert resp.status == 200, resp
    return resp.json()["accessToken"]


class Customer:
    """A registered, signed-in customer of a store."""

    def __init__(self, slug, email, password, account, token):
        self.slug = slug
        self.email = email
        self.password = password
        self.account = account
        self.id = account["id"]
        self.name = account["name"]
        self.token = token

    def __repr__(self):
        return f"<Customer {self.email} of {self.slug}>"


def new_customer(slug, name="Test Customer", email=None, password=PASSWORD):
    """Registers and signs in a fresh customer (2 password-hash runs)."""
    email = email or new_email("cust")
    account = register_ok(slug, email, password, name)
    return Customer(slug, email, password, account, login_token(slug, email, password))


def me(slug, token):
    return http("GET", ME, headers=h(slug, token))


# --------------------------------------------------------------------------- store admins

def invite_admin(slug, email, json_output=False):
    """`ecom-provision admin create SLUG EMAIL` → the activation token (asserts exit 0)."""
    args = (["--json"] if json_output else []) + ["admin", "create", slug, email]
    proc = ecom.provision(*args)
    assert proc.returncode == 0, ecom.describe(proc)
    if json_output:
        return json.loads(proc.stdout)["activationToken"]
    token = proc.stdout.strip()
    assert token and "\n" not in token and " " not in token, ecom.describe(proc)
    return token


def activate(slug, token, password=PASSWORD, confirm=None, body=None):
    if body is None:
        body = {"token": token, "password": password,
                "confirmPassword": password if confirm is None else confirm}
    return http("POST", ACTIVATE, headers=h(slug), body=body)


class Admin:
    def __init__(self, slug, email, password, token):
        self.slug = slug
        self.email = email
        self.password = password
        self.token = token
        self.id = ecom.jwt_decode(token)[1]["sub"]

    def __repr__(self):
        return f"<Admin {self.email} of {self.slug}>"


def new_admin(slug, email=None, password=PASSWORD):
    """Invites (ecom-provision admin create), activates and signs in a store admin (2 hash runs)."""
    email = email or new_email("admin")
    act = invite_admin(slug, email)
    resp = activate(slug, act, password)
    assert resp.status == 200, resp
    token = login_token(slug, email, password)
    assert ecom.jwt_decode(token)[1].get("role") == "admin", ecom.jwt_decode(token)
    return Admin(slug, email, password, token)


def admin_call(admin, method, path, body=None, raw_body=None, **extra):
    return http(method, path, headers=h(admin.slug, admin.token, **extra), body=body, raw_body=raw_body)


def admin_ok(admin, method, path, body=None, status=200):
    resp = admin_call(admin, method, path, body=body)
    assert resp.status == status, resp
    return resp.json()


# --------------------------------------------------------------------------- tokens

def forge_access(tenant, sub, role="customer", ttl=3600, iat=None, key=None, alg="HS256", **extra):
    """An access token with the stack's real access secret (or `key`)."""
    now = int(time.time()) if iat is None else int(iat)
    claims = {"sub": sub, "tenant": tenant, "role": role, "typ": "access", "iat": now, "exp": now + ttl}
    claims.update(extra)
    claims = {k: v for k, v in claims.items() if v is not None}
    if alg == "none":
        return ecom.jwt_encode(claims, None, alg="none")
    return ecom.jwt_encode(claims, key if key is not None else ecom.token_secret("access"), alg=alg)


def tamper_payload(token, **changes):
    """The token with its payload changed and its original signature kept."""
    header, payload = ecom.jwt_decode(token)
    payload.update(changes)
    parts = token.split(".")
    return parts[0] + "." + ecom.b64url(ecom._compact(payload)) + "." + parts[2]


def assert_401(resp):
    body = assert_problem(resp, 401)
    challenge = resp.headers.get("WWW-Authenticate") or ""
    assert challenge.startswith("Bearer"), f"401 without WWW-Authenticate: Bearer: {resp!r} {resp.headers!r}"
    return body


def assert_admin_guarded(slug, method, path, customer_token, other_admin_token, body=None):
    """401 without a token, 403 with a customer token, 401 with another store's admin token,
    401 with a garbage token."""
    assert_401(http(method, path, headers=h(slug), body=body))
    assert_problem(http(method, path, headers=h(slug, customer_token), body=body), 403)
    assert_401(http(method, path, headers=h(slug, other_admin_token), body=body))
    assert_401(http(method, path, headers=h(slug, "not.a.token"), body=body))


# --------------------------------------------------------------------------- assertions

def assert_page(body, page, page_size, total=None):
    assert isinstance(body, dict) and set(body) == PAGE_KEYS, f"envelope keys: {body!r}"
    assert body["page"] == page and body["pageSize"] == page_size, body
    if total is not None:
        assert body["totalCount"] == total, f"totalCount {body['totalCount']} != {total}"
    expected_pages = -(-body["totalCount"] // page_size)
    assert body["totalPages"] == expected_pages, body
    assert isinstance(body["items"], list)
    return body["items"]


def assert_field_error(resp, field, only=True):
    body = assert_problem(resp, 400)
    errors = body.get("errors")
    assert isinstance(errors, dict) and field in errors, f"errors should name {field!r}: {body}"
    msgs = errors[field]
    assert isinstance(msgs, list) and msgs and all(isinstance(m, str) and m for m in msgs), body
    if only:
        assert set(errors) == {field}, f"only {field!r} expected: {body}"
    return body


def median_seconds(fn, n=3):
    times = []
    for _ in range(n):
        start = time.monotonic()
        fn()
        times.append(time.monotonic() - start)
    return statistics.median(times)


def logs_containing(needle):
    """Names of files under $ECOM_VAR_DIR/log that contain `needle`."""
    proc = subprocess.run(["grep", "-rlF", "--", needle, ecom.var_dir() + "/log"],
                          capture_output=True, text=True, timeout=60)
    return [ln for ln in proc.stdout.splitlines() if ln]
