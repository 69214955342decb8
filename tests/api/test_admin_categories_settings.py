"""Store admin: categories (list incl. inactive, create, update, deactivate) and settings (taxRate,
shipping, theme, seo) — with their effect on the public catalog, checkout and tenant-config."""

import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import assert_problem  # noqa: E402
from accounts import admin_call, assert_field_error  # noqa: E402

C = acc.ADMIN_CATEGORIES
SET = acc.ADMIN_SETTINGS
CATEGORY_KEYS = {"id", "name", "description", "isActive", "productCount"}
SETTINGS_KEYS = {"taxRate", "shippingFlat", "freeShippingThreshold", "theme", "seo"}

S = None          # categories
ST = None         # settings (its own store: checkout totals change)
OTHER = None
ADMIN = None
ST_ADMIN = None
OTHER_ADMIN = None
CUSTOMER = None


def setup_module():
    global S, ST, OTHER, ADMIN, ST_ADMIN, OTHER_ADMIN, CUSTOMER
    S = ecom.new_store("PREMIUM")
    ST = ecom.new_store("PREMIUM")
    OTHER = ecom.new_store("PREMIUM")
    ADMIN = acc.new_admin(S)
    ST_ADMIN = acc.new_admin(ST)
    OTHER_ADMIN = acc.new_admin(OTHER)
    CUSTOMER = acc.new_customer(S)


def items_of(body):
    """The admin category list: the paginated envelope (CONTRACT §1: every admin list)."""
    assert isinstance(body, dict) and set(body) == acc.PAGE_KEYS, body
    assert body["totalCount"] <= body["pageSize"], "the test store has more categories than one page"
    return body["items"]


def admin_categories():
    resp = admin_call(ADMIN, "GET", C + "?pageSize=100")
    assert resp.status == 200, resp
    return {c["id"]: c for c in items_of(resp.json())}


def public_categories(slug=None):
    resp = ecom.get("/api/catalog/categories", slug or S)
    assert resp.status == 200, resp
    body = resp.json()
    items = body["items"] if isinstance(body, dict) else body
    return {c["id"]: c for c in items}


def new_cat(**fields):
    body = {"name": f"Cat {uuid.uuid4().hex[:8]}"}
    body.update(fields)
    resp = admin_call(ADMIN, "POST", C, body=body)
    assert resp.status == 201, resp
    return resp


# --------------------------------------------------------------------------- categories

def test_category_routes_need_the_stores_admin():
    cid = next(iter(public_categories()))
    name = f"Guarded {uuid.uuid4().hex[:8]}"
    for method, path, body in (("GET", C, None), ("POST", C, {"name": name}),
                               ("PATCH", f"{C}/{cid}", {"name": name}), ("DELETE", f"{C}/{cid}", None)):
        acc.assert_admin_guarded(S, method, path, CUSTOMER.token, OTHER_ADMIN.token, body)
    assert name not in [c["name"] for c in admin_categories().values()]
    assert public_categories()[cid]["name"] != name


def test_list_has_every_category_with_active_product_counts():
    s = ecom.schema_of(S)
    cats = admin_categories()
    rows = ecom.sql("SELECT id, name, is_active FROM categories", db=s)
    assert set(cats) == {r[0] for r in rows}, "the list must hold every category, inactive ones too"
    for cat in cats.values():
        assert set(cat) == CATEGORY_KEYS, cat
        assert isinstance(cat["isActive"], bool)
    # productCount counts active products only
    cid = ecom.insert_category(S, f"Counted {uuid.uuid4().hex[:6]}")
    for active in (True, True, False):
        shop.product(S, categories=[cid], active=active)
    off = ecom.insert_category(S, f"Hidden {uuid.uuid4().hex[:6]}", active=False)
    cats = admin_categories()
    assert cats[cid]["productCount"] == 2 and cats[cid]["isActive"] is True, cats[cid]
    assert cats[off]["isActive"] is False and cats[off]["productCount"] == 0, cats[off]
    assert off not in public_categories()
    # names in order
    names = [c["name"] for c in items_of(admin_call(ADMIN, "GET", C + "?pageSize=100").json())]
    assert names == sorted(names, key=str.lower) or len(names) < 2, names


def test_admin_category_list_is_paginated():
    everything = admin_categories()
    r = admin_call(ADMIN, "GET", C + "?page=1&pageSize=2")
    assert r.status == 200, r
    body = r.json()
    assert body["pageSize"] == 2 and body["totalCount"] == len(everything)
    assert body["totalPages"] == -(-len(everything) // 2)
    assert len(body["items"]) == min(2, len(everything))
    assert admin_call(ADMIN, "GET", C + "?pageSize=0").status == 400


def test_create_category():
    name = f"New Cat {uuid.uuid4().hex[:8]}"
    resp = new_cat(name=f"  {name}  ", description="Things for tests")
    body = resp.json()
    assert set(body) == CATEGORY_KEYS, body
    assert ecom.UUID_V4_RE.match(body["id"]), body
    assert body == {"id": body["id"], "name": name, "description": "Things for tests", "isActive": True,
                    "productCount": 0}, body
    location = resp.headers.get("Location") or ""
    assert location.endswith(f"/api/admin/categories/{body['id']}"), location
    assert admin_categories()[body["id"]] == body
    pub = public_categories()
    assert body["id"] in pub and pub[body["id"]]["name"] == name, pub.get(body["id"])
    # an inactive one is listed for the admin only
    hidden = new_cat(isActive=False).json()
    assert hidden["isActive"] is False and hidden["description"] in ("", None), hidden
    assert hidden["id"] in admin_categories() and hidden["id"] not in public_categories()
    # a new category can hold products at once
    pid = admin_call(ADMIN, "POST", acc.ADMIN_PRODUCTS,
                     body={"name": f"In {name}", "price": 3, "stock": 1, "categoryIds": [body["id"]]}).json()["id"]
    items, _ = ecom.fetch_all_pages("/api/catalog/products", S, categoryId=body["id"])
    assert [i["id"] for i in items] == [pid], items
    assert admin_categories()[body["id"]]["productCount"] == 1


def test_create_category_validation():
    for body, field in (({}, "name"), ({"name": ""}, "name"), ({"name": "   "}, "name"),
                        ({"name": "n" * 201}, "name"), ({"name": 5}, "name"), ({"name": None}, "name"),
                        ({"name": "ok", "description": 5}, "description"),
                        ({"name": "ok", "isActive": "yes"}, "isActive"), ({"name": "ok", "isActive": 0}, "isActive")):
        before = len(admin_categories())
        assert_field_error(admin_call(ADMIN, "POST", C, body=body), field)
        assert len(admin_categories()) == before
    hdr = acc.h(S, ADMIN.token, **{"Content-Type": "application/json"})
    for raw in ("{", "[]"):
        assert_problem(ecom.http("POST", C, headers=hdr, raw_body=raw), 400)
    assert new_cat(name="n" * 200).json()["name"] == "n" * 200


def test_update_category():
    cat = new_cat(description="old").json()
    cid = cat["id"]
    name = f"Renamed {uuid.uuid4().hex[:8]}"
    resp = admin_call(ADMIN, "PATCH", f"{C}/{cid}", body={"name": name})
    assert resp.status == 200, resp
    assert resp.json() == dict(cat, name=name), resp.json()
    assert public_categories()[cid]["name"] == name
    resp = admin_call(ADMIN, "PATCH", f"{C}/{cid}", body={"description": "new"})
    assert resp.status == 200 and resp.json() == dict(cat, name=name, description="new"), resp
    resp = admin_call(ADMIN, "PATCH", f"{C}/{cid}", body={"isActive": False})
    assert resp.status == 200 and resp.json()["isActive"] is False, resp
    assert cid not in public_categories()
    resp = admin_call(ADMIN, "PATCH", f"{C}/{cid}", body={"isActive": True})
    assert resp.status == 200 and resp.json()["isActive"] is True, resp
    assert cid in public_categories()
    for body, field in (({"name": ""}, "name"), ({"name": "n" * 201}, "name"), ({"name": 1}, "name"),
                        ({"description": 5}, "description"), ({"isActive": "no"}, "isActive")):
        assert_field_error(admin_call(ADMIN, "PATCH", f"{C}/{cid}", body=body), field)
    assert admin_categories()[cid] == dict(cat, name=name, description="new")
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        assert_problem(admin_call(ADMIN, "PATCH", f"{C}/{bad}", body={"name": "x"}), 404)
    # another store's category
    theirs = ecom.insert_category(OTHER, "Theirs")
    assert_problem(admin_call(ADMIN, "PATCH", f"{C}/{theirs}", body={"name": "Mine"}), 404)
    assert_problem(admin_call(ADMIN, "DELETE", f"{C}/{theirs}"), 404)
    assert public_categories(OTHER)[theirs]["name"] == "Theirs"


def test_delete_category_deactivates_it():
    cat = new_cat().json()
    cid = cat["id"]
    pid = shop.product(S, categories=[cid])
    resp = admin_call(ADMIN, "DELETE", f"{C}/{cid}")
    assert resp.status == 200, resp
    body = resp.json()
    assert body["id"] == cid and body["isActive"] is False, body
    assert cid not in public_categories()
    assert admin_categories()[cid]["isActive"] is False
    # the product stays, without the hidden category
    pub = ecom.get(f"/api/catalog/products/{pid}", S)
    assert pub.status == 200 and cid not in [c["id"] for c in pub.json()["categories"]], pub
    again = admin_call(ADMIN, "DELETE", f"{C}/{cid}")
    assert again.status == 200 and again.json()["isActive"] is False, again
    for bad in (str(uuid.uuid4()), "nope"):
        assert_problem(admin_call(ADMIN, "DELETE", f"{C}/{bad}"), 404)


# --------------------------------------------------------------------------- settings

def settings_resp():
    return admin_call(ST_ADMIN, "GET", SET)


def patch_settings(body):
    return admin_call(ST_ADMIN, "PATCH", SET, body=body)


def quote_for(subtotal_items):
    """A fresh guest cart of (price, qty) lines in ST; returns the quote body."""
    sid = shop.new_session()
    for price, qty in subtotal_items:
        shop.add_ok(ST, sid, shop.product(ST, price=price, stock=100), qty)
    resp = shop.quote(ST, sid)
    assert resp.status == 200, resp
    return resp.json()


def assert_quote(body, subtotal, tax, shipping, total):
    for k, v in (("subtotal", subtotal), ("tax", tax), ("shipping", shipping), ("total", total)):
        shop.assert_money(body[k], v, k)


def test_settings_routes_need_the_stores_admin():
    customer = acc.new_customer(ST)
    for method, body in (("GET", None), ("PATCH", {"taxRate": 0.5})):
        acc.assert_admin_guarded(ST, method, SET, customer.token, OTHER_ADMIN.token, body)
    assert shop.settings(ST)[0] == Decimal("0.15")


def test_settings_defaults():
    resp = settings_resp()
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == SETTINGS_KEYS, body
    assert ecom.dec(body["taxRate"]) == ecom.dec("0.15"), body
    shop.assert_money(body["shippingFlat"], "10.00")
    shop.assert_money(body["freeShippingThreshold"], "100.00")
    assert body["theme"] == {} and body["seo"] == {}, body


def test_changed_tax_and_shipping_change_the_next_quote():
    assert_quote(quote_for([("40.00", 1)]), "40.00", "6.00", "10.00", "56.00")
    resp = patch_settings({"taxRate": 0.0825, "shippingFlat": 4.99, "freeShippingThreshold": 50})
    assert resp.status == 200, resp
    body = resp.json()
    assert str(body["taxRate"]) == "0.0825", body
    shop.assert_money(body["shippingFlat"], "4.99")
    shop.assert_money(body["freeShippingThreshold"], "50")
    assert settings_resp().json() == body
    # 40.00: tax 3.30, shipping 4.99
    assert_quote(quote_for([("40.00", 1)]), "40.00", "3.30", "4.99", "48.29")
    # 50.00 is not above the threshold; 50.01 is
    assert_quote(quote_for([("25.00", 2)]), "50.00", "4.13", "4.99", "59.12")   # 4.125 -> 4.13
    assert_quote(quote_for([("50.01", 1)]), "50.01", "4.13", "0.00", "54.14")   # 4.125825 -> 4.13
    # a placed order uses them too
    sid = shop.new_session()
    shop.add_ok(ST, sid, shop.product(ST, price="20.00", stock=5), 1)
    _, placed = shop.place_ok(ST, sid)
    shop.assert_money(placed["total"], "26.64")        # 20.00 + 1.65 + 4.99
    # partial update leaves the rest alone
    body = patch_settings({"shippingFlat": 0}).json()
    assert str(body["taxRate"]) == "0.0825", body
    shop.assert_money(body["shippingFlat"], "0")
    shop.assert_money(body["freeShippingThreshold"], "50")
    assert_quote(quote_for([("10.00", 1)]), "10.00", "0.83", "0.00", "10.83")   # 0.825 -> 0.83
    # boundaries: 0 and 1 are valid tax rates
    assert patch_settings({"taxRate": 0}).status == 200
    assert_quote(quote_for([("10.00", 1)]), "10.00", "0.00", "0.00", "10.00")
    assert patch_settings({"taxRate": 1}).status == 200
    assert_quote(quote_for([("10.00", 1)]), "10.00", "10.00", "0.00", "20.00")
    # back to the defaults
    body = patch_settings({"taxRate": 0.15, "shippingFlat": 10, "freeShippingThreshold": 100}).json()
    assert ecom.dec(body["taxRate"]) == ecom.dec("0.15") and ecom.dec(body["shippingFlat"]) == 10, body
    assert_quote(quote_for([("40.00", 1)]), "40.00", "6.00", "10.00", "56.00")


def test_theme_and_seo_show_in_tenant_config_at_once():
    theme = {"primaryColor": "#ff6600", "logoUrl": "https://cdn.example.com/logo.png", "dark": True,
             "fonts": {"body": "Inter"}, "radius": 4}
    seo = {"title": "Best Shop", "description": "Everything, cheaper", "keywords": ["a", "b"]}
    resp = patch_settings({"theme": theme})
    assert resp.status == 200 and resp.json()["theme"] == theme, resp
    assert resp.json()["seo"] == {}, resp.json()
    resp = patch_settings({"seo": seo})
    assert resp.status == 200 and resp.json()["seo"] == seo and resp.json()["theme"] == theme, resp
    cfg = ecom.get("/public/tenant-config", ST)
    assert cfg.status == 200, cfg
    assert cfg.json()["theme"] == theme and cfg.json()["seo"] == seo, cfg.json()
    # replaced as a whole, also by an empty object
    resp = patch_settings({"theme": {}})
    assert resp.status == 200 and resp.json()["theme"] == {}, resp
    assert ecom.get("/public/tenant-config", ST).json()["theme"] == {}
    # other stores are unaffected
    assert ecom.get("/public/tenant-config", OTHER).json()["seo"] == {}


def test_invalid_settings_are_400_and_change_nothing():
    before = settings_resp().json()
    cases = [
        ("taxRate", -0.1), ("taxRate", 1.5), ("taxRate", 1.0001), ("taxRate", 0.12345), ("taxRate", "0.1"),
        ("taxRate", True),
        ("shippingFlat", -1), ("shippingFlat", 1.234), ("shippingFlat", "5"), ("shippingFlat", [5]),
        ("freeShippingThreshold", -0.01), ("freeShippingThreshold", 0.001), ("freeShippingThreshold", "100"),
        ("theme", "dark"), ("theme", [1, 2]), ("theme", 5), ("theme", True),
        ("seo", "title"), ("seo", ["x"]), ("seo", 1),
    ]
    for field, value in cases:
        resp = patch_settings({field: value})
        assert resp.status == 400, f"{field}={value!r}: {resp!r}"
        assert_field_error(resp, field)
    # one bad field spoils the whole request
    resp = patch_settings({"taxRate": 0.3, "shippingFlat": -5})
    assert_field_error(resp, "shippingFlat")
    hdr = acc.h(ST, ST_ADMIN.token, **{"Content-Type": "application/json"})
    for raw in ("{", "[]", "3"):
        assert_problem(ecom.http("PATCH", SET, headers=hdr, raw_body=raw), 400)
    assert settings_resp().json() == before
    row = ecom.sql("SELECT tax_rate FROM settings WHERE id = 1", db=ecom.schema_of(ST))[0][0]
    assert ecom.dec(row) == ecom.dec(before["taxRate"]), row
