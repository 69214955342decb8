"""Document §1 / CONTRACT §3: init → confirm → status over HTTP, validation, slug reuse."""

import os
import random
import string
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, q, sql  # noqa: E402

INIT = "/provision/tenants/init"
CONFIRM = "/provision/tenants/confirm"
STEPS = ["CreateDatabase", "ApplyMigrations", "SeedData"]

FLOW = {}   # the store taken through the whole flow: slug, id, token


# what ecom.tenant_row() reads of a store's row in tenants
TENANT_COLUMNS = ("id, name, plan_code, status, admin_email, "
                  "confirm_expires_at > UTC_TIMESTAMP() + INTERVAL 14 MINUTE, "
                  "confirm_expires_at < UTC_TIMESTAMP() + INTERVAL 16 MINUTE")


def post_init(body):
    return http("POST", INIT, body=body)


def check_pending_status(body):
    assert body["status"] == "Pending", body
    assert body["tenantSlug"] is None and body["dbName"] is None, body
    assert [s["step"] for s in body["steps"]] == STEPS, body
    for s in body["steps"]:
        assert s["status"] == "Pending", s
        for key in ("startedAt", "completedAt", "log", "errorMessage"):
            assert key in s and s[key] is None, (key, s)


def check_ready_status(body, slug):
    assert body["status"] == "Ready", body
    assert body["tenantSlug"] == slug, body
    assert body["dbName"] == ecom.schema_of(slug), body
    assert [s["step"] for s in body["steps"]] == STEPS, body
    for s in body["steps"]:
        assert s["status"] == "Success", s
        ecom.assert_iso_utc(s["startedAt"], "startedAt")
        ecom.assert_iso_utc(s["completedAt"], "completedAt")
        assert s["startedAt"] <= s["completedAt"], s
        assert isinstance(s["log"], str) and s["log"], s
        assert s["errorMessage"] is None, s


# --------------------------------------------------------------------------- init

def test_init_returns_id_and_confirm_token():
    slug = ecom.unique_slug("flow")
    resp = post_init({"slug": slug, "name": "Flow Store", "plan": "Premium"})
    assert resp.status == 200, resp
    ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip()
    assert ctype == "application/json", resp.headers
    body = resp.json()
    assert set(body) >= {"provisioningId", "confirmToken", "next", "message"}, body
    assert ecom.UUID_V4_RE.match(body["provisioningId"]), body
    assert body["next"] == "/provision/tenants/confirm", body
    assert isinstance(body["message"], str) and body["message"], body
    header, claims = ecom.jwt_decode(body["confirmToken"])
    assert header.get("alg") == "HS256" and header.get("typ") == "JWT", header
    assert claims.get("sub") == body["provisioningId"], claims
    assert claims.get("slug") == slug and claims.get("typ") == "provision-confirm", claims
    assert isinstance(claims.get("iat"), int) and claims.get("exp") == claims["iat"] + 900, claims
    assert isinstance(claims.get("jti"), str) and claims["jti"], claims
    row = ecom.tenant_row(slug, TENANT_COLUMNS)
    assert row is not None, "no tenant row after init"
    tid, name, plan, status, _, exp_lo, exp_hi = row
    assert (tid, name, plan, status) == (body["provisioningId"], "Flow Store", "PREMIUM",
                                        "PendingConfirmation"), row
    assert exp_lo == "1" and exp_hi == "1", f"confirm_expires_at is not now + 15 min: {row}"
    FLOW.update(slug=slug, id=body["provisioningId"], token=body["confirmToken"])


def test_confirm_token_signed_with_confirm_secret():
    assert ecom.jwt_verify(FLOW["token"], ecom.token_secret("confirm")), \
        "the confirm token does not verify with ECOM_CONFIRM_TOKEN_SECRET (HMAC-SHA256)"


def test_status_before_confirm_is_pending():
    resp = ecom.provision_status(FLOW["id"])
    assert resp.status == 200, resp
    check_pending_status(resp.json())


def test_pending_store_is_not_served():
    FLOW["pending_seen"] = time.monotonic()
    body = assert_problem(http("GET", "/api/features", headers={"X-Tenant-Slug": FLOW["slug"]}), 409)
    assert body["title"] == "Tenant not ready", body


def test_init_plan_is_case_insensitive():
    for plan, code in (("premium", "PREMIUM"), ("BASIC", "BASIC"), ("eNtErPrIsE", "ENTERPRISE"),
                       ("Basic", "BASIC")):
        slug = ecom.unique_slug("plan")
        resp = post_init({"slug": slug, "name": "Plan case", "plan": plan})
        assert resp.status == 200, (plan, resp)
        assert ecom.tenant_row(slug, TENANT_COLUMNS)[2] == code, (plan, ecom.tenant_row(slug, TENANT_COLUMNS))


def test_init_with_admin_email_is_recorded():
    slug = ecom.unique_slug("mail")
    resp = post_init({"slug": slug, "name": "Mail", "plan": "Basic", "adminEmail": "owner@example.com"})
    assert resp.status == 200, resp
    assert ecom.tenant_row(slug, TENANT_COLUMNS)[4] == "owner@example.com", ecom.tenant_row(slug, TENANT_COLUMNS)


def test_init_boundaries_are_accepted():
    three = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(3))
    for slug in (three, "b" + uuid.uuid4().hex + "-" + "c" * 29):
        assert 3 <= len(slug) <= 63, slug
        resp = post_init({"slug": slug, "name": "x" * 200, "plan": "Basic"})
        assert resp.status == 200, (slug, resp)
    # the name is trimmed and may hold any Unicode
    slug = ecom.unique_slug("uni")
    resp = post_init({"slug": slug, "name": "  Café Ünïcode 🛒  ", "plan": "Basic"})
    assert resp.status == 200, resp
    # compared as hex: the mariadb CLI's default client charset (utf8mb3) cannot show the emoji
    stored = ecom.sql_value(f"SELECT HEX(name) FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())
    assert bytes.fromhex(stored).decode("utf-8") == "Café Ünïcode 🛒", stored


def test_init_invalid_slug_is_400():
    bad = ["Bad-Slug", "bad slug", "a_b_c", "-abc", "abc-", "a--b", "ab", "x" * 64, "admin", "api",
           "superadmin", "provision", "", "café", "a.b.c"]
    for slug in bad:
        resp = post_init({"slug": slug, "name": "Bad", "plan": "Premium"})
        ecom.assert_validation(resp, "slug")
        if slug:
            assert ecom.tenant_row(slug, TENANT_COLUMNS) is None, f"tenant row created for {slug!r}"


def test_init_invalid_name_is_400():
    for name in ("", "   ", "x" * 201, "\t\n"):
        slug = ecom.unique_slug("name")
        ecom.assert_validation(post_init({"slug": slug, "name": name, "plan": "Premium"}), "name")
        assert ecom.tenant_row(slug, TENANT_COLUMNS) is None


def test_init_unknown_plan_is_400():
    for plan in ("Gold", "", "PREMIUM ", "Premium-Plus"):
        slug = ecom.unique_slug("plan")
        ecom.assert_validation(post_init({"slug": slug, "name": "P", "plan": plan}), "plan")
        assert ecom.tenant_row(slug, TENANT_COLUMNS) is None


def test_init_invalid_admin_email_is_400():
    for email in ("not-an-email", "a@", "@example.com", "a b@example.com", "", 5):
        slug = ecom.unique_slug("mail")
        resp = post_init({"slug": slug, "name": "M", "plan": "Basic", "adminEmail": email})
        ecom.assert_validation(resp, "adminEmail")
        assert ecom.tenant_row(slug, TENANT_COLUMNS) is None


def test_init_missing_fields_are_400():
    slug = ecom.unique_slug("miss")
    ecom.assert_validation(post_init({}), "slug", "name", "plan")
    ecom.assert_validation(post_init({"name": "N", "plan": "Basic"}), "slug")
    ecom.assert_validation(post_init({"slug": slug, "plan": "Basic"}), "name")
    ecom.assert_validation(post_init({"slug": slug, "name": "N"}), "plan")
    ecom.assert_validation(post_init({"slug": None, "name": "N", "plan": "Basic"}), "slug")
    assert ecom.tenant_row(slug, TENANT_COLUMNS) is None


def test_init_wrong_json_types_are_400():
    slug = ecom.unique_slug("type")
    cases = [({"slug": 5, "name": "N", "plan": "Basic"}, "slug"),
             ({"slug": ["a"], "name": "N", "plan": "Basic"}, "slug"),
             ({"slug": slug, "name": 12, "plan": "Basic"}, "name"),
             ({"slug": slug, "name": {"x": 1}, "plan": "Basic"}, "name"),
             ({"slug": slug, "name": "N", "plan": True}, "plan"),
             ({"slug": slug, "name": "N", "plan": 1}, "plan")]
    for body, field in cases:
        ecom.assert_validation(post_init(body), field)
    assert ecom.tenant_row(slug, TENANT_COLUMNS) is None


def test_init_body_not_an_object_is_400():
    for raw in ("[]", '"slug"', "42", "null"):
        assert_problem(http("POST", INIT, raw_body=raw, headers={"Content-Type": "application/json"}), 400)


def test_init_malformed_json_is_400():
    for raw in ('{"slug": ', "{slug: 'x'}", '{"slug":"abc","name":"n","plan":"Basic"', "", "\xff\xfe"):
        resp = http("POST", INIT, raw_body=raw.encode("latin-1"), headers={"Content-Type": "application/json"})
        assert_problem(resp, 400)


def test_init_non_json_content_type_is_415():
    raw = '{"slug": "%s", "name": "N", "plan": "Basic"}' % ecom.unique_slug("ct")
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        assert_problem(http("POST", INIT, raw_body=raw, headers={"Content-Type": ctype}), 415)
    # no Content-Type at all, with a body
    assert_problem(http("POST", INIT, raw_body=raw), 415)


def test_init_json_with_charset_is_accepted():
    slug = ecom.unique_slug("cs")
    raw = '{"slug": "%s", "name": "N", "plan": "Basic"}' % slug
    resp = http("POST", INIT, raw_body=raw, headers={"Content-Type": "application/json; charset=utf-8"})
    assert resp.status == 200, resp


def test_wrong_methods_are_405():
    for method, path in (("GET", INIT), ("PUT", INIT), ("GET", CONFIRM),
                         ("POST", f"/provision/tenants/{FLOW['id']}/status")):
        resp = http(method, path)
        assert_problem(resp, 405)
        assert resp.headers.get("Allow"), resp.headers


# --------------------------------------------------------------------------- slug taken

def test_slug_of_ready_store_is_409():
    slug = ecom.new_store("BASIC")
    body = assert_problem(post_init({"slug": slug, "name": "Again", "plan": "Basic"}), 409)
    assert body["detail"], body
    assert ecom.tenant_status(slug) == "Ready"
    demo = sql("SELECT slug FROM tenants WHERE status = 'Ready' LIMIT 1", db=ecom.control_db())[0][0]
    assert_problem(post_init({"slug": demo, "name": "Again", "plan": "Premium"}), 409)


def test_slug_of_unexpired_pending_init_is_409():
    assert_problem(post_init({"slug": FLOW["slug"], "name": "Again", "plan": "Basic"}), 409)
    # the first init is unharmed
    assert ecom.tenant_row(FLOW["slug"], TENANT_COLUMNS)[0] == FLOW["id"]


def test_expired_pending_init_releases_the_slug():
    slug = ecom.unique_slug("exp")
    first = ecom.provision_init(slug, plan="Basic")
    sql("UPDATE tenants SET confirm_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE "
        f"WHERE slug = {q(slug)}", db=ecom.control_db())
    resp = post_init({"slug": slug, "name": "Second", "plan": "Premium"})
    assert resp.status == 200, resp
    second = resp.json()
    assert second["provisioningId"] != first["provisioningId"], (first, second)
    assert ecom.provision_status(first["provisioningId"]).status == 404
    assert_problem(ecom.provision_status(first["provisioningId"]), 404)
    status = ecom.provision_status(second["provisioningId"])
    assert status.status == 200, status
    check_pending_status(status.json())
    row = ecom.tenant_row(slug, TENANT_COLUMNS)
    assert row[0] == second["provisioningId"] and row[1] == "Second" and row[2] == "PREMIUM", row
    # the first token's tenant is gone: correctly signed, unknown provisioningId -> 404
    assert_problem(http("POST", CONFIRM, headers=ecom.bearer(first["confirmToken"])), 404)
    # the new init confirms normally
    assert ecom.provision_confirm(second["confirmToken"])["provisioningId"] == second["provisioningId"]


# --------------------------------------------------------------------------- confirm + status

def test_confirm_queues_the_store():
    resp = http("POST", CONFIRM, headers=ecom.bearer(FLOW["token"]))
    assert resp.status == 200, resp
    body = resp.json()
    assert body.get("provisioningId") == FLOW["id"], body
    assert body.get("status") == "QUEUED", body
    assert isinstance(body.get("message"), str) and body["message"], body
    assert body.get("statusEndpoint") == f"/provision/tenants/{FLOW['id']}/status", body
    jobs = sql(f"SELECT status FROM provisioning_jobs WHERE tenant_id = {q(FLOW['id'])}",
               db=ecom.control_db())
    assert len(jobs) == 1, f"expected one provisioning job, got {jobs}"
    # the stack's provisioner loop may already have taken it
    assert ecom.tenant_status(FLOW["slug"]) in ("Queued", "Provisioning", "Ready"), \
        ecom.tenant_status(FLOW["slug"])


def test_confirm_twice_is_400():
    body = assert_problem(http("POST", CONFIRM, headers=ecom.bearer(FLOW["token"])), 400)
    assert body["detail"], body
    jobs = sql(f"SELECT COUNT(*) FROM provisioning_jobs WHERE tenant_id = {q(FLOW['id'])}",
               db=ecom.control_db())
    assert jobs[0][0] == "1", f"a second confirm queued another job: {jobs}"


def test_status_reaches_ready_with_steps():
    body = ecom.wait_status(FLOW["id"], timeout=15)
    check_ready_status(body, FLOW["slug"])
    assert ecom.tenant_status(FLOW["slug"]) == "Ready"


def test_ready_store_serves_its_catalog():
    # test_pending_store_is_not_served made a worker cache the store as pending: let that expire
    time.sleep(max(0.0, FLOW["pending_seen"] + ecom.TENANT_CACHE_WAIT - time.monotonic()))
    resp = http("GET", "/api/catalog/products", headers={"X-Tenant-Slug": FLOW["slug"]})
    assert resp.status == 200, resp
    assert resp.json()["items"], resp
    resp = http("GET", "/public/tenant-config", headers={"X-Tenant-Slug": FLOW["slug"]})
    assert resp.status == 200, resp
    assert resp.json()["name"] == "Flow Store", resp


def test_slug_of_provisioned_store_is_409():
    assert_problem(post_init({"slug": FLOW["slug"], "name": "Again", "plan": "Basic"}), 409)


def test_status_of_unknown_or_malformed_id_is_404():
    for pid in (str(uuid.uuid4()), "abc", "00000000-0000-0000-0000-000000000000",
                FLOW["id"] + "0", FLOW["id"][:-1], FLOW["id"].replace("-", "")):
        assert_problem(ecom.provision_status(pid), 404)
    # percent-encoded ids: only the status and the problem type (instance may be decoded or not)
    for encoded in ("%27%20OR%201%3D1%20--", "%20" + FLOW["id"]):
        resp = ecom.provision_status(encoded)
        assert resp.status == 404, resp
        assert resp.headers.get("Content-Type", "").startswith("application/problem+json"), resp.headers


def test_status_is_json():
    resp = ecom.provision_status(FLOW["id"])
    ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip()
    assert resp.status == 200 and ctype == "application/json", resp


# --------------------------------------------------------------------------- races

def test_concurrent_inits_of_one_slug_exactly_one_wins():
    from concurrent.futures import ThreadPoolExecutor
    slug = ecom.unique_slug("race")
    body = {"slug": slug, "name": "Race", "plan": "Basic"}
    with ThreadPoolExecutor(max_workers=6) as pool:
        resps = list(pool.map(lambda _: post_init(body), range(6)))
    codes = sorted(r.status for r in resps)
    assert codes == [200] + [409] * 5, resps
    winner = [r for r in resps if r.status == 200][0].json()
    assert ecom.tenant_row(slug, TENANT_COLUMNS)[0] == winner["provisioningId"]


def test_concurrent_confirms_of_one_token_queue_one_job():
    from concurrent.futures import ThreadPoolExecutor
    slug = ecom.unique_slug("race")
    init = ecom.provision_init(slug, plan="Basic")
    with ThreadPoolExecutor(max_workers=6) as pool:
        resps = list(pool.map(lambda _: http("POST", CONFIRM, headers=ecom.bearer(init["confirmToken"])),
                              range(6)))
    codes = sorted(r.status for r in resps)
    assert codes == [200] + [400] * 5, resps
    jobs = sql(f"SELECT COUNT(*) FROM provisioning_jobs WHERE tenant_id = {q(init['provisioningId'])}",
               db=ecom.control_db())
    assert jobs[0][0] == "1", f"{jobs[0][0]} jobs queued by concurrent confirms"


def test_concurrent_inits_of_an_expired_slug_exactly_one_wins():
    from concurrent.futures import ThreadPoolExecutor
    slug = ecom.unique_slug("race")
    old = ecom.provision_init(slug, plan="Basic")
    sql("UPDATE tenants SET confirm_expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE "
        f"WHERE slug = {q(slug)}", db=ecom.control_db())
    body = {"slug": slug, "name": "Race", "plan": "Premium"}
    with ThreadPoolExecutor(max_workers=6) as pool:
        resps = list(pool.map(lambda _: post_init(body), range(6)))
    assert sorted(r.status for r in resps) == [200] + [409] * 5, resps
    winner = [r for r in resps if r.status == 200][0].json()
    rows = sql(f"SELECT id FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())
    assert rows == [[winner["provisioningId"]]], rows
    assert ecom.provision_status(old["provisioningId"]).status == 404
