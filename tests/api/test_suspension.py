"""Suspension is the super admin's decision, which nothing but PATCH status undoes: not a repair,
not a failed step followed by a repair, not a provisioning job run again after its lease. And a
repair never revives an expired admin activation token."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, q, sql, tenant_headers  # noqa: E402

TENANTS = "/superadmin/tenants"
SA = None   # requests with a minted super-admin token
BROKEN_DIR = None


def setup_module():
    global SA, BROKEN_DIR
    SA = ecom.SuperAdmin()
    BROKEN_DIR = os.path.join(ecom.var_dir(), "broken-migrations")
    os.makedirs(BROKEN_DIR, exist_ok=True)
    with open(os.path.join(BROKEN_DIR, "0001_broken.sql"), "w", encoding="utf-8") as fh:
        fh.write("CREATE TABLE this is not sql;\n")


def suspend(slug):
    resp = SA("PATCH", f"{TENANTS}/{slug}", {"status": "Suspended"})
    assert resp.status == 200 and resp.json()["status"] == "Suspended", resp


def assert_locked(slug):
    body = assert_problem(http("GET", "/api/features", headers=tenant_headers(slug)), 423)
    assert body["title"] == "Tenant locked", body
    assert ecom.tenant_status(slug) == "Suspended"
    assert SA("GET", f"{TENANTS}/{slug}").json()["status"] == "Suspended"


def test_repair_keeps_a_suspension():
    slug = ecom.new_store("BASIC")
    suspend(slug)
    resp = SA("POST", f"{TENANTS}/repair", {"tenant": slug})
    assert resp.status == 200, resp
    assert resp.json()["status"] == "Suspended", resp
    assert_locked(slug)
    proc = ecom.provision("repair", slug)
    assert proc.returncode == 0, ecom.describe(proc)
    assert_locked(slug)


def test_failed_step_then_repair_keeps_a_suspension():
    slug = ecom.new_store("BASIC")
    suspend(slug)
    proc = ecom.provision("repair", slug, env={"ECOM_PATHS_TENANT_MIGRATIONS": BROKEN_DIR})
    assert proc.returncode == 1, ecom.describe(proc)
    # the failure is recorded, and the store stays suspended
    assert sql(f"SELECT status, suspended FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db()) == \
        [["Failed", "1"]]
    assert_locked(slug)
    proc = ecom.provision("repair", slug)
    assert proc.returncode == 0, ecom.describe(proc)
    assert sql(f"SELECT status, suspended FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db()) == \
        [["Ready", "1"]]
    assert_locked(slug)


def test_a_job_run_again_keeps_a_suspension():
    ecom.stop_provision_loop()
    try:
        slug, pid = ecom.init_and_confirm(plan="Basic")
        assert ecom.provision("run").returncode == 0
        suspend(slug)
        # the job comes back, as after a runner that died with its lease expired
        sql(f"UPDATE provisioning_jobs SET status = 'Running', lease_owner = 'dead', "
            f"lease_until = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE tenant_id = {q(pid)}", db=ecom.control_db())
        proc = ecom.provision("run", "--json")
        assert proc.returncode == 0 and '"provisioned":1' in proc.stdout, ecom.describe(proc)
        assert_locked(slug)
    finally:
        ecom.start_provision_loop()


def test_resume_lifts_the_suspension_only():
    slug = ecom.new_store("BASIC")
    suspend(slug)
    resp = SA("PATCH", f"{TENANTS}/{slug}", {"status": "Ready"})
    assert resp.status == 200 and resp.json()["status"] == "Ready", resp
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200
    # a suspended store whose last repair failed comes back Failed, not Ready
    suspend(slug)
    sql(f"UPDATE tenants SET status = 'Failed' WHERE slug = {q(slug)}", db=ecom.control_db())
    resp = SA("PATCH", f"{TENANTS}/{slug}", {"status": "Ready"})
    assert resp.status == 200 and resp.json()["status"] == "Failed", resp
    body = assert_problem(http("GET", "/api/features", headers=tenant_headers(slug)), 409)
    assert body["title"] == "Tenant not ready", body
    # ...and a Failed store cannot be suspended
    assert_problem(SA("PATCH", f"{TENANTS}/{slug}", {"status": "Suspended"}), 409)


def activate(slug, token):
    return http("POST", "/api/auth/activate-account", headers=tenant_headers(slug),
                body={"token": token, "password": "a good password", "confirmPassword": "a good password"})


def signup_with_admin():
    slug = ecom.unique_slug("adm")
    init = ecom.provision_init(slug, plan="Basic", admin_email=f"boss@{slug}.example")
    ecom.provision_confirm(init["confirmToken"])
    return slug, init


def test_repair_does_not_revive_an_expired_activation_token():
    ecom.stop_provision_loop()
    try:
        slug, init = signup_with_admin()
        assert ecom.provision("run").returncode == 0
    finally:
        ecom.start_provision_loop()
    schema = ecom.schema_of(slug)
    sql("UPDATE accounts SET activation_expires_at = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE role = 'admin'", db=schema)
    expired = sql("SELECT activation_expires_at FROM accounts WHERE role = 'admin'", db=schema)
    resp = SA("POST", f"{TENANTS}/repair", {"tenant": slug})
    assert resp.status == 200, resp
    assert sql("SELECT activation_expires_at FROM accounts WHERE role = 'admin'", db=schema) == expired
    body = assert_problem(activate(slug, init["adminActivationToken"]), 400)
    assert "expired" in body["detail"].lower(), body
    # an operator issues a new token
    proc = ecom.provision("admin", "create", slug, f"boss@{slug}.example")
    assert proc.returncode == 0, ecom.describe(proc)
    assert activate(slug, proc.stdout.strip()).status == 200


def test_a_store_built_late_keeps_its_admin_tokens_48_hours_from_sign_up():
    ecom.stop_provision_loop()
    try:
        slug, init = signup_with_admin()
        # the sign-up was three days ago; the store is built only now
        sql(f"UPDATE tenants SET created_at = created_at - INTERVAL 3 DAY WHERE slug = {q(slug)}",
            db=ecom.control_db())
        assert ecom.provision("run").returncode == 0
    finally:
        ecom.start_provision_loop()
    body = assert_problem(activate(slug, init["adminActivationToken"]), 400)
    assert "expired" in body["detail"].lower(), body
