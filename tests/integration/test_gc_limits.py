"""`ecom-provision gc` and the limits: failed-login rows past their 15 minutes, place-order attempts
past their hour and sign-up limit rows past their hour are deleted (recent ones stay), and the stores
made by sign-up that nobody took over (admin never activated) past provisioning.unactivated_signup_days
are listed for an operator, not touched."""

import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import q  # noqa: E402


def gc_json(env=None):
    proc = ecom.provision("--json", "gc", env=env)
    assert proc.returncode == 0, ecom.describe(proc)
    return json.loads(proc.stdout)


def test_gc_removes_limit_records_past_their_window_only():
    store = ecom.new_store("BASIC")
    schema = ecom.schema_of(store)
    old, fresh = f"old.{uuid.uuid4().hex[:8]}@example.com", f"new.{uuid.uuid4().hex[:8]}@example.com"
    ecom.sql("INSERT INTO login_failures (email, failed_at) VALUES "
             f"({q(old)}, UTC_TIMESTAMP(3) - INTERVAL 16 MINUTE), ({q(fresh)}, UTC_TIMESTAMP(3) - INTERVAL 14 MINUTE)",
             db=schema)
    tag = "gc-" + uuid.uuid4().hex[:8]
    ecom.sql("INSERT INTO signup_events (kind, client, created_at) VALUES "
             f"('init', {q(tag + '-old')}, UTC_TIMESTAMP(3) - INTERVAL 61 MINUTE), "
             f"('confirm', {q(tag + '-old')}, UTC_TIMESTAMP(3) - INTERVAL 2 HOUR), "
             f"('init', {q(tag + '-new')}, UTC_TIMESTAMP(3) - INTERVAL 59 MINUTE)", db=ecom.control_db())

    out = gc_json()
    assert out["oldLoginFailures"] >= 1 and out["oldSignupEvents"] >= 2, out
    emails = {r[0] for r in ecom.sql("SELECT email FROM login_failures", db=schema)}
    assert old not in emails and fresh in emails, emails
    clients = [r[0] for r in ecom.sql(f"SELECT client FROM signup_events WHERE client LIKE {q(tag + '%')}",
                                      db=ecom.control_db())]
    assert clients == [tag + "-new"], clients


def signup(admin_email=None):
    """A store made by sign-up through the stack, Ready: (slug, init body)."""
    slug = ecom.unique_slug("gs")
    init = ecom.provision_init(slug, plan="Basic", admin_email=admin_email)
    ecom.provision_confirm(init["confirmToken"])
    ecom.wait_status(init["provisioningId"])
    return slug, init


def backdate(slug, days):
    ecom.sql(f"UPDATE tenants SET created_at = UTC_TIMESTAMP() - INTERVAL {int(days)} DAY WHERE slug = {q(slug)}",
             db=ecom.control_db())


def test_gc_lists_old_sign_ups_whose_admin_never_activated():
    never, _ = signup(acc.new_email("never"))
    took_over, init = signup(acc.new_email("boss"))
    no_admin, _ = signup()
    recent, _ = signup(acc.new_email("recent"))
    by_operator = ecom.new_store("BASIC")
    resp = ecom.http("POST", acc.ACTIVATE, headers={"X-Tenant-Slug": took_over},
                     body={"token": init["adminActivationToken"], "password": acc.PASSWORD,
                           "confirmPassword": acc.PASSWORD})
    assert resp.status == 200, resp
    for slug in (never, took_over, no_admin, by_operator):
        backdate(slug, 15)

    out = gc_json()
    assert out["unactivatedSignupDays"] == 14, out
    listed = {s["slug"]: s for s in out["unactivatedSignups"]}
    assert never in listed and no_admin in listed, out
    assert took_over not in listed and recent not in listed and by_operator not in listed, out
    entry = listed[never]
    assert entry["status"] == "Ready" and entry["id"] == ecom.tenant_id(never), entry
    assert entry["adminEmail"].startswith("never.") and listed[no_admin]["adminEmail"] is None, out
    assert entry["signupClient"] and ecom.ISO_UTC_RE.match(entry["createdAt"]), entry
    # Listed, not touched.
    assert ecom.tenant_status(never) == "Ready"

    # The age is configurable; a suspended store is still listed.
    assert never not in {s["slug"] for s in gc_json({"ECOM_PROVISIONING_UNACTIVATED_SIGNUP_DAYS": "20"})
                         ["unactivatedSignups"]}
    ecom.set_tenant_status(never, "Suspended")
    try:
        assert never in {s["slug"] for s in gc_json()["unactivatedSignups"]}
    finally:
        ecom.set_tenant_status(never, "Ready")  # later tests count the Ready and Suspended stores

    text = ecom.provision("gc")
    assert text.returncode == 0 and never in text.stdout and took_over not in text.stdout, ecom.describe(text)
