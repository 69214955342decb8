"""GET /api/catalog/products/{id} and GET /api/catalog/categories (§3.2, §3.3, CONTRACT §5)."""

import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, tenant_headers, url, dec  # noqa: E402

PRODUCT_KEYS = {"id", "name", "description", "price", "discount", "finalPrice", "stock", "isActive",
                "images", "categories", "dynamicAttributes"}
CATEGORY_KEYS = {"id", "name", "description", "productCount"}

S = None
TOK = None
C = {}
P = {}
IMAGES = []
ATTRS = {"material": "Oak", "handmade": True, "legs": 4, "height": 72.5}


def setup_module():
    global S, TOK
    S = ecom.new_store("PREMIUM")
    TOK = uuid.uuid4().hex[:8]
    C["c1"] = ecom.insert_category(S, f"Det {TOK} Aaa", "first fixture category")
    C["c2"] = ecom.insert_category(S, f"Det {TOK} Bbb", "second fixture category")
    C["c3_inactive"] = ecom.insert_category(S, f"Det {TOK} Aab", "inactive", active=False)
    C["empty"] = ecom.insert_category(S, f"Det {TOK} Ccc", "only inactive products")
    IMAGES.extend([f"https://cdn.example/{TOK}/3.png", f"https://cdn.example/{TOK}/1.png"])
    P["p1"] = ecom.insert_product(S, f"Det {TOK} Table", "149.90", "0.10", stock=7,
                                  description="A sturdy table", images=IMAGES,
                                  categories=[C["c2"], C["c3_inactive"], C["c1"]], attributes=ATTRS)
    P["p2_inactive"] = ecom.insert_product(S, f"Det {TOK} Old chair", "20.00", "0", active=False,
                                           categories=[C["c1"], C["empty"]])
    P["p3_zero"] = ecom.insert_product(S, f"Det {TOK} Lamp", "35.00", "0", stock=0, categories=[C["c1"]])


def past_cache_ttl():
    """Makes every worker drop the catalog answers it rendered before now: a change made by SQL
    (not through the application) shows within [catalog] cache_ttl_ms, or at once after
    `ecom-provision refresh` (README: the catalog answer cache)."""
    ecom.wait_tenant_cache()


def detail(pid):
    return http("GET", f"/api/catalog/products/{pid}", headers=tenant_headers(S))


# --------------------------------------------------------------------------- product detail

def test_detail_of_fixture_product():
    resp = detail(P["p1"])
    assert resp.status == 200, resp
    item = resp.json()
    assert set(item) == PRODUCT_KEYS, sorted(item)
    assert item["id"] == P["p1"]
    assert item["name"] == f"Det {TOK} Table"
    assert item["description"] == "A sturdy table"
    assert dec(item["price"]) == Decimal("149.90")
    assert dec(item["discount"]) == Decimal("0.10")
    assert dec(item["finalPrice"]) == Decimal("134.91")
    assert item["stock"] == 7 and item["isActive"] is True
    assert item["images"] == IMAGES
    assert item["categories"] == [{"id": C["c1"], "name": f"Det {TOK} Aaa"},
                                  {"id": C["c2"], "name": f"Det {TOK} Bbb"}], item["categories"]
    assert item["dynamicAttributes"] == ATTRS


def test_detail_out_of_stock_is_visible():
    resp = detail(P["p3_zero"])
    assert resp.status == 200, resp
    assert resp.json()["stock"] == 0


def test_detail_inactive_is_404():
    assert_problem(detail(P["p2_inactive"]), 404)


def test_detail_unknown_is_404():
    assert_problem(detail(str(uuid.uuid4())), 404)
    assert_problem(detail("00000000-0000-0000-0000-000000000000"), 404)


def test_detail_malformed_id_is_404():
    good = P["p1"]
    for bad in ("abc", "123", good.replace("-", ""), good + "0", good[:-1], good[:8] + "_" + good[9:],
                "g" + good[1:]):
        assert_problem(detail(bad), 404)
    # percent-encoded ids: only the status and the problem type (instance may be decoded or not)
    for encoded in ("%27%20OR%20%271%27%3D%271", "%20" + good):
        resp = detail(encoded)
        assert resp.status == 404, resp
        assert resp.headers.get("Content-Type", "").startswith("application/problem+json"), resp.headers


def test_detail_matches_list_representation_for_every_product():
    items, _ = ecom.fetch_all_pages("/api/catalog/products", S)
    assert len(items) >= 40
    for item in items:
        resp = detail(item["id"])
        assert resp.status == 200, resp
        assert resp.json() == item, f"detail differs from list item for {item['id']}"


def test_detail_follows_deactivation():
    pid = ecom.insert_product(S, f"Det {TOK} Ephemeral", "9.99", "0")
    assert detail(pid).status == 200
    ecom.sql(f"UPDATE products SET is_active = 0 WHERE id = {ecom.q(pid)}", db=ecom.schema_of(S))
    past_cache_ttl()
    assert_problem(detail(pid), 404)
    ids = [p["id"] for p in ecom.fetch_all_pages("/api/catalog/products", S, search=f"Det {TOK} Ephemeral")[0]]
    assert pid not in ids


def test_detail_hides_inactive_category():
    item = detail(P["p1"]).json()
    assert C["c3_inactive"] not in [c["id"] for c in item["categories"]]


def test_detail_ignores_query_string():
    resp = http("GET", f"/api/catalog/products/{P['p1']}?foo=bar", headers=tenant_headers(S))
    assert resp.status == 200 and resp.json()["id"] == P["p1"], resp


# --------------------------------------------------------------------------- categories

def expected_categories():
    schema = ecom.schema_of(S)
    rows = ecom.sql(
        "SELECT c.id, c.name, c.description, "
        "(SELECT COUNT(*) FROM product_categories pc JOIN products p ON p.id = pc.product_id "
        " WHERE pc.category_id = c.id AND p.is_active = 1) "
        "FROM categories c WHERE c.is_active = 1 ORDER BY c.name", db=schema)
    return [{"id": r[0], "name": r[1], "description": r[2], "productCount": int(r[3])} for r in rows]


def get_categories():
    resp = http("GET", "/api/catalog/categories", headers=tenant_headers(S))
    assert resp.status == 200, resp
    body = resp.json()
    assert isinstance(body, list), body
    return body


def test_categories_match_sql():
    body = get_categories()
    exp = expected_categories()
    for c in body:
        assert set(c) == CATEGORY_KEYS, c
        assert isinstance(c["productCount"], int) and not isinstance(c["productCount"], bool)
    assert [c["name"] for c in body] == [c["name"] for c in exp], "not active categories sorted by name"
    assert {c["id"]: c for c in body} == {c["id"]: c for c in exp}


def test_categories_seeded_at_least_five():
    assert len(get_categories()) >= 5 + 3


def test_categories_fixture_counts():
    by_id = {c["id"]: c for c in get_categories()}
    assert C["c3_inactive"] not in by_id
    assert by_id[C["c1"]]["productCount"] == 2      # p1 and the out-of-stock p3; not the inactive p2
    assert by_id[C["c2"]]["productCount"] == 1
    assert by_id[C["empty"]]["productCount"] == 0
    assert by_id[C["c1"]]["description"] == "first fixture category"
    assert by_id[C["c1"]]["name"] == f"Det {TOK} Aaa"


def test_category_count_matches_category_filter():
    body = get_categories()
    for c in body:
        resp = http("GET", url("/api/catalog/products", categoryId=c["id"], pageSize=1), headers=tenant_headers(S))
        assert resp.status == 200, resp
        assert resp.json()["totalCount"] == c["productCount"], c


def test_categories_follow_deactivation():
    cid = ecom.insert_category(S, f"Det {TOK} Temp", "temporary")
    past_cache_ttl()
    assert cid in [c["id"] for c in get_categories()]
    ecom.sql(f"UPDATE categories SET is_active = 0 WHERE id = {ecom.q(cid)}", db=ecom.schema_of(S))
    past_cache_ttl()
    assert cid not in [c["id"] for c in get_categories()]
