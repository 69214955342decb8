"""CONTRACT §2: tenant resolution on /public/* and /api/* (409 / 423), /health without tenant."""

import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, tenant_headers  # noqa: E402

TENANT_PATHS = ["/public/tenant-config", "/api/features", "/api/catalog/products",
                "/api/catalog/categories"]
NOT_READY = ["Queued", "Provisioning", "Failed", "PendingConfirmation"]

READY_STORE = None
STATUS_STORES = {}  # status -> slug


def setup_module():
    global READY_STORE
    READY_STORE = ecom.new_store("PREMIUM")
    for status in NOT_READY + ["Suspended"]:
        STATUS_STORES[status] = ecom.new_store("PREMIUM")


def teardown_module():
    for slug in STATUS_STORES.values():
        ecom.set_tenant_status(slug, "Ready")


def test_ready_store_is_served():
    for path in TENANT_PATHS:
        resp = http("GET", path, headers=tenant_headers(READY_STORE))
        assert resp.status == 200, resp


def test_missing_tenant_header_is_409_not_resolved():
    for path in TENANT_PATHS + ["/api/catalog/products/%s" % "00000000-0000-4000-8000-000000000000"]:
        body = assert_problem(http("GET", path), 409)
        assert body["title"] == "Tenant not resolved", body


def test_unknown_tenant_is_409_not_resolved():
    for slug in ["no-such-store-" + uuid.uuid4().hex[:6], "zzz", "UPPER-Case", "bad slug!", "a" * 200,
                 "admin", "'; DROP TABLE tenants; --"]:
        for path in TENANT_PATHS:
            body = assert_problem(http("GET", path, headers={"X-Tenant-Slug": slug}), 409)
            assert body["title"] == "Tenant not resolved", (slug, body)


def test_empty_tenant_header_is_409_not_resolved():
    body = assert_problem(http("GET", "/api/features", headers={"X-Tenant-Slug": ""}), 409)
    assert body["title"] == "Tenant not resolved", body


def test_schema_name_is_not_a_tenant_slug():
    # The schema name (underscores) must not resolve to the store.
    body = assert_problem(http("GET", "/api/features",
                               headers={"X-Tenant-Slug": ecom.schema_of(READY_STORE)}), 409)
    assert body["title"] == "Tenant not resolved"


def test_not_ready_and_suspended_statuses():
    for status, slug in STATUS_STORES.items():
        ecom.set_tenant_status(slug, status)
    ecom.wait_tenant_cache()
    try:
        for status, slug in STATUS_STORES.items():
            for path in TENANT_PATHS:
                resp = http("GET", path, headers=tenant_headers(slug))
                if status == "Suspended":
                    body = assert_problem(resp, 423)
                    assert body["title"] == "Tenant locked", (status, path, body)
                else:
                    body = assert_problem(resp, 409)
                    assert body["title"] == "Tenant not ready", (status, path, body)
            # /health never depends on the tenant
            assert http("GET", "/health", headers=tenant_headers(slug)).status == 200
    finally:
        for slug in STATUS_STORES.values():
            ecom.set_tenant_status(slug, "Ready")
    ecom.wait_tenant_cache()
    for status, slug in STATUS_STORES.items():
        for path in TENANT_PATHS:
            resp = http("GET", path, headers=tenant_headers(slug))
            assert resp.status == 200, (f"after restoring {status} -> Ready", resp)


def test_status_change_of_live_store_is_seen_after_cache_ttl():
    slug = READY_STORE
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200
    ecom.set_tenant_status(slug, "Suspended")
    try:
        ecom.wait_tenant_cache_ttl()
        body = assert_problem(http("GET", "/api/features", headers=tenant_headers(slug)), 423)
        assert body["title"] == "Tenant locked"
    finally:
        ecom.set_tenant_status(slug, "Ready")
    ecom.wait_tenant_cache()
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200



def test_unknown_slug_resolves_once_created_after_cache_ttl():
    slug = ecom.unique_slug("late")
    body = assert_problem(http("GET", "/api/features", headers=tenant_headers(slug)), 409)
    assert body["title"] == "Tenant not resolved"
    ecom.new_store("BASIC", slug=slug)
    ecom.wait_tenant_cache()
    resp = http("GET", "/api/features", headers=tenant_headers(slug))
    assert resp.status == 200, resp
    assert resp.json()["limits"]["maxCartItems"] == 20
