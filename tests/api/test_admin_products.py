"""Store admin: products (CONTRACT §9) — list (inactive included), get, create, update, set stock,
delete/deactivate; the public catalog and the cart see the changes at once."""

import os
import sys
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import assert_problem, q, url  # noqa: E402
from accounts import admin_call, admin_ok, assert_field_error  # noqa: E402

P = acc.ADMIN_PRODUCTS
PRODUCT_KEYS = {"id", "name", "description", "price", "discount", "finalPrice", "stock", "isActive", "images",
                "categories", "dynamicAttributes", "createdAt", "updatedAt"}

S = None
OTHER = None
ADMIN = None
OTHER_ADMIN = None
CUSTOMER = None
CAT_A = CAT_B = None          # active categories ("A ..." sorts before "B ...")
CAT_OFF = None                # an inactive category
SEEDED = None                 # a product of the demo catalog


def setup_module():
    global S, OTHER, ADMIN, OTHER_ADMIN, CUSTOMER, CAT_A, CAT_B, CAT_OFF, SEEDED
    S = ecom.new_store("PREMIUM")
    OTHER = ecom.new_store("PREMIUM")
    ADMIN = acc.new_admin(S)
    OTHER_ADMIN = acc.new_admin(OTHER)
    CUSTOMER = acc.new_customer(S)
    tag = uuid.uuid4().hex[:6]
    CAT_A = {"id": ecom.insert_category(S, f"A cat {tag}"), "name": f"A cat {tag}", "isActive": True}
    CAT_B = {"id": ecom.insert_category(S, f"B cat {tag}"), "name": f"B cat {tag}", "isActive": True}
    CAT_OFF = {"id": ecom.insert_category(S, f"C off {tag}", active=False), "name": f"C off {tag}",
               "isActive": False}
    SEEDED = ecom.active_products(S)[0]["id"]


def unique_name(prefix="Widget"):
    return f"{prefix} {uuid.uuid4().hex[:10]}"


def create(body, status=201):
    resp = admin_call(ADMIN, "POST", P, body=body)
    assert resp.status == status, resp
    return resp


def create_ok(**fields):
    body = {"name": unique_name(), "price": 10}
    body.update(fields)
    return create(body).json()


def get_admin(pid):
    return admin_call(ADMIN, "GET", f"{P}/{pid}")


def patch(pid, body):
    return admin_call(ADMIN, "PATCH", f"{P}/{pid}", body=body)


def public_get(pid):
    return ecom.get(f"/api/catalog/products/{pid}", S)


def public_ids(**params):
    items, _ = ecom.fetch_all_pages("/api/catalog/products", S, **params)
    return [i["id"] for i in items]


def products_named(name):
    return int(ecom.sql_value(f"SELECT COUNT(*) FROM products WHERE name = {q(name)}", db=ecom.schema_of(S)))


def assert_product(body, **expected):
    assert set(body) == PRODUCT_KEYS, f"keys {sorted(body)}"
    assert ecom.UUID_V4_RE.match(body["id"]), body
    ecom.assert_iso_utc(body["createdAt"], "createdAt")
    ecom.assert_iso_utc(body["updatedAt"], "updatedAt")
    assert body["updatedAt"] >= body["createdAt"], body
    for k in ("price", "discount", "finalPrice"):
        shop.assert_money(body[k], body[k], k)
    assert ecom.dec(body["finalPrice"]) == ecom.round2(ecom.dec(body["price"]) * (1 - Decimal(str(body["discount"])))), body
    for k, v in expected.items():
        if k in ("price", "discount", "finalPrice"):
            shop.assert_money(body[k], v, k)
        else:
            assert body[k] == v, f"{k}: {body[k]!r} != {v!r}"
    return body


# --------------------------------------------------------------------------- auth

def test_every_route_needs_the_stores_admin():
    name = unique_name("Guarded")
    routes = [
        ("GET", P, None),
        ("GET", f"{P}/{SEEDED}", None),
        ("POST", P, {"name": name, "price": 1}),
        ("PATCH", f"{P}/{SEEDED}", {"name": name}),
        ("PUT", f"{P}/{SEEDED}/stock", {"stock": 0}),
        ("DELETE", f"{P}/{SEEDED}", None),
    ]
    for method, path, body in routes:
        acc.assert_admin_guarded(S, method, path, CUSTOMER.token, OTHER_ADMIN.token, body)
    assert products_named(name) == 0
    row = shop.product_row(S, SEEDED)
    assert row["active"] and row["name"] != name and row["stock"] > 0, row
    # forged admin tokens: a customer's token with role admin, an admin claim for the wrong store
    assert_problem(ecom.http("GET", P, headers=acc.h(S, acc.tamper_payload(CUSTOMER.token, role="admin"))), 401)
    forged_other = acc.forge_access(OTHER, ADMIN.id, role="admin")
    assert_problem(ecom.http("GET", P, headers=acc.h(S, forged_other)), 401)


# --------------------------------------------------------------------------- create

def test_create_returns_201_with_the_product():
    name = unique_name("Full")
    body = {
        "name": name, "description": "A very complete product", "price": 299.99, "discount": 0.15, "stock": 7,
        "isActive": True,
        "images": ["https://img.example.com/b.jpg", "https://img.example.com/a.jpg", "http://img.example.com/c.png"],
        "categoryIds": [CAT_B["id"], CAT_A["id"]],
        "dynamicAttributes": {"color": "red", "weight": 1.5, "fragile": True, "count": 3},
    }
    resp = create(body)
    got = assert_product(resp.json(), name=name, description="A very complete product", price="299.99",
                         discount="0.15", finalPrice="254.99", stock=7, isActive=True, images=body["images"],
                         categories=[CAT_A, CAT_B], dynamicAttributes=body["dynamicAttributes"])
    location = resp.headers.get("Location") or ""
    assert location.endswith(f"/api/admin/products/{got['id']}"), location
    again = get_admin(got["id"])
    assert again.status == 200 and again.json() == got, again
    row = shop.product_row(S, got["id"])
    assert (row["name"], row["price"], row["discount"], row["finalPrice"], row["stock"], row["active"]) == \
        (name, Decimal("299.99"), Decimal("0.15"), Decimal("254.99"), 7, True), row


def test_create_minimal_product_has_defaults():
    name = unique_name("Minimal")
    got = create({"name": name, "price": 10}).json()
    assert_product(got, name=name, price="10", discount="0", finalPrice="10", stock=0, isActive=True, images=[],
                   categories=[], dynamicAttributes={})
    assert got["description"] in ("", None), got


def test_create_boundaries_are_accepted():
    long_name = "é" * 200
    got = create({"name": long_name, "price": 0, "discount": 1, "stock": 0,
                  "images": [f"https://img.example.com/{i}.jpg" for i in range(20)],
                  "categoryIds": [CAT_OFF["id"]], "isActive": False}).json()
    assert_product(got, name=long_name, price="0", discount="1", finalPrice="0", stock=0, isActive=False,
                   categories=[CAT_OFF])
    assert len(got["images"]) == 20 and got["images"][0].endswith("/0.jpg") and got["images"][19].endswith("/19.jpg")
    got = create({"name": unique_name(), "price": 0.01, "discount": 0.99, "stock": 1000000}).json()
    assert_product(got, price="0.01", discount="0.99", finalPrice="0", stock=1000000)   # 0.0001 -> 0.00


def _invalid_cases():
    cases = []
    for v in ("", "   ", "n" * 201, 123, True, ["x"], "<missing>", None):
        cases.append(("name", v))
    for v in (-1, -0.01, 10.001, "10", True, None, "<missing>", [10], 1e20):
        cases.append(("price", v))
    for v in (-0.1, 1.01, 0.123, "0.1", True, 2):
        cases.append(("discount", v))
    for v in (-1, 1.5, "3", True):
        cases.append(("stock", v))
    for v in ("yes", 1, "true"):
        cases.append(("isActive", v))
    for v in ("https://img.example.com/a.jpg", ["ftp://img.example.com/a.jpg"], ["not a url"], [123],
              [f"https://img.example.com/{i}.jpg" for i in range(21)], ["javascript:alert(1)"], {"a": 1}):
        cases.append(("images", v))
    for v in (["not-a-uuid"], [str(uuid.uuid4())], "x", [123], {"id": 1}):
        cases.append(("categoryIds", v))
    for v in ([], "x", 5, {"a": {"b": 1}}, {"a": [1]}, {"a": None}):
        cases.append(("dynamicAttributes", v))
    for v in (123, ["x"], True):
        cases.append(("description", v))
    return cases


def test_create_each_invalid_field_is_400_naming_it():
    for field, value in _invalid_cases():
        name = unique_name("Invalid")
        body = {"name": name, "price": 5}
        if value == "<missing>":
            del body[field]
        else:
            body[field] = value
        resp = admin_call(ADMIN, "POST", P, body=body)
        assert resp.status == 400, f"{field}={value!r}: {resp!r}"
        assert_field_error(resp, field)
        assert products_named(name) == 0, f"{field}={value!r} created a product"


def test_create_bad_bodies():
    hdr = acc.h(S, ADMIN.token, **{"Content-Type": "application/json"})
    for raw in ("{", "[]", "null", ""):
        assert_problem(ecom.http("POST", P, headers=hdr, raw_body=raw), 400)
    hdr["Content-Type"] = "text/plain"
    assert_problem(ecom.http("POST", P, headers=hdr, raw_body='{"name": "x", "price": 1}'), 415)


# --------------------------------------------------------------------------- public catalog & checkout

def test_created_product_is_public_at_once_and_purchasable():
    name = unique_name("Public")
    got = create_ok(name=name, price=80, discount=0.25, stock=5, categoryIds=[CAT_A["id"], CAT_OFF["id"]],
                    images=["https://img.example.com/p.jpg"])
    pid = got["id"]
    pub = public_get(pid)
    assert pub.status == 200, pub
    pb = pub.json()
    assert pb["name"] == name and pb["stock"] == 5 and pb["isActive"] is True, pb
    shop.assert_money(pb["finalPrice"], "60.00")
    shop.assert_money(pb["price"], "80.00")
    assert [c["id"] for c in pb["categories"]] == [CAT_A["id"]], pb       # not the inactive category
    assert pid in public_ids(categoryId=CAT_A["id"])
    assert pid in public_ids(categoryId=CAT_A["id"], minPrice="59.99", maxPrice="60")
    assert pid in public_ids(categoryId=CAT_A["id"], minPrice="60", maxPrice="60")
    assert pid not in public_ids(categoryId=CAT_A["id"], minPrice="60.01")
    assert pid not in public_ids(categoryId=CAT_A["id"], maxPrice="59.99")
    assert pid not in public_ids(categoryId=CAT_B["id"])
    assert pid in public_ids(search=name[-10:])
    # buy two at once
    sid = shop.new_session()
    cart = shop.add_ok(S, sid, pid, 2)
    assert cart["items"][0]["productName"] == name
    shop.assert_money(cart["items"][0]["price"], "60.00")
    _, placed = shop.place_ok(S, sid)
    shop.assert_money(placed["total"], "138.00")     # 120.00 + 18.00, free shipping
    assert shop.stock_of(S, pid) == 3
    assert get_admin(pid).json()["stock"] == 3


# --------------------------------------------------------------------------- update

def test_patch_updates_the_given_fields_only():
    got = create_ok(name=unique_name("Patch"), description="before", price=100, discount=0.1, stock=4,
                    images=["https://img.example.com/1.jpg"], categoryIds=[CAT_A["id"]],
                    dynamicAttributes={"size": "M"})
    pid = got["id"]
    new_name = unique_name("Patched")
    resp = patch(pid, {"name": new_name})
    assert resp.status == 200, resp
    after = resp.json()
    expected = dict(got, name=new_name)
    for k in PRODUCT_KEYS - {"updatedAt"}:
        assert after[k] == expected[k], (k, after[k], expected[k])
    changes = [
        ({"price": 50.5}, {"price": "50.5", "finalPrice": "45.45"}),
        ({"discount": 0.5}, {"discount": "0.5", "finalPrice": "25.25"}),
        ({"description": "after"}, {"description": "after"}),
        ({"images": ["https://img.example.com/3.jpg", "https://img.example.com/2.jpg"]},
         {"images": ["https://img.example.com/3.jpg", "https://img.example.com/2.jpg"]}),
        ({"categoryIds": [CAT_B["id"], CAT_OFF["id"]]}, {"categories": [CAT_B, CAT_OFF]}),
        ({"dynamicAttributes": {"size": "L", "cotton": True}}, {"dynamicAttributes": {"size": "L", "cotton": True}}),
        ({"images": [], "categoryIds": []}, {"images": [], "categories": []}),
        ({"isActive": False}, {"isActive": False}),
        ({"isActive": True}, {"isActive": True}),
        ({}, {}),
    ]
    current = after
    for body, delta in changes:
        resp = patch(pid, body)
        assert resp.status == 200, (body, resp)
        current = assert_product(resp.json(), **dict({k: current[k] for k in ("name", "stock")}, **delta))
        assert get_admin(pid).json() == current
    assert current["stock"] == 4 and current["name"] == new_name, current
    shop.assert_money(current["finalPrice"], "25.25")


def test_patch_rejects_stock_and_invalid_fields():
    got = create_ok(name=unique_name("Strict"), price=20, stock=3)
    pid = got["id"]
    for body in ({"stock": 10}, {"stock": 10, "name": "whatever"}):
        resp = patch(pid, body)
        body_ = assert_problem(resp, 400)
        assert "stock" in (body_.get("errors") or {}), body_
    for field, value in _invalid_cases():
        if value == "<missing>" or field == "stock":
            continue
        resp = patch(pid, {field: value})
        if field in ("name", "price") and value is None:
            # null for a field that cannot be null: 400, or ignored as "not given"
            assert resp.status in (200, 400), (field, resp)
            continue
        assert resp.status == 400, f"{field}={value!r}: {resp!r}"
        assert_field_error(resp, field)
    now = get_admin(pid).json()
    for k in PRODUCT_KEYS - {"updatedAt"}:
        assert now[k] == got[k], (k, now[k], got[k])


def test_patch_unknown_or_malformed_id_is_404():
    for pid in (str(uuid.uuid4()), "not-a-uuid", "12345"):
        assert_problem(patch(pid, {"name": "x"}), 404)
        assert_problem(get_admin(pid), 404)
        assert_problem(admin_call(ADMIN, "PUT", f"{P}/{pid}/stock", body={"stock": 1}), 404)
        assert_problem(admin_call(ADMIN, "DELETE", f"{P}/{pid}"), 404)


def test_deactivating_hides_the_product_from_the_public_at_once():
    name = unique_name("Hide")
    got = create_ok(name=name, price=15, stock=9, categoryIds=[CAT_A["id"]])
    pid = got["id"]
    assert public_get(pid).status == 200
    assert patch(pid, {"isActive": False}).status == 200
    assert_problem(public_get(pid), 404)
    assert pid not in public_ids(categoryId=CAT_A["id"])
    assert pid not in public_ids(search=name[-10:])
    assert_problem(shop.add(S, shop.new_session(), pid, 1), 404)
    admin_view = get_admin(pid).json()
    assert admin_view["isActive"] is False, admin_view
    assert patch(pid, {"isActive": True}).status == 200
    assert public_get(pid).status == 200
    assert pid in public_ids(categoryId=CAT_A["id"])


def test_a_price_change_shows_in_the_catalog_at_once():
    got = create_ok(name=unique_name("Reprice"), price=40, stock=9)
    pid = got["id"]
    patch(pid, {"price": 19.99, "discount": 0.2})
    pub = public_get(pid).json()
    shop.assert_money(pub["price"], "19.99")
    shop.assert_money(pub["finalPrice"], "15.99")     # 15.992 -> 15.99
    sid = shop.new_session()
    shop.assert_money(shop.add_ok(S, sid, pid, 1)["items"][0]["price"], "15.99")


# --------------------------------------------------------------------------- stock

def test_put_stock_sets_it():
    got = create_ok(name=unique_name("Stock"), price=3, stock=2)
    pid = got["id"]
    resp = admin_call(ADMIN, "PUT", f"{P}/{pid}/stock", body={"stock": 42})
    assert resp.status == 200, resp
    body = resp.json()
    assert body["stock"] == 42 and body["id"] == pid, body
    assert shop.stock_of(S, pid) == 42
    assert public_get(pid).json()["stock"] == 42
    resp = admin_call(ADMIN, "PUT", f"{P}/{pid}/stock", body={"stock": 0})
    assert resp.status == 200 and resp.json()["stock"] == 0, resp
    # out of stock: a cart add is refused
    assert_problem(shop.add(S, shop.new_session(), pid, 1), 409)
    for bad in ({"stock": -1}, {"stock": 1.5}, {"stock": "3"}, {"stock": None}, {}, {"stock": True}):
        assert_field_error(admin_call(ADMIN, "PUT", f"{P}/{pid}/stock", body=bad), "stock")
    assert shop.stock_of(S, pid) == 0


# --------------------------------------------------------------------------- list

def test_list_includes_inactive_products_in_name_order_with_filters():
    tag = "Zq" + uuid.uuid4().hex[:8]
    cat = ecom.insert_category(S, f"List cat {tag}")
    specs = [("Echo", True, []), ("alpha", True, []), ("Charlie", True, [cat]), ("Bravo", False, []),
             ("Delta", False, [cat])]
    made = {}
    for word, active, cats in specs:
        made[word] = create_ok(name=f"{tag} {word}", price=1, isActive=active, categoryIds=cats)["id"]
    order = ["alpha", "Bravo", "Charlie", "Delta", "Echo"]          # case-insensitive name order

    resp = admin_call(ADMIN, "GET", url(P, search=tag))
    assert resp.status == 200, resp
    items = acc.assert_page(resp.json(), 1, 20, total=5)
    assert [i["id"] for i in items] == [made[w] for w in order], [i["name"] for i in items]
    for it in items:
        assert_product(it)
    assert [i["isActive"] for i in items] == [True, False, True, False, True]

    lower = admin_call(ADMIN, "GET", url(P, search=tag.lower())).json()
    assert lower["totalCount"] == 5, lower

    p1 = acc.assert_page(admin_call(ADMIN, "GET", url(P, search=tag, page=1, pageSize=2)).json(), 1, 2, 5)
    p3 = acc.assert_page(admin_call(ADMIN, "GET", url(P, search=tag, page=3, pageSize=2)).json(), 3, 2, 5)
    p4 = acc.assert_page(admin_call(ADMIN, "GET", url(P, search=tag, page=4, pageSize=2)).json(), 4, 2, 5)
    assert [i["id"] for i in p1] == [made["alpha"], made["Bravo"]]
    assert [i["id"] for i in p3] == [made["Echo"]] and p4 == []

    active = admin_call(ADMIN, "GET", url(P, search=tag, isActive="true")).json()
    assert [i["id"] for i in active["items"]] == [made["alpha"], made["Charlie"], made["Echo"]], active
    inactive = admin_call(ADMIN, "GET", url(P, search=tag, isActive="false")).json()
    assert [i["id"] for i in inactive["items"]] == [made["Bravo"], made["Delta"]], inactive
    by_cat = admin_call(ADMIN, "GET", url(P, categoryId=cat)).json()
    assert [i["id"] for i in by_cat["items"]] == [made["Charlie"], made["Delta"]], by_cat
    both = admin_call(ADMIN, "GET", url(P, categoryId=cat, isActive="false")).json()
    assert [i["id"] for i in both["items"]] == [made["Delta"]], both
    unknown_cat = admin_call(ADMIN, "GET", url(P, categoryId=str(uuid.uuid4()))).json()
    assert unknown_cat["items"] == [] and unknown_cat["totalCount"] == 0, unknown_cat

    # % and _ are literals
    for needle in ("%", "_"):
        body = admin_call(ADMIN, "GET", url(P, search=needle, pageSize=100)).json()
        like = "%\\%%" if needle == "%" else "%\\_%"
        want = int(ecom.sql_value(f"SELECT COUNT(*) FROM products WHERE name LIKE '{like}'", db=ecom.schema_of(S)))
        assert body["totalCount"] == want and all(needle in i["name"] for i in body["items"]), (needle, body)

    # without filters: every product of the store, inactive ones too
    everything = admin_call(ADMIN, "GET", url(P, pageSize=1)).json()
    total = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=ecom.schema_of(S)))
    assert everything["totalCount"] == total, (everything["totalCount"], total)


def test_list_bad_parameters_are_400():
    for params, field in (({"isActive": "yes"}, "isActive"), ({"isActive": "1"}, "isActive"),
                          ({"isActive": ""}, "isActive"), ({"categoryId": "x"}, "categoryId"),
                          ({"categoryId": "1234"}, "categoryId"), ({"page": 0}, "page"),
                          ({"pageSize": 101}, "pageSize"), ({"page": "a"}, "page")):
        assert_field_error(admin_call(ADMIN, "GET", url(P, **params)), field)


# --------------------------------------------------------------------------- delete

def test_delete_an_unordered_product_removes_it():
    got = create_ok(name=unique_name("Delete"), price=2, stock=5)
    pid = got["id"]
    sid = shop.new_session()
    shop.add_ok(S, sid, pid, 1)                   # only in a cart, never ordered
    resp = admin_call(ADMIN, "DELETE", f"{P}/{pid}")
    assert resp.status == 200, resp
    assert resp.json() == {"id": pid, "deleted": True, "isActive": False}, resp.json()
    assert_problem(get_admin(pid), 404)
    assert_problem(public_get(pid), 404)
    assert_problem(admin_call(ADMIN, "DELETE", f"{P}/{pid}"), 404)
    cart = shop.get_cart(S, sid)
    assert cart.status == 200 and pid not in [i["productId"] for i in cart.json()["items"]], cart


def test_delete_an_ordered_product_deactivates_it():
    name = unique_name("Ordered")
    got = create_ok(name=name, price=12, stock=5)
    pid = got["id"]
    sid = shop.new_session()
    shop.add_ok(S, sid, pid, 2)
    _, placed = shop.place_ok(S, sid)
    resp = admin_call(ADMIN, "DELETE", f"{P}/{pid}")
    assert resp.status == 200, resp
    assert resp.json() == {"id": pid, "deleted": False, "isActive": False}, resp.json()
    view = get_admin(pid)
    assert view.status == 200 and view.json()["isActive"] is False and view.json()["name"] == name, view
    assert_problem(public_get(pid), 404)
    order = shop.get_order(S, sid, placed["orderId"])
    assert order.status == 200, order
    assert [(i["productId"], i["productName"], i["quantity"]) for i in order.json()["items"]] == [(pid, name, 2)]
    inactive = admin_call(ADMIN, "GET", url(P, search=name, isActive="false")).json()
    assert [i["id"] for i in inactive["items"]] == [pid], inactive
    # deleting it again keeps it (still referenced)
    again = admin_call(ADMIN, "DELETE", f"{P}/{pid}")
    assert again.status == 200 and again.json()["deleted"] is False, again


def test_another_stores_product_is_404():
    theirs = admin_ok(OTHER_ADMIN, "POST", P, body={"name": unique_name("Theirs"), "price": 1}, status=201)["id"]
    assert_problem(get_admin(theirs), 404)
    assert_problem(patch(theirs, {"name": "mine now"}), 404)
    assert_problem(admin_call(ADMIN, "PUT", f"{P}/{theirs}/stock", body={"stock": 99}), 404)
    assert_problem(admin_call(ADMIN, "DELETE", f"{P}/{theirs}"), 404)
    still = admin_ok(OTHER_ADMIN, "GET", f"{P}/{theirs}")
    assert still["stock"] == 0 and still["isActive"] is True and still["name"] != "mine now", still
    # a category of another store is not an existing category here
    other_cat = ecom.insert_category(OTHER, "Foreign")
    assert_field_error(admin_call(ADMIN, "POST", P, body={"name": unique_name(), "price": 1,
                                                          "categoryIds": [other_cat]}), "categoryIds")


def test_wrong_methods_are_405():
    for method, path in (("PUT", P), ("DELETE", P), ("POST", f"{P}/{SEEDED}"), ("GET", f"{P}/{SEEDED}/stock"),
                         ("PATCH", f"{P}/{SEEDED}/stock")):
        resp = admin_call(ADMIN, method, path, body={} if method in ("PUT", "POST", "PATCH") else None)
        assert_problem(resp, 405)
        assert resp.headers.get("Allow"), resp.headers
