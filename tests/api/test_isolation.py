"""Tenant isolation (CONTRACT §2): store A's data never shows on store B, sequentially or in parallel."""

import math
import os
import random
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, tenant_headers, url  # noqa: E402

STORES = {}   # key "A"/"B" -> dict(slug, name, plan, active (ordered list), all_ids, cats, shared_names)
SHARED_IDS = []


def _snapshot(slug):
    active = ecom.active_products(slug)
    cats = {r[0] for r in ecom.sql("SELECT id FROM categories WHERE is_active = 1", db=ecom.schema_of(slug))}
    return {"active": active, "active_ids": {p["id"] for p in active},
            "names": {p["id"]: p["name"] for p in active},
            "all_ids": ecom.all_product_ids(slug), "cats": cats}


def setup_module():
    for key, plan in (("A", "PREMIUM"), ("B", "ENTERPRISE")):
        slug = ecom.unique_slug("iso")
        name = f"Isolation {key} {slug}"
        ecom.new_store(plan, name=name, slug=slug)
        STORES[key] = {"slug": slug, "name": name, "plan": plan}
    # The same product ids in both stores, with different names: a statement or cache shared
    # between stores would answer with the other store's name.
    for i in range(3):
        pid = str(uuid.uuid4())
        SHARED_IDS.append(pid)
        for key, st in STORES.items():
            ecom.sql(f"INSERT INTO products (id, name, description, price, discount, stock) VALUES "
                     f"({ecom.q(pid)}, {ecom.q(f'Shared {i} of store {key}')}, 'shared', {10 + i}, 0, 5)",
                     db=ecom.schema_of(st["slug"]))
    for st in STORES.values():
        st.update(_snapshot(st["slug"]))


def other(key):
    return "B" if key == "A" else "A"


def test_stores_have_disjoint_seeded_ids():
    a, b = STORES["A"], STORES["B"]
    assert len(a["active"]) >= 40 and len(b["active"]) >= 40
    assert (a["all_ids"] & b["all_ids"]) == set(SHARED_IDS), "seeded product ids repeat between stores"
    assert not (a["cats"] & b["cats"])


def test_product_of_a_is_404_on_b_and_vice_versa():
    for key in ("A", "B"):
        mine = STORES[key]
        theirs = STORES[other(key)]
        sample = [p for p in sorted(mine["active_ids"] - set(SHARED_IDS))][:10]
        for pid in sample:
            assert http("GET", f"/api/catalog/products/{pid}", headers=tenant_headers(mine["slug"])).status == 200
            assert_problem(http("GET", f"/api/catalog/products/{pid}", headers=tenant_headers(theirs["slug"])), 404)


def test_category_of_a_as_filter_on_b_is_empty():
    for key in ("A", "B"):
        for cid in sorted(STORES[key]["cats"])[:3]:
            resp = http("GET", url("/api/catalog/products", categoryId=cid),
                        headers=tenant_headers(STORES[other(key)]["slug"]))
            assert resp.status == 200, resp
            assert resp.json()["items"] == [] and resp.json()["totalCount"] == 0


def test_same_id_in_both_stores_answers_each_stores_own_row():
    for _ in range(3):
        for i, pid in enumerate(SHARED_IDS):
            for key in ("A", "B", "A"):
                resp = http("GET", f"/api/catalog/products/{pid}", headers=tenant_headers(STORES[key]["slug"]))
                assert resp.status == 200, resp
                assert resp.json()["name"] == f"Shared {i} of store {key}", resp


# --------------------------------------------------------------------------- mixed traffic

KINDS = ("list", "list_page", "detail", "detail_other", "categories", "config", "features", "search")


def one_request(key, kind, rnd):
    """Sends one request for store `key`; returns None when correct, else an error string."""
    st = STORES[key]
    ot = STORES[other(key)]
    h = tenant_headers(st["slug"])
    try:
        if kind in ("list", "list_page", "search"):
            if kind == "list":
                params = {"pageSize": 100}
            elif kind == "list_page":
                params = {"pageSize": 10, "page": rnd.randint(1, math.ceil(len(st["active"]) / 10))}
            else:
                params = {"search": "Shared", "pageSize": 100}
            resp = http("GET", url("/api/catalog/products", **params), headers=h)
            if resp.status != 200:
                return f"{kind} {key}: {resp!r}"
            body = resp.json()
            got = {p["id"] for p in body["items"]}
            if not got <= st["active_ids"]:
                return f"{kind} {key}: foreign ids {got - st['active_ids']}"
            if body["totalCount"] != (len(st["active"]) if kind != "search" else
                                      sum(1 for p in st["active"] if "shared" in p["name"].lower())):
                return f"{kind} {key}: totalCount {body['totalCount']}"
            for p in body["items"]:
                if p["name"] != st["names"][p["id"]]:
                    return f"{kind} {key}: name {p['name']!r} of {p['id']} is not this store's"
        elif kind == "detail":
            pid = rnd.choice(sorted(st["active_ids"]))
            resp = http("GET", f"/api/catalog/products/{pid}", headers=h)
            if resp.status != 200 or resp.json()["id"] != pid or resp.json()["name"] != st["names"][pid]:
                return f"detail {key} {pid}: {resp!r}"
        elif kind == "detail_other":
            pid = rnd.choice(sorted(ot["active_ids"] - set(SHARED_IDS)))
            resp = http("GET", f"/api/catalog/products/{pid}", headers=h)
            if resp.status != 404:
                return f"detail of other store's {pid} on {key}: {resp!r}"
        elif kind == "categories":
            resp = http("GET", "/api/catalog/categories", headers=h)
            if resp.status != 200 or {c["id"] for c in resp.json()} != st["cats"]:
                return f"categories {key}: {resp!r}"
        elif kind == "config":
            resp = http("GET", "/public/tenant-config", headers=h)
            body = resp.json() if resp.status == 200 else {}
            if resp.status != 200 or body.get("slug") != st["slug"] or body.get("name") != st["name"]:
                return f"config {key}: {resp!r}"
        elif kind == "features":
            resp = http("GET", "/api/features", headers=h)
            want_push = st["plan"] == "ENTERPRISE"
            if resp.status != 200 or resp.json()["features"]["push"] is not want_push:
                return f"features {key}: {resp!r}"
    except Exception as exc:  # noqa: BLE001 - reported as a failure of this request
        return f"{kind} {key}: exception {exc!r}"
    return None


def test_alternating_sequential_requests():
    rnd = random.Random(1234)
    errors = []
    for i in range(64):
        key = "A" if i % 2 == 0 else "B"
        kind = KINDS[(i // 2) % len(KINDS)]
        err = one_request(key, kind, rnd)
        if err:
            errors.append(err)
    assert not errors, "\n".join(errors[:10])


def test_parallel_mixed_requests_never_cross():
    plan = []
    rnd = random.Random(99)
    for i in range(240):
        plan.append(("A" if i % 2 == 0 else "B", rnd.choice(KINDS), random.Random(i)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda args: one_request(*args), plan))
    errors = [r for r in results if r]
    assert not errors, f"{len(errors)} bad responses of {len(plan)}:\n" + "\n".join(errors[:10])
