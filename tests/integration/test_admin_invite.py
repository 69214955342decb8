"""Store admins (CONTRACT §9): invited by `ecom-provision create --admin-email`, `ecom-provision admin
create`, the sign-up's adminEmail or the super admin's create; activated once with the one-time token
(POST /api/auth/activate-account), then signed in with role admin. Tokens never reach the logs."""

import json
import os
import re
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import accounts as acc  # noqa: E402
import shop  # noqa: E402
from ecom import provision, describe, http, assert_problem, sql, q, schema_of  # noqa: E402
from accounts import assert_field_error  # noqa: E402

TOKEN_RE = re.compile(r"^[A-Za-z0-9_\-.~+/=]{20,}$")
SECRETS = []        # every activation token and password seen: none may appear in a log
STORE = None        # created without an admin, for `admin create`


def setup_module():
    global STORE
    STORE = ecom.new_store("PREMIUM")


def remember(*values):
    SECRETS.extend(v for v in values if v)
    return values[0] if len(values) == 1 else values


def tenant_exists(slug):
    return bool(sql(f"SELECT 1 FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db()))


def assert_admin_login(slug, email, password=acc.PASSWORD):
    """Login works with role admin; returns the access token."""
    token = acc.login_token(slug, email, password)
    remember(token)
    header, claims = ecom.jwt_decode(token)
    assert header.get("alg") == "HS256", header
    assert claims.get("role") == "admin" and claims.get("tenant") == slug and claims.get("typ") == "access", claims
    me = acc.me(slug, token)
    assert me.status == 200, me
    body = me.json()
    assert body["role"] == "admin" and body["email"] == email.lower() and body["id"] == claims["sub"], body
    # and the store admin API answers
    resp = http("GET", acc.ADMIN_SETTINGS, headers=acc.h(slug, token))
    assert resp.status == 200, resp
    return token


def activate_ok(slug, token, password=acc.PASSWORD):
    resp = acc.activate(slug, token, password)
    assert resp.status == 200, resp
    body = resp.json()
    assert body.get("success") is True and isinstance(body.get("message"), str) and body["message"], body
    return body


# --------------------------------------------------------------------------- ecom-provision create --admin-email

def test_create_with_admin_email_prints_an_activation_token():
    slug = ecom.unique_slug("adm")
    email = f"Owner.{uuid.uuid4().hex[:6]}@Example.com"
    proc = provision("create", slug, "Admin Store", "PREMIUM", "--admin-email", email)
    assert proc.returncode == 0, describe(proc)
    m = re.search(r"^admin activation token \(48 hours\): (\S+)$", proc.stdout, re.M)
    assert m, describe(proc)
    token = remember(m.group(1))
    assert TOKEN_RE.match(token), token
    # the admin account exists, not activated, without a password
    rows = sql(f"SELECT role, password_hash, activated_at FROM accounts WHERE email = {q(email.lower())}",
               db=schema_of(slug))
    assert rows == [["admin", None, None]], rows
    assert token not in json.dumps(rows)
    # no password yet: login fails
    acc.assert_401(acc.login(slug, email, acc.PASSWORD))
    activate_ok(slug, token)
    assert_admin_login(slug, email)
    # used up
    assert_problem(acc.activate(slug, token, "another password"), 409)
    assert_admin_login(slug, email.upper())


def test_create_json_has_the_admin_activation_token():
    slug = ecom.unique_slug("admj")
    email = f"json.{uuid.uuid4().hex[:6]}@example.com"
    proc = provision("--json", "create", slug, "Json Admin Store", "BASIC", "--admin-email", email)
    assert proc.returncode == 0, describe(proc)
    body = json.loads(proc.stdout)
    token = remember(body.get("adminActivationToken"))
    assert isinstance(token, str) and TOKEN_RE.match(token), body
    assert body.get("slug") == slug and body.get("status") == "Ready", body
    activate_ok(slug, token)


def test_create_with_an_invalid_admin_email_is_a_usage_error():
    slug = ecom.unique_slug("admbad")
    for email in ("not-an-email", "a@", "@b.com"):
        proc = provision("create", slug, "Bad Admin", "PREMIUM", "--admin-email", email)
        assert proc.returncode == 2, describe(proc)
        assert "activation token" not in proc.stdout, describe(proc)
    assert not tenant_exists(slug)
    proc = provision("create", slug, "Bad Admin", "PREMIUM", "--admin-email")
    assert proc.returncode == 2, describe(proc)
    assert not tenant_exists(slug)


# --------------------------------------------------------------------------- ecom-provision admin create

def test_admin_create_prints_the_token_alone():
    email = f"second.{uuid.uuid4().hex[:6]}@example.com"
    proc = provision("admin", "create", STORE, email)
    assert proc.returncode == 0, describe(proc)
    token = remember(proc.stdout.strip())
    assert proc.stdout == token + "\n", describe(proc)
    assert TOKEN_RE.match(token), token
    activate_ok(STORE, token)
    assert_admin_login(STORE, email)


def test_admin_create_json():
    email = f"third.{uuid.uuid4().hex[:6]}@example.com"
    proc = provision("--json", "admin", "create", STORE, email)
    assert proc.returncode == 0, describe(proc)
    body = json.loads(proc.stdout)
    remember(body.get("activationToken"))
    assert set(body) == {"slug", "email", "activationToken", "expiresIn"}, body
    assert body["slug"] == STORE and body["email"].lower() == email, body
    assert body["expiresIn"] == 48 * 3600, body
    assert TOKEN_RE.match(body["activationToken"]), body
    # the account expires in about 48 hours
    hours = sql(f"SELECT TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), activation_expires_at) FROM accounts "
                f"WHERE email = {q(email)}", db=schema_of(STORE))
    assert hours and 47 * 60 <= int(hours[0][0]) <= 48 * 60, hours


def test_admin_create_errors():
    proc = provision("admin", "create", "no-such-store-" + uuid.uuid4().hex[:6], "x@example.com")
    assert proc.returncode == 1, describe(proc)
    for email in ("not-an-email", "a b@example.com", ""):
        proc = provision("admin", "create", STORE, email)
        assert proc.returncode == 2, describe(proc)
    for args in (("admin",), ("admin", "create", STORE), ("admin", "delete", STORE, "x@example.com")):
        proc = provision(*args)
        assert proc.returncode == 2, describe(proc)
    # an activated admin cannot be invited again (that would be an account takeover)
    email = f"taken.{uuid.uuid4().hex[:6]}@example.com"
    activate_ok(STORE, remember(acc.invite_admin(STORE, email)))
    proc = provision("admin", "create", STORE, email.upper())
    assert proc.returncode == 1, describe(proc)
    # nor a customer's account
    customer = acc.new_email("cust")
    acc.register_ok(STORE, customer)
    proc = provision("admin", "create", STORE, customer)
    assert proc.returncode == 1, describe(proc)
    row = sql(f"SELECT role, activation_token_hash FROM accounts WHERE email = {q(customer)}", db=schema_of(STORE))
    assert row == [["customer", None]], row


def test_an_invited_email_cannot_be_registered_as_a_customer():
    email = f"invited.{uuid.uuid4().hex[:6]}@example.com"
    token = remember(acc.invite_admin(STORE, email))
    assert_problem(acc.register(STORE, email, "whatever123"), 409)
    activate_ok(STORE, token)


# --------------------------------------------------------------------------- activate-account

def test_activation_rules():
    email = f"rules.{uuid.uuid4().hex[:6]}@example.com"
    token = remember(acc.invite_admin(STORE, email))
    pw = acc.PASSWORD
    # mismatch, weak, missing fields: 400 and the token stays usable
    assert_field_error(acc.activate(STORE, token, pw, confirm=pw + "x"), "confirmPassword", only=False)
    assert_field_error(acc.activate(STORE, token, "short7!"), "password", only=False)
    assert_field_error(acc.activate(STORE, token, "x" * 129), "password", only=False)
    for body in ({}, {"token": token}, {"token": token, "password": pw},
                 {"password": pw, "confirmPassword": pw}, {"token": 5, "password": pw, "confirmPassword": pw}):
        assert_problem(acc.activate(STORE, None, body=body), 400)
    # unknown tokens
    for bad in (token[:-1], token + "A", "x" * 43, "", uuid.uuid4().hex):
        assert_problem(acc.activate(STORE, bad, pw), 400)
    # the token belongs to this store only
    assert_problem(acc.activate(ecom.new_store("BASIC"), token, pw), 400)
    # not signed in yet
    acc.assert_401(acc.login(STORE, email, pw))
    activate_ok(STORE, token, pw)
    assert_problem(acc.activate(STORE, token, pw), 409)
    assert_problem(acc.activate(STORE, token, "other password 1"), 409)
    assert_admin_login(STORE, email, pw)
    acc.assert_401(acc.login(STORE, email, "other password 1"))
    # no tenant
    assert assert_problem(http("POST", acc.ACTIVATE, body={"token": token, "password": pw,
                                                          "confirmPassword": pw}), 409)["title"] == "Tenant not resolved"


def test_concurrent_activations_exactly_one_wins():
    email = f"race.{uuid.uuid4().hex[:6]}@example.com"
    token = remember(acc.invite_admin(STORE, email))
    results = shop.parallel([lambda i=i: acc.activate(STORE, token, f"password-{i}-x") for i in range(4)])
    codes = sorted(shop.statuses(results))
    assert codes == [200, 409, 409, 409], codes
    winner = [i for i, r in enumerate(results) if r.status == 200][0]
    assert_admin_login(STORE, email, f"password-{winner}-x")


def test_an_expired_activation_token_is_400():
    email = f"late.{uuid.uuid4().hex[:6]}@example.com"
    token = remember(acc.invite_admin(STORE, email))
    sql(f"UPDATE accounts SET activation_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE email = {q(email)}",
        db=schema_of(STORE))
    assert_problem(acc.activate(STORE, token), 400)
    acc.assert_401(acc.login(STORE, email))
    # a new invitation gives a fresh token (the account is still not activated)
    fresh = remember(acc.invite_admin(STORE, email))
    assert fresh != token
    activate_ok(STORE, fresh)
    assert_admin_login(STORE, email)


# --------------------------------------------------------------------------- sign-up and super admin

def test_signup_with_admin_email():
    slug = ecom.unique_slug("sgn")
    email = f"Founder.{uuid.uuid4().hex[:6]}@example.com"
    resp = http("POST", "/provision/tenants/init",
                body={"slug": slug, "name": "Signed Up", "plan": "Premium", "adminEmail": email})
    assert resp.status == 200, resp
    init = resp.json()
    token = remember(init.get("adminActivationToken"))
    assert isinstance(token, str) and TOKEN_RE.match(token), init
    # not Ready yet: the store does not answer
    assert_problem(acc.activate(slug, token), 409)
    ecom.provision_confirm(init["confirmToken"])
    proc = provision("run")                 # do not depend on the stack's provisioner loop
    assert proc.returncode == 0, describe(proc)
    ecom.wait_status(init["provisioningId"], timeout=20)
    ecom.wait_tenant_cache()                # the workers cached "not ready" from the request above
    resp = acc.activate(slug, token)
    assert resp.status == 200 and resp.json()["success"] is True, resp
    assert_admin_login(slug, email)
    # the control database never holds the token itself
    rows = sql(f"SELECT * FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())
    assert rows and token not in json.dumps(rows), rows


def test_signup_with_an_invalid_admin_email_is_400():
    slug = ecom.unique_slug("sgnbad")
    for email in ("nope", "a@", 5):
        resp = http("POST", "/provision/tenants/init",
                    body={"slug": slug, "name": "Bad", "plan": "Premium", "adminEmail": email})
        assert_field_error(resp, "adminEmail")
    assert not tenant_exists(slug)


def test_superadmin_create_with_admin_email():
    sa = ecom.mint_superadmin_token()
    slug = ecom.unique_slug("sadm")
    email = f"boss.{uuid.uuid4().hex[:6]}@example.com"
    resp = http("POST", "/superadmin/tenants", headers=ecom.bearer(sa),
                body={"slug": slug, "name": "SA Store", "planCode": "ENTERPRISE", "adminEmail": email})
    assert resp.status == 201, resp
    body = resp.json()
    token = remember(body.get("adminActivationToken"))
    assert body.get("slug") == slug and body.get("status") == "Ready", body
    assert isinstance(token, str) and TOKEN_RE.match(token), body
    activate_ok(slug, token)
    assert_admin_login(slug, email)
    # without adminEmail: no token
    slug2 = ecom.unique_slug("sadm")
    resp = http("POST", "/superadmin/tenants", headers=ecom.bearer(sa),
                body={"slug": slug2, "name": "SA Store 2", "planCode": "BASIC"})
    assert resp.status == 201 and "adminActivationToken" not in resp.json(), resp
    # an invalid one: 400, nothing created
    slug3 = ecom.unique_slug("sadm")
    resp = http("POST", "/superadmin/tenants", headers=ecom.bearer(sa),
                body={"slug": slug3, "name": "SA Store 3", "planCode": "BASIC", "adminEmail": "bad"})
    assert_field_error(resp, "adminEmail")
    assert not tenant_exists(slug3)


# --------------------------------------------------------------------------- logs

def test_no_token_or_password_is_logged():
    if len(SECRETS) < 2:                    # run alone (-k): make a token and use it
        email = f"alone.{uuid.uuid4().hex[:6]}@example.com"
        activate_ok(STORE, remember(acc.invite_admin(STORE, email)))
        assert_admin_login(STORE, email)
    log_dir = os.path.join(ecom.var_dir(), "log")
    assert os.path.isdir(log_dir) and os.listdir(log_dir), f"no logs in {log_dir}"
    for secret in set(SECRETS) | {acc.PASSWORD}:
        found = acc.logs_containing(secret)
        assert not found, f"{secret[:12]}... appears in {found}"
