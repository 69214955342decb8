"""Document §7 / CONTRACT §8: super-admin auth, create, repair, list, get, patch."""

import math
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, jwt_encode, q, sql, tenant_headers  # noqa: E402

TENANTS = "/superadmin/tenants"
REPAIR = "/superadmin/tenants/repair"
ALL_FEATURES = ["catalog", "cart", "checkout", "guest_checkout", "categories", "push"]
PLAN_NAMES = {"BASIC": "Basic", "PREMIUM": "Premium", "ENTERPRISE": "Enterprise"}
PLAN_LIMITS = {
    "BASIC": {"maxCartItems": 20, "maxProductsPerOrder": 10},
    "PREMIUM": {"maxCartItems": 100, "maxProductsPerOrder": 50},
    "ENTERPRISE": {"maxCartItems": 500, "maxProductsPerOrder": 200},
}

TOKEN = None      # minted by `ecom-provision token superadmin`
SA = None         # requests with TOKEN
CREATED = None    # store created by POST /superadmin/tenants (PREMIUM)
PATCHED = None    # store the PATCH tests suspend (PREMIUM, created with the CLI)
PLAN = FEAT = CAT = None  # stores whose plan / guestCheckout+limits / catalog the PATCH tests change


def setup_module():
    global TOKEN, SA, PATCHED, PLAN, FEAT, CAT
    SA = ecom.SuperAdmin()
    TOKEN = SA.token
    PATCHED = ecom.new_store("PREMIUM", name="Patched Store")
    PLAN, FEAT, CAT = (ecom.new_store("PREMIUM") for _ in range(3))


def teardown_module():
    if PATCHED:
        ecom.set_tenant_status(PATCHED, "Ready")


def api_features(slug):
    resp = http("GET", "/api/features", headers=tenant_headers(slug))
    assert resp.status == 200, resp
    return resp.json()


def check_item(item, slug=None, name=None, plan_code=None, status=None):
    assert set(item) >= {"slug", "name", "plan", "planCode", "status", "dbName", "createdAt"}, item
    if slug is not None:
        assert item["slug"] == slug and item["dbName"] == ecom.schema_of(slug), item
    if name is not None:
        assert item["name"] == name, item
    if plan_code is not None:
        assert item["planCode"] == plan_code and item["plan"] == PLAN_NAMES[plan_code], item
    if status is not None:
        assert item["status"] == status, item
    ecom.assert_iso_utc(item["createdAt"], "createdAt")


# --------------------------------------------------------------------------- authentication

def test_missing_token_is_401_on_every_endpoint():
    slug = PATCHED
    for method, path, body in (("GET", TENANTS, None), ("POST", TENANTS, {}), ("POST", REPAIR, {}),
                               ("GET", f"{TENANTS}/{slug}", None), ("PATCH", f"{TENANTS}/{slug}", {}),
                               ("GET", f"{TENANTS}/no-such-store", None)):
        ecom.assert_bearer_challenge(http(method, path, body=body))


def test_invalid_tokens_are_401():
    secret = ecom.token_secret("superadmin")
    now = int(time.time())
    claims = ecom.superadmin_claims()
    expired = ecom.superadmin_claims(iat=now - 7200, ttl=3600)
    no_exp = {k: v for k, v in claims.items() if k != "exp"}
    bad = {
        "garbage": "garbage",
        "three dots": "a.b.c",
        "expired": jwt_encode(expired, secret),
        "no exp": jwt_encode(no_exp, secret),
        "alg none": jwt_encode(claims, None, alg="none", header={"alg": "none", "typ": "JWT"}),
        "HS512": jwt_encode(claims, secret, alg="HS512"),
        "wrong key": jwt_encode(claims, "not-the-secret"),
        "access key": jwt_encode(claims, ecom.token_secret("access")),
        "confirm key": jwt_encode(claims, ecom.token_secret("confirm")),
        "confirm token": ecom.forge_confirm_token(str(uuid.uuid4()), "some-store"),
        "tampered": TOKEN.split(".")[0] + "." + ecom.b64url('{"sub":"superadmin","role":"superadmin",'
                                                           '"typ":"superadmin","exp":9999999999}')
                    + "." + TOKEN.split(".")[2],
    }
    for what, token in bad.items():
        resp = http("GET", TENANTS, headers=ecom.bearer(token))
        try:
            ecom.assert_bearer_challenge(resp)
        except AssertionError as exc:
            raise AssertionError(f"{what}: {exc}")
    # a real confirm token from init
    init = ecom.provision_init(ecom.unique_slug("sacf"), plan="Basic")
    ecom.assert_bearer_challenge(http("GET", TENANTS, headers=ecom.bearer(init["confirmToken"])))
    ecom.assert_bearer_challenge(http("GET", TENANTS, headers={"Authorization": "Basic " + TOKEN}))


def test_customer_token_is_403():
    token = ecom.forge_customer_token(PATCHED)
    for method, path, body in (("GET", TENANTS, None), ("GET", f"{TENANTS}/{PATCHED}", None),
                               ("PATCH", f"{TENANTS}/{PATCHED}", {"status": "Suspended"}),
                               ("POST", TENANTS, {"slug": ecom.unique_slug("cust"), "name": "N",
                                                  "planCode": "BASIC"})):
        assert_problem(http(method, path, headers=ecom.bearer(token), body=body), 403)
    assert ecom.tenant_status(PATCHED) == "Ready"


def test_forged_superadmin_token_is_accepted():
    resp = http("GET", TENANTS, headers=ecom.bearer(ecom.forge_superadmin_token()))
    assert resp.status == 200, resp


# --------------------------------------------------------------------------- create

def test_create_store_201_and_served_at_once():
    global CREATED
    slug = ecom.unique_slug("sa")
    start = time.monotonic()
    resp = SA("POST", TENANTS, body={"slug": slug, "name": "Direct Store", "planCode": "PREMIUM"})
    took = time.monotonic() - start
    assert resp.status == 201, resp
    assert resp.json() == {"slug": slug, "status": "Ready"}, resp
    location = resp.headers.get("Location") or ""
    assert location == f"/superadmin/tenants/{slug}" or location.endswith(f"/superadmin/tenants/{slug}"), \
        resp.headers
    assert took < 10, f"create took {took:.1f} s"
    CREATED = slug
    assert ecom.tenant_status(slug) == "Ready"
    products = http("GET", "/api/catalog/products", headers=tenant_headers(slug))
    assert products.status == 200 and products.json()["items"], products
    config = http("GET", "/public/tenant-config", headers=tenant_headers(slug))
    assert config.status == 200 and config.json()["name"] == "Direct Store", config


def test_create_plan_code_is_case_insensitive():
    for given, code in (("premium", "PREMIUM"), ("Basic", "BASIC"), ("enterPRISE", "ENTERPRISE")):
        slug = ecom.unique_slug("sa")
        resp = SA("POST", TENANTS, body={"slug": slug, "name": "Case", "planCode": given})
        assert resp.status == 201, (given, resp)
        assert ecom.sql_value(f"SELECT plan_code FROM tenants WHERE slug = {q(slug)}",
                              db=ecom.control_db()) == code


def test_concurrent_creates_of_one_slug_exactly_one_wins():
    from concurrent.futures import ThreadPoolExecutor
    slug = ecom.unique_slug("sarace")
    body = {"slug": slug, "name": "Race", "planCode": "BASIC"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        resps = list(pool.map(lambda _: SA("POST", TENANTS, body=body), range(4)))
    assert sorted(r.status for r in resps) == [201, 409, 409, 409], resps
    assert ecom.tenant_status(slug) == "Ready"
    resp = http("GET", "/api/catalog/products", headers=tenant_headers(slug))
    assert resp.status == 200 and resp.json()["items"], resp


def test_create_invalid_slug_is_400():
    for slug in ("Bad", "a_b", "ab", "x" * 64, "admin", "-abc", "", 7, None):
        resp = SA("POST", TENANTS, body={"slug": slug, "name": "N", "planCode": "BASIC"})
        ecom.assert_validation(resp, "slug")


def test_create_invalid_name_is_400():
    for name in ("", "   ", "n" * 201, 5, None):
        slug = ecom.unique_slug("sa")
        ecom.assert_validation(SA("POST", TENANTS, body={"slug": slug, "name": name, "planCode": "BASIC"}), "name")
        assert not sql(f"SELECT 1 FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())


def test_create_missing_plan_code_is_400():
    slug = ecom.unique_slug("sa")
    ecom.assert_validation(SA("POST", TENANTS, body={"slug": slug, "name": "N"}), "planCode")
    ecom.assert_validation(SA("POST", TENANTS, body={"slug": slug, "name": "N", "planCode": 3}), "planCode")
    assert not sql(f"SELECT 1 FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())


def test_create_unknown_plan_is_404():
    slug = ecom.unique_slug("sa")
    for code in ("GOLD", "PREMIUMX"):
        assert_problem(SA("POST", TENANTS, body={"slug": slug, "name": "N", "planCode": code}), 404)
    rows = sql(f"SELECT status FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())
    assert not rows, f"unknown plan left a tenant row: {rows}"


def test_create_taken_slug_is_409():
    assert_problem(SA("POST", TENANTS, body={"slug": CREATED, "name": "Again", "planCode": "BASIC"}), 409)
    assert SA.get_store(CREATED)["name"] == "Direct Store"
    # taken by a pending (unexpired) init
    pending = ecom.unique_slug("pend")
    ecom.provision_init(pending, plan="Basic")
    assert_problem(SA("POST", TENANTS, body={"slug": pending, "name": "Again", "planCode": "BASIC"}), 409)
    assert ecom.tenant_status(pending) == "PendingConfirmation"


def test_create_bad_bodies():
    assert_problem(SA("POST", TENANTS, raw_body="{not json", headers={"Content-Type": "application/json"}), 400)
    assert_problem(SA("POST", TENANTS, raw_body="[]", headers={"Content-Type": "application/json"}), 400)
    raw = '{"slug": "%s", "name": "N", "planCode": "BASIC"}' % ecom.unique_slug("sa")
    assert_problem(SA("POST", TENANTS, raw_body=raw, headers={"Content-Type": "text/plain"}), 415)


# --------------------------------------------------------------------------- repair

def test_repair_ready_store_is_200():
    resp = SA("POST", REPAIR, body={"tenant": CREATED})
    assert resp.status == 200, resp
    assert resp.json() == {"tenant": CREATED, "status": "Ready"}, resp


def test_repair_recreates_dropped_schema():
    slug = ecom.new_store("BASIC")
    n_before = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=ecom.schema_of(slug)))
    sql(f"DROP DATABASE `{ecom.schema_of(slug)}`")
    resp = SA("POST", REPAIR, body={"tenant": slug})
    assert resp.status == 200, resp
    assert resp.json() == {"tenant": slug, "status": "Ready"}, resp
    assert ecom.tenant_status(slug) == "Ready"
    n_after = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=ecom.schema_of(slug)))
    assert n_after == n_before, (n_before, n_after)
    products = http("GET", "/api/catalog/products", headers=tenant_headers(slug))
    assert products.status == 200 and products.json()["items"], products


def test_repair_failed_store():
    slug = ecom.new_store("BASIC")
    ecom.set_tenant_status(slug, "Failed")
    resp = SA("POST", REPAIR, body={"tenant": slug})
    assert resp.status == 200, resp
    assert resp.json()["status"] == "Ready" and ecom.tenant_status(slug) == "Ready", resp


def test_repair_unknown_is_404():
    assert_problem(SA("POST", REPAIR, body={"tenant": ecom.unique_slug("none")}), 404)


def test_repair_invalid_body_is_400():
    for body in ({}, {"tenant": 5}, {"tenant": None}, {"slug": CREATED}, []):
        assert_problem(SA("POST", REPAIR, body=body), 400)
    assert_problem(SA("POST", REPAIR, raw_body="{", headers={"Content-Type": "application/json"}), 400)


# --------------------------------------------------------------------------- list

def test_list_is_paginated_and_complete():
    resp = SA("GET", ecom.url(TENANTS, page=1, pageSize=2))
    assert resp.status == 200, resp
    first = resp.json()
    assert set(first) >= {"items", "totalCount", "page", "pageSize", "totalPages"}, first
    assert first["page"] == 1 and first["pageSize"] == 2, first
    assert len(first["items"]) <= 2
    total = first["totalCount"]
    assert first["totalPages"] == math.ceil(total / 2), first
    seen = []
    page = 1
    while True:
        body = SA("GET", ecom.url(TENANTS, page=page, pageSize=7)).json()
        assert body["totalCount"] == total and body["totalPages"] == math.ceil(total / 7), body
        seen.extend(body["items"])
        if page >= body["totalPages"]:
            break
        assert len(body["items"]) == 7, body
        page += 1
    slugs = [i["slug"] for i in seen]
    assert len(slugs) == len(set(slugs)) == total, "pages overlap or miss stores"
    mine = [i for i in seen if i["slug"] == CREATED]
    assert len(mine) == 1, CREATED
    check_item(mine[0], slug=CREATED, name="Direct Store", plan_code="PREMIUM", status="Ready")
    every = {r[0] for r in sql("SELECT slug FROM tenants WHERE status IN ('Ready', 'Suspended')",
                               db=ecom.control_db())}
    assert every <= set(slugs), f"Ready stores missing from the list: {sorted(every - set(slugs))[:5]}"


def test_list_defaults_and_past_the_end():
    body = SA("GET", TENANTS).json()
    assert body["page"] == 1 and body["pageSize"] == 20, body
    assert len(body["items"]) <= 20
    past = SA("GET", ecom.url(TENANTS, page=100000, pageSize=100))
    assert past.status == 200 and past.json()["items"] == [], past


def test_list_bad_pagination_is_400():
    for params in ({"page": 0}, {"page": -1}, {"page": "abc"}, {"pageSize": 0}, {"pageSize": 101},
                   {"pageSize": "x"}, {"page": "1.5"}):
        assert_problem(SA("GET", ecom.url(TENANTS, **params)), 400)


# --------------------------------------------------------------------------- get

def test_get_store_shows_effective_features_and_limits():
    body = SA.get_store(CREATED)
    check_item(body, slug=CREATED, name="Direct Store", plan_code="PREMIUM", status="Ready")
    assert body["features"] == {ecom.camel(f): f != "push" for f in ALL_FEATURES}, body["features"]
    assert body["limits"] == PLAN_LIMITS["PREMIUM"], body["limits"]
    assert body["overrides"] == {"features": {}, "limits": {}}, body["overrides"]


def test_get_unknown_store_is_404():
    for slug in (ecom.unique_slug("none"), "BAD-SLUG", "x" * 100, "admin"):
        assert_problem(SA("GET", f"{TENANTS}/{slug}"), 404)
    # percent-encoded: only the status and the problem type (instance may be decoded or not)
    for encoded in ("BAD%20slug", "%27%20OR%201%3D1%20--"):
        resp = SA("GET", f"{TENANTS}/{encoded}")
        assert resp.status == 404, resp
        assert resp.headers.get("Content-Type", "").startswith("application/problem+json"), resp.headers


# --------------------------------------------------------------------------- patch

# Four stores change at once, so that one wait for the tenant cache covers them all:
# SUSP is suspended, PLAN moves to Enterprise, FEAT gets guestCheckout off and limit overrides,
# CAT gets catalog off (and push on).

def test_patch_changes_answer_the_new_store():
    body = SA.patch_ok(PATCHED, {"status": "Suspended"})
    check_item(body, slug=PATCHED, name="Patched Store", plan_code="PREMIUM", status="Suspended")
    assert ecom.tenant_status(PATCHED) == "Suspended"
    assert SA.get_store(PATCHED) == body

    body = SA.patch_ok(PLAN, {"planCode": "enterprise"})
    assert body["planCode"] == "ENTERPRISE" and body["plan"] == "Enterprise", body
    assert body["limits"] == PLAN_LIMITS["ENTERPRISE"] and body["features"]["push"] is True, body

    body = SA.patch_ok(FEAT, {"features": {"guestCheckout": False},
                           "limits": {"maxCartItems": 5, "maxProductsPerOrder": 0}})
    assert body["features"]["guestCheckout"] is False and body["features"]["cart"] is True, body
    assert body["overrides"] == {"features": {"guestCheckout": False},
                                 "limits": {"maxCartItems": 5, "maxProductsPerOrder": 0}}, body["overrides"]
    assert body["limits"] == {"maxCartItems": 5, "maxProductsPerOrder": 0}, body

    body = SA.patch_ok(CAT, {"features": {"catalog": False, "push": True}})
    assert body["overrides"]["features"] == {"catalog": False, "push": True}, body["overrides"]
    assert body["features"]["catalog"] is False and body["features"]["push"] is True, body
    assert SA.get_store(CAT) == body


def test_patch_changes_are_enforced_after_the_cache_ttl():
    ecom.wait_tenant_cache()
    for path in ("/public/tenant-config", "/api/features", "/api/catalog/products"):
        assert_problem(http("GET", path, headers=tenant_headers(PATCHED)), 423)
    # a suspended store still reads as Ready on the provisioning status endpoint
    status = ecom.provision_status(ecom.tenant_id(PATCHED))
    assert status.status == 200 and status.json()["status"] == "Ready", status

    feats = api_features(PLAN)
    assert feats["limits"] == PLAN_LIMITS["ENTERPRISE"] and feats["features"]["push"] is True, feats

    feats = api_features(FEAT)
    assert feats["features"]["guestCheckout"] is False, feats
    assert feats["limits"] == {"maxCartItems": 5, "maxProductsPerOrder": 0}, feats
    config = http("GET", "/public/tenant-config", headers=tenant_headers(FEAT)).json()
    assert "guest_checkout" not in config["features"] and "catalog" in config["features"], config

    assert_problem(http("GET", "/api/catalog/products", headers=tenant_headers(CAT)), 403)
    assert "catalog" not in http("GET", "/public/tenant-config", headers=tenant_headers(CAT)).json()["features"]


def test_patch_reverts_answer_the_new_store():
    body = SA.patch_ok(PATCHED, {"status": "Ready"})
    assert body["status"] == "Ready" and ecom.tenant_status(PATCHED) == "Ready", body

    body = SA.patch_ok(PLAN, {"planCode": "BASIC"})
    assert body["planCode"] == "BASIC" and body["plan"] == "Basic", body
    assert body["limits"] == PLAN_LIMITS["BASIC"] and body["features"]["push"] is False, body

    # null removes one override, the others stay
    body = SA.patch_ok(FEAT, {"features": {"guestCheckout": None}, "limits": {"maxProductsPerOrder": None}})
    assert body["features"]["guestCheckout"] is True, body
    assert body["overrides"] == {"features": {}, "limits": {"maxCartItems": 5}}, body["overrides"]
    assert body["limits"] == {"maxCartItems": 5, "maxProductsPerOrder": 50}, body
    body = SA.patch_ok(FEAT, {"limits": {"maxCartItems": None}})
    assert body["overrides"] == {"features": {}, "limits": {}} and body["limits"] == PLAN_LIMITS["PREMIUM"], body

    body = SA.patch_ok(CAT, {"features": {"catalog": None}})
    assert body["overrides"]["features"] == {"push": True}, body["overrides"]
    body = SA.patch_ok(CAT, {"features": {"push": None}})
    assert body["overrides"]["features"] == {}, body["overrides"]
    assert body["features"] == {ecom.camel(f): f != "push" for f in ALL_FEATURES}, body


def test_patch_reverts_are_enforced_after_the_cache_ttl():
    ecom.wait_tenant_cache()
    for path in ("/public/tenant-config", "/api/features", "/api/catalog/products"):
        assert http("GET", path, headers=tenant_headers(PATCHED)).status == 200, path
    assert api_features(PLAN)["limits"] == PLAN_LIMITS["BASIC"]
    feats = api_features(FEAT)
    assert feats["features"]["guestCheckout"] is True and feats["limits"] == PLAN_LIMITS["PREMIUM"], feats
    assert "guest_checkout" in http("GET", "/public/tenant-config", headers=tenant_headers(FEAT)).json()["features"]
    resp = http("GET", "/api/catalog/products", headers=tenant_headers(CAT))
    assert resp.status == 200 and resp.json()["items"], resp


def test_patch_limit_override_survives_a_plan_change():
    slug = PLAN
    body = SA.patch_ok(slug, {"limits": {"maxCartItems": 7}})
    assert body["limits"] == {"maxCartItems": 7, "maxProductsPerOrder": 10}, body
    body = SA.patch_ok(slug, {"planCode": "ENTERPRISE"})
    assert body["limits"] == {"maxCartItems": 7, "maxProductsPerOrder": 200}, body
    assert body["overrides"]["limits"] == {"maxCartItems": 7}, body
    body = SA.patch_ok(slug, {"planCode": "PREMIUM", "limits": {"maxCartItems": None}})
    assert body["limits"] == PLAN_LIMITS["PREMIUM"] and body["overrides"]["limits"] == {}, body
    assert SA.get_store(slug) == body


def test_patch_same_status_again_is_200():
    body = SA.patch_ok(PLAN, {"status": "Ready"})
    assert body["status"] == "Ready", body


def test_patch_invalid_values_are_400():
    slug = PATCHED
    before = SA.get_store(slug)
    cases = [({"status": "Deleted"}, "status"), ({"status": 1}, "status"),
             ({"status": "Failed"}, "status"),
             ({"features": {"teleport": True}}, "features"), ({"features": {"guestCheckout": "no"}}, "features"),
             ({"features": []}, "features"),
             ({"limits": {"maxCartItems": -1}}, "limits"), ({"limits": {"maxCartItems": "5"}}, "limits"),
             ({"limits": {"maxCartItems": 1.5}}, "limits"), ({"limits": {"maxWidgets": 3}}, "limits"),
             ({"limits": 5}, "limits"), ({"planCode": "GOLD"}, "planCode"), ({"planCode": 3}, "planCode")]
    for body, field in cases:
        resp = SA.patch(slug, body)
        try:
            ecom.assert_validation(resp, field)
        except AssertionError as exc:
            raise AssertionError(f"PATCH {body}: {exc}")
    # one bad field rejects the whole request: nothing of it is applied
    ecom.assert_validation(SA.patch(slug, {"status": "Suspended", "planCode": "BASIC",
                                   "limits": {"maxCartItems": -1}}), "limits")
    assert SA.get_store(slug) == before, "a rejected PATCH changed the store"
    assert ecom.tenant_status(slug) == "Ready"


def test_patch_limits_out_of_any_integer_range_are_400():
    # Values no integer type holds (or not integers at all) are refused before any conversion.
    slug = PATCHED
    before = SA.get_store(slug)
    for value in ("1e400", "-1e400", "1e19", "-1e19", "9223372036854775808", "-9223372036854775809",
                  "18446744073709551616", "1e308", "2.5", "1000000000.5", "1000000001", "-1", "-0.5"):
        for limit in ("maxCartItems", "maxProductsPerOrder"):
            resp = SA("PATCH", f"{TENANTS}/{slug}", raw_body='{"limits": {"%s": %s}}' % (limit, value),
                      headers={"Content-Type": "application/json"})
            try:
                ecom.assert_validation(resp, "limits")
            except AssertionError as exc:
                raise AssertionError(f"limits {limit}={value}: {exc}")
    assert SA.get_store(slug) == before, "a rejected PATCH changed the store"
    # The bounds themselves are accepted (1e9 written as an exponent too), then removed again.
    body = SA.patch_ok(slug, {"limits": {"maxCartItems": 0}})
    assert body["overrides"]["limits"] == {"maxCartItems": 0}, body
    resp = SA("PATCH", f"{TENANTS}/{slug}", raw_body='{"limits": {"maxCartItems": 1e9}}',
              headers={"Content-Type": "application/json"})
    assert resp.status == 200 and resp.json()["overrides"]["limits"] == {"maxCartItems": 1000000000}, resp
    SA.patch_ok(slug, {"limits": {"maxCartItems": None}})
    assert SA.get_store(slug) == before


def test_patch_bad_bodies():
    slug = PATCHED
    assert_problem(SA("PATCH", f"{TENANTS}/{slug}", raw_body="{", headers={"Content-Type": "application/json"}), 400)
    assert_problem(SA("PATCH", f"{TENANTS}/{slug}", raw_body="[]", headers={"Content-Type": "application/json"}), 400)
    assert_problem(SA("PATCH", f"{TENANTS}/{slug}", raw_body='{"status":"Suspended"}',
                      headers={"Content-Type": "text/plain"}), 415)
    assert ecom.tenant_status(slug) == "Ready"


def test_patch_unknown_store_is_404():
    assert_problem(SA.patch(ecom.unique_slug("none"), {"status": "Suspended"}), 404)


def test_suspending_a_failed_store_is_409():
    slug = ecom.new_store("BASIC")
    ecom.set_tenant_status(slug, "Failed")
    try:
        assert_problem(SA.patch(slug, {"status": "Suspended"}), 409)
        assert ecom.tenant_status(slug) == "Failed"
        assert_problem(SA.patch(slug, {"status": "Ready"}), 409)
        assert ecom.tenant_status(slug) == "Failed"
    finally:
        ecom.set_tenant_status(slug, "Ready")
    pending = ecom.unique_slug("pend")
    ecom.provision_init(pending, plan="Basic")
    assert_problem(SA.patch(pending, {"status": "Suspended"}), 409)
    assert ecom.tenant_status(pending) == "PendingConfirmation"
