"""`ecom-provision token superadmin [--ttl S]` and `ecom-provision gc` (CONTRACT §3, §8)."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import provision, describe, sql, q  # noqa: E402

TENANTS = "/superadmin/tenants"


def check_superadmin_token(token, ttl=None):
    header, claims = ecom.jwt_decode(token)
    assert header.get("alg") == "HS256" and header.get("typ") == "JWT", header
    assert claims.get("sub") == "superadmin" and claims.get("role") == "superadmin", claims
    assert claims.get("typ") == "superadmin", claims
    assert isinstance(claims.get("iat"), int) and isinstance(claims.get("exp"), int), claims
    assert abs(claims["iat"] - time.time()) < 60, claims
    assert claims["exp"] > claims["iat"], claims
    if ttl is not None:
        assert claims["exp"] - claims["iat"] == ttl, claims
    assert isinstance(claims.get("jti"), str) and claims["jti"], claims
    assert ecom.jwt_verify(token, ecom.token_secret("superadmin")), \
        "token does not verify with ECOM_SUPERADMIN_TOKEN_SECRET (HMAC-SHA256)"
    return claims


def tenant_rows(slug):
    return sql(f"SELECT id, status FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())


def expire_init(slug):
    sql("UPDATE tenants SET confirm_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE "
        f"WHERE slug = {q(slug)}", db=ecom.control_db())


# --------------------------------------------------------------------------- token superadmin

def test_token_superadmin_prints_a_working_token():
    proc = provision("token", "superadmin")
    assert proc.returncode == 0, describe(proc)
    lines = proc.stdout.strip().split("\n")
    assert len(lines) == 1, f"expected the token alone on stdout:\n{describe(proc)}"
    token = lines[0].strip()
    check_superadmin_token(token)
    resp = ecom.http("GET", TENANTS, headers=ecom.bearer(token))
    assert resp.status == 200, resp


def test_token_with_ttl():
    proc = provision("token", "superadmin", "--ttl", "60")
    assert proc.returncode == 0, describe(proc)
    token = proc.stdout.strip()
    check_superadmin_token(token, ttl=60)
    resp = ecom.http("GET", TENANTS, headers=ecom.bearer(token))
    assert resp.status == 200, resp


def test_token_json():
    for args in (("token", "superadmin", "--ttl", "120", "--json"), ("--json", "token", "superadmin", "--ttl", "120")):
        proc = provision(*args)
        assert proc.returncode == 0, describe(proc)
        body = ecom.parse_json(proc)
        assert set(body) >= {"token", "expiresIn"}, body
        assert body["expiresIn"] == 120, body
        check_superadmin_token(body["token"], ttl=120)
    proc = provision("token", "superadmin", "--json")
    assert proc.returncode == 0, describe(proc)
    body = ecom.parse_json(proc)
    assert isinstance(body["expiresIn"], int) and body["expiresIn"] > 0, body
    check_superadmin_token(body["token"], ttl=body["expiresIn"])


def test_tokens_are_unique():
    a = ecom.jwt_decode(ecom.mint_superadmin_token())[1]
    b = ecom.jwt_decode(ecom.mint_superadmin_token())[1]
    assert a["jti"] != b["jti"], (a, b)


def test_token_usage_errors_are_2():
    for args in (("token", "superadmin", "--ttl", "0"), ("token", "superadmin", "--ttl", "abc"),
                 ("token", "superadmin", "--ttl", "-5"), ("token", "superadmin", "--ttl", "1.5"),
                 ("token", "superadmin", "--ttl"), ("token",), ("token", "customer"),
                 ("token", "superadmin", "--bogus")):
        proc = provision(*args, timeout=10)
        assert proc.returncode == 2, describe(proc)
        assert proc.stdout.count(".") < 2, f"a token was printed on a usage error:\n{describe(proc)}"


def test_token_expires_after_ttl():
    token = ecom.mint_superadmin_token(ttl=1)
    exp = ecom.jwt_decode(token)[1]["exp"]
    time.sleep(max(0.0, exp - time.time()) + 1.1)  # time passes: the token must be past its exp
    ecom.assert_bearer_challenge(ecom.http("GET", TENANTS, headers=ecom.bearer(token)))


# --------------------------------------------------------------------------- gc

def test_gc_deletes_expired_inits_only():
    expired_slug = ecom.unique_slug("gcx")
    fresh_slug = ecom.unique_slug("gcf")
    expired = ecom.provision_init(expired_slug, plan="Basic")
    fresh = ecom.provision_init(fresh_slug, plan="Basic")
    expire_init(expired_slug)

    proc = provision("gc", "--json")
    assert proc.returncode == 0, describe(proc)
    body = ecom.parse_json(proc)
    assert isinstance(body.get("expiredInits"), int) and body["expiredInits"] >= 1, body

    assert tenant_rows(expired_slug) == [], "the expired init is still there"
    ecom.assert_problem(ecom.provision_status(expired["provisioningId"]), 404)
    assert tenant_rows(fresh_slug) and tenant_rows(fresh_slug)[0][1] == "PendingConfirmation"
    assert ecom.provision_status(fresh["provisioningId"]).json()["status"] == "Pending"

    # the expired one's slug is free again; its old token finds no tenant
    again = ecom.provision_init(expired_slug, plan="Premium")
    assert again["provisioningId"] != expired["provisioningId"]
    ecom.assert_problem(ecom.http("POST", "/provision/tenants/confirm",
                                  headers=ecom.bearer(expired["confirmToken"])), 404)

    # nothing expired is left
    proc = provision("gc", "--json")
    assert proc.returncode == 0, describe(proc)
    assert ecom.parse_json(proc)["expiredInits"] == 0, proc.stdout


def test_gc_leaves_confirmed_stores_alone():
    # a confirmed store (Ready) whose confirm deadline has passed long ago
    slug, tid = ecom.init_and_confirm(plan="Basic")
    ecom.wait_status(tid, timeout=20)
    expire_init(slug)
    # a queued one (no job, so no provisioner touches it) with a passed deadline
    queued_slug = ecom.unique_slug("gcq")
    queued = ecom.provision_init(queued_slug, plan="Basic")
    sql(f"UPDATE tenants SET status = 'Queued' WHERE slug = {q(queued_slug)}", db=ecom.control_db())
    expire_init(queued_slug)
    try:
        proc = provision("gc")
        assert proc.returncode == 0, describe(proc)
        assert tenant_rows(slug) and tenant_rows(slug)[0][1] == "Ready", tenant_rows(slug)
        assert tenant_rows(queued_slug) and tenant_rows(queued_slug)[0][1] == "Queued", tenant_rows(queued_slug)
        resp = ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(slug))
        assert resp.status == 200, resp
    finally:
        sql(f"DELETE FROM tenants WHERE id = {q(queued['provisioningId'])}", db=ecom.control_db())


def test_gc_plain_output_exit_0():
    proc = provision("gc")
    assert proc.returncode == 0, describe(proc)
