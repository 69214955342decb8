"""GET /public/tenant-config, GET /api/features, plan table, overrides and enforcement (CONTRACT §4)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, tenant_headers  # noqa: E402

ALL_FEATURES = ["catalog", "cart", "checkout", "guest_checkout", "categories", "push"]
PLAN_FEATURES = {
    "BASIC": {"catalog", "cart", "checkout", "guest_checkout", "categories"},
    "PREMIUM": {"catalog", "cart", "checkout", "guest_checkout", "categories"},
    "ENTERPRISE": {"catalog", "cart", "checkout", "guest_checkout", "categories", "push"},
}
PLAN_LIMITS = {
    "BASIC": {"maxCartItems": 20, "maxProductsPerOrder": 10},
    "PREMIUM": {"maxCartItems": 100, "maxProductsPerOrder": 50},
    "ENTERPRISE": {"maxCartItems": 500, "maxProductsPerOrder": 200},
}

PLAN_STORES = {}      # plan -> (slug, name)
OVR = None            # premium store with push on, cart and guest_checkout off, maxCartItems 7
CATALOG_OFF = None    # premium store with catalog off
CATEGORIES_OFF = None  # premium store with categories off
THEME = None          # store with stored theme/seo


def expected_features(enabled):
    return {ecom.camel(code): code in enabled for code in ALL_FEATURES}


def any_active_product(slug):
    return ecom.sql_value("SELECT id FROM products WHERE is_active = 1 ORDER BY id LIMIT 1",
                          db=ecom.schema_of(slug))


def setup_module():
    global OVR, CATALOG_OFF, CATEGORIES_OFF, THEME
    for plan, name in [("BASIC", "Basic Shop & Co"), ("PREMIUM", "Premium Café Ünïcode"),
                       ("ENTERPRISE", 'Enterprise "Quoted" Store')]:
        slug = ecom.new_store(plan, name=name)
        PLAN_STORES[plan] = (slug, name)
    OVR = ecom.new_store("PREMIUM")
    CATALOG_OFF = ecom.new_store("PREMIUM")
    CATEGORIES_OFF = ecom.new_store("PREMIUM")
    THEME = ecom.new_store("PREMIUM")
    ecom.set_feature_override(OVR, "push", True)
    ecom.set_feature_override(OVR, "cart", False)
    ecom.set_feature_override(OVR, "guest_checkout", False)
    ecom.set_limit_override(OVR, "maxCartItems", 7)
    ecom.set_feature_override(CATALOG_OFF, "catalog", False)
    ecom.set_feature_override(CATEGORIES_OFF, "categories", False)
    ecom.sql("UPDATE settings SET theme = '{\"primaryColor\":\"#ff0000\",\"dark\":true}', "
             "seo = '{\"title\":\"My shop\",\"keywords\":[\"a\",\"b\"]}' WHERE id = 1",
             db=ecom.schema_of(THEME))
    ecom.wait_tenant_cache()


# --------------------------------------------------------------------------- tenant-config

def test_tenant_config_per_plan():
    for plan, (slug, name) in PLAN_STORES.items():
        body = ecom.get_json("/public/tenant-config", slug)
        assert set(body) == {"name", "slug", "theme", "seo", "features"}, body
        assert body["name"] == name, (plan, body)
        assert body["slug"] == slug, body
        assert body["theme"] == {} and body["seo"] == {}, body
        assert body["features"] == sorted(PLAN_FEATURES[plan]), (plan, body["features"])


def test_tenant_config_premium_exact_list():
    slug, _ = PLAN_STORES["PREMIUM"]
    assert ecom.get_json("/public/tenant-config", slug)["features"] == ["cart", "catalog", "categories", "checkout", "guest_checkout"]


def test_tenant_config_enterprise_adds_push():
    slug, _ = PLAN_STORES["ENTERPRISE"]
    assert ecom.get_json("/public/tenant-config", slug)["features"] == ["cart", "catalog", "categories", "checkout",
                                           "guest_checkout", "push"]


def test_tenant_config_content_type_json():
    slug, _ = PLAN_STORES["PREMIUM"]
    resp = http("GET", "/public/tenant-config", headers=tenant_headers(slug))
    ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip()
    assert ctype == "application/json", resp.headers


def test_tenant_config_returns_stored_theme_and_seo():
    body = ecom.get_json("/public/tenant-config", THEME)
    assert body["theme"] == {"primaryColor": "#ff0000", "dark": True}, body
    assert body["seo"] == {"title": "My shop", "keywords": ["a", "b"]}, body


def test_tenant_config_reflects_feature_overrides():
    assert ecom.get_json("/public/tenant-config", OVR)["features"] == ["catalog", "categories", "checkout", "push"]
    assert ecom.get_json("/public/tenant-config", CATALOG_OFF)["features"] == ["cart", "categories", "checkout", "guest_checkout"]
    assert ecom.get_json("/public/tenant-config", CATEGORIES_OFF)["features"] == ["cart", "catalog", "checkout", "guest_checkout"]


# --------------------------------------------------------------------------- /api/features

def test_features_per_plan():
    for plan, (slug, _) in PLAN_STORES.items():
        body = ecom.get_json("/api/features", slug)
        assert set(body) == {"features", "limits"}, body
        assert body["features"] == expected_features(PLAN_FEATURES[plan]), (plan, body)
        for v in body["features"].values():
            assert isinstance(v, bool), body
        assert body["limits"] == PLAN_LIMITS[plan], (plan, body)
        for v in body["limits"].values():
            assert isinstance(v, int) and not isinstance(v, bool), body


def test_features_overrides_win_over_plan():
    body = ecom.get_json("/api/features", OVR)
    enabled = (PLAN_FEATURES["PREMIUM"] - {"cart", "guest_checkout"}) | {"push"}
    assert body["features"] == expected_features(enabled), body
    assert body["features"]["guestCheckout"] is False
    assert body["limits"] == {"maxCartItems": 7, "maxProductsPerOrder": 50}, body


def test_limit_override_on_live_store_after_cache_ttl():
    slug, _ = PLAN_STORES["BASIC"]
    assert ecom.get_json("/api/features", slug)["limits"]["maxProductsPerOrder"] == 10
    ecom.set_limit_override(slug, "maxProductsPerOrder", 3)
    ecom.set_feature_override(slug, "checkout", False)
    try:
        ecom.wait_tenant_cache()
        body = ecom.get_json("/api/features", slug)
        assert body["limits"] == {"maxCartItems": 20, "maxProductsPerOrder": 3}, body
        assert body["features"]["checkout"] is False, body
    finally:
        ecom.clear_limit_overrides(slug)
        ecom.clear_feature_overrides(slug)
    ecom.wait_tenant_cache()
    body = ecom.get_json("/api/features", slug)
    assert body["limits"] == PLAN_LIMITS["BASIC"], body
    assert body["features"] == expected_features(PLAN_FEATURES["BASIC"]), body


def test_override_can_disable_a_plan_feature_of_enterprise():
    slug, _ = PLAN_STORES["ENTERPRISE"]
    ecom.set_feature_override(slug, "push", False)
    try:
        ecom.wait_tenant_cache()
        assert ecom.get_json("/api/features", slug)["features"]["push"] is False
        assert "push" not in ecom.get_json("/public/tenant-config", slug)["features"]
    finally:
        ecom.clear_feature_overrides(slug)
    ecom.wait_tenant_cache()
    assert ecom.get_json("/api/features", slug)["features"]["push"] is True


# --------------------------------------------------------------------------- enforcement

def test_catalog_off_forbids_catalog_endpoints():
    pid = any_active_product(CATALOG_OFF)
    for path in ["/api/catalog/products", "/api/catalog/products?page=1&pageSize=5",
                 f"/api/catalog/products/{pid}", "/api/catalog/categories"]:
        assert_problem(http("GET", path, headers=tenant_headers(CATALOG_OFF)), 403)
    # the rest of the store still answers
    assert ecom.get_json("/api/features", CATALOG_OFF)["features"]["catalog"] is False
    assert http("GET", "/public/tenant-config", headers=tenant_headers(CATALOG_OFF)).status == 200


def test_categories_off_forbids_only_categories():
    assert_problem(http("GET", "/api/catalog/categories", headers=tenant_headers(CATEGORIES_OFF)), 403)
    pid = any_active_product(CATEGORIES_OFF)
    assert http("GET", "/api/catalog/products", headers=tenant_headers(CATEGORIES_OFF)).status == 200
    assert http("GET", f"/api/catalog/products/{pid}", headers=tenant_headers(CATEGORIES_OFF)).status == 200
    assert ecom.get_json("/api/features", CATEGORIES_OFF)["features"]["categories"] is False


def test_other_stores_unaffected_by_overrides():
    slug, _ = PLAN_STORES["PREMIUM"]
    for path in ["/api/catalog/products", "/api/catalog/categories"]:
        assert http("GET", path, headers=tenant_headers(slug)).status == 200


def test_removing_override_restores_catalog_after_cache_ttl():
    ecom.clear_feature_overrides(CATALOG_OFF)
    ecom.wait_tenant_cache()
    pid = any_active_product(CATALOG_OFF)
    for path in ["/api/catalog/products", f"/api/catalog/products/{pid}", "/api/catalog/categories"]:
        resp = http("GET", path, headers=tenant_headers(CATALOG_OFF))
        assert resp.status == 200, resp
    assert ecom.get_json("/api/features", CATALOG_OFF)["features"]["catalog"] is True


def test_enabling_override_on_live_store_forbids_after_cache_ttl():
    assert http("GET", "/api/catalog/categories", headers=tenant_headers(CATALOG_OFF)).status == 200
    ecom.set_feature_override(CATALOG_OFF, "categories", False)
    try:
        ecom.wait_tenant_cache()
        assert_problem(http("GET", "/api/catalog/categories", headers=tenant_headers(CATALOG_OFF)), 403)
        assert http("GET", "/api/catalog/products", headers=tenant_headers(CATALOG_OFF)).status == 200
    finally:
        ecom.clear_feature_overrides(CATALOG_OFF)
