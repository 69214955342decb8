"""Maintained counts (sql/tenant/0004_catalog_counts.sql): catalog_stats.active_products and category_counts.product_count
equal a recount from the rows after admin API writes, operators' SQL, orders, a random mix and concurrent requests.

The public catalog is read through the workers' answer cache ([catalog] cache_ttl_ms, on as configured): a write
through the API shows at once, one by SQL within the TTL or at once after `ecom-provision refresh`, which a check after
SQL runs before it reads the API."""

import collections
import os
import random
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import q, url  # noqa: E402
from accounts import admin_call, admin_ok  # noqa: E402

P = acc.ADMIN_PRODUCTS
C = acc.ADMIN_CATEGORIES
LIST = "/api/catalog/products"
SEED = int(os.environ.get("ECOM_COUNTS_SEED", "4004"))
# recounted from the rows: total active products, category id -> its active products, the active categories
Counts = collections.namedtuple("Counts", "total cats active_cats")


def check(slug, admin=None, what="", after_sql=False):
    """Asserts that the maintained counts equal a recount, in SQL and through the API; returns the recount.
    after_sql: the last write was made by SQL just before (the workers are told to drop their cached answers)."""
    db = ecom.schema_of(slug)
    stats = ecom.sql("SELECT active_products, (SELECT COUNT(*) FROM products WHERE is_active = 1) "
                     "FROM catalog_stats", db=db)
    assert len(stats) == 1, f"{what}: catalog_stats must hold one row: {stats}"
    kept, total = int(stats[0][0]), int(stats[0][1])
    assert kept == total, f"{what}: catalog_stats.active_products {kept} != recount {total}"
    rows = ecom.sql("SELECT c.id, c.is_active, COALESCE(cc.product_count, 0), (SELECT COUNT(*) "
                    "FROM product_categories pc JOIN products p ON p.id = pc.product_id AND p.is_active = 1 "
                    "WHERE pc.category_id = c.id) FROM categories c LEFT JOIN category_counts cc "
                    "ON cc.category_id = c.id", db=db)
    wrong = {r[0]: (int(r[2]), int(r[3])) for r in rows if r[2] != r[3]}
    assert not wrong, f"{what}: category_counts.product_count != recount, (kept, recount): {wrong}"
    cats = {r[0]: int(r[3]) for r in rows}
    active_cats = {r[0] for r in rows if r[1] == "1"}
    if after_sql:
        ecom.wait_tenant_cache()
    items, first = ecom.fetch_all_pages(LIST, slug)
    assert first["totalCount"] == total, f"{what}: totalCount {first['totalCount']} != recount {total}"
    assert len(items) == total, f"{what}: the list walks {len(items)} products, totalCount says {total}"
    past = ecom.get_json(url(LIST, page=first["totalPages"] + 1, pageSize=100), slug)
    assert past["items"] == [] and past["totalCount"] == total, f"{what}: past the end: {past}"
    public = {c["id"]: c["productCount"] for c in ecom.get_json("/api/catalog/categories", slug)}
    assert public == {cid: cats[cid] for cid in active_cats}, f"{what}: public productCount {public} != {cats}"
    for cid in active_cats:
        listed = ecom.get_json(url(LIST, categoryId=cid, pageSize=1), slug)["totalCount"]
        assert listed == cats[cid], f"{what}: categoryId={cid} lists {listed}, productCount {cats[cid]}"
    if admin is not None:
        body = admin_ok(admin, "GET", url(C, pageSize=100))
        got = {c["id"]: c["productCount"] for c in body["items"]}
        assert body["totalCount"] == len(got) and got == cats, f"{what}: admin productCount {got} != {cats}"
    return Counts(total, cats, active_cats)


def expect(n, base, model, cats, what):
    """model: product id -> [active, set of category ids], for the products the test made itself."""
    assert n.total == base.total + sum(1 for a, _ in model.values() if a), f"{what}: total {n.total}"
    for c in cats:
        want = sum(1 for a, cs in model.values() if a and c in cs)
        assert n.cats.get(c) == want, f"{what}: category {c} has {n.cats.get(c)}, expected {want}"


def fresh():
    slug = ecom.new_store("PREMIUM")
    return slug, acc.new_admin(slug)


def new_category(admin):
    return admin_ok(admin, "POST", C, body={"name": f"Count {uuid.uuid4().hex[:8]}"}, status=201)["id"]


def create(admin, cats, active=True):
    body = {"name": f"Counted {uuid.uuid4().hex[:10]}", "price": 5, "stock": 50, "isActive": active,
            "categoryIds": list(cats)}
    return admin_ok(admin, "POST", P, body=body, status=201)["id"]


def patch(admin, pid, **body):
    return admin_ok(admin, "PATCH", f"{P}/{pid}", body=body)


def order(slug, pid, quantity=1, sid=None):
    sid = sid or shop.new_session()
    shop.add_ok(slug, sid, pid, quantity)
    return shop.place_ok(slug, sid)[1]


def test_admin_api_writes_keep_the_counts():
    slug, admin = fresh()
    base = check(slug, admin, "fresh store")
    ca, cb, cc = new_category(admin), new_category(admin), new_category(admin)
    a1, a2, i1 = create(admin, [ca, cb]), create(admin, [ca]), create(admin, [ca, cb], active=False)
    m = {a1: [True, {ca, cb}], a2: [True, {ca}], i1: [False, {ca, cb}]}

    def step(what, pid=None, **body):
        if pid is not None:
            patch(admin, pid, **body)
            m[pid][0] = body.get("isActive", m[pid][0])
            m[pid][1] = set(body.get("categoryIds", m[pid][1]))
        n = check(slug, admin, what)
        expect(n, base, m, (ca, cb, cc), what)
        return n

    step("created")
    step("a1 off", a1, isActive=False)
    step("a1 off again", a1, isActive=False)
    step("a1 on", a1, isActive=True)
    step("a1 relinked", a1, categoryIds=[cb, cc])
    step("i1 relinked while inactive", i1, categoryIds=[cc])
    step("i1 on and relinked", i1, isActive=True, categoryIds=[ca, cc])
    step("a1 off and relinked", a1, isActive=False, categoryIds=[ca])
    step("a1 on and unlinked", a1, isActive=True, categoryIds=[])
    n = step("a2 renamed", a2, name="Renamed product")
    assert (n.cats[ca], n.cats[cb], n.cats[cc]) == (2, 0, 1), n.cats
    assert admin_ok(admin, "DELETE", f"{P}/{a2}") == {"id": a2, "deleted": True, "isActive": False}
    del m[a2]
    assert a2 not in ecom.all_product_ids(slug)
    step("a2 deleted")
    order(slug, i1)
    assert admin_ok(admin, "DELETE", f"{P}/{i1}") == {"id": i1, "deleted": False, "isActive": False}
    m[i1][0] = False
    assert shop.product_row(slug, i1)["active"] is False
    n = step("i1 ordered, then deleted: deactivated")
    assert (n.cats[ca], n.cats[cc]) == (0, 0), n.cats
    before = step("a1 in ca and cb", a1, categoryIds=[ca, cb])
    assert admin_ok(admin, "DELETE", f"{C}/{cb}")["isActive"] is False
    n = step("cb deactivated")
    assert cb not in n.active_cats and n.cats == before.cats, (n.cats, before.cats)
    public = {c["id"] for c in ecom.get_json("/api/catalog/categories", slug)}
    assert cb not in public and {ca, cc} <= public, public


def test_operator_sql_keeps_the_counts():
    slug = ecom.new_store("PREMIUM")
    db = ecom.schema_of(slug)
    base = check(slug, what="fresh store")
    cats = [ecom.insert_category(slug, f"Op {k} {uuid.uuid4().hex[:6]}") for k in "abc"]
    c1, c2, c3 = cats
    p1, p2 = shop.product(slug, categories=[c1, c2]), shop.product(slug, categories=[c1])
    p3 = shop.product(slug, active=False, categories=[c2, c3])
    p4, p5 = str(uuid.uuid4()), str(uuid.uuid4())
    m = {p1: [True, {c1, c2}], p2: [True, {c1}], p3: [False, {c2, c3}]}

    def step(what, stmt=None):
        if stmt is not None:
            ecom.sql(stmt, db=db)
        n = check(slug, what=what, after_sql=True)
        expect(n, base, m, cats, what)
        return n

    step("inserted one by one")
    m[p4], m[p5] = [True, {c1, c3}], [False, {c3}]
    step("several rows a statement",
         f"INSERT INTO products (id, name, description, price, stock, is_active) VALUES "
         f"({q(p4)}, 'Op four', '', 3, 5, 1), ({q(p5)}, 'Op five', '', 4, 5, 0); "
         f"INSERT INTO product_categories (product_id, category_id) VALUES "
         f"({q(p4)}, {q(c3)}), ({q(p5)}, {q(c3)}), ({q(p4)}, {q(c1)})")
    m[p1][0] = m[p2][0] = False
    step("two switched off", f"UPDATE products SET is_active = 0 WHERE id IN ({q(p1)}, {q(p2)})")
    m[p1][0] = m[p3][0] = m[p5][0] = True
    step("flipped", f"UPDATE products SET is_active = 1 - is_active WHERE id IN ({q(p1)}, {q(p3)}, {q(p5)})")
    step("active set again", f"UPDATE products SET is_active = 1, stock = stock + 1 WHERE id = {q(p4)}")
    m[p4][1] = {c1, c2}
    step("link moved", f"UPDATE product_categories SET category_id = {q(c2)} "
                       f"WHERE product_id = {q(p4)} AND category_id = {q(c3)}")
    m[p1][1], m[p2][1] = {c1}, {c1, c2}
    step("link handed to an inactive product", f"UPDATE product_categories SET product_id = {q(p2)} "
                                              f"WHERE product_id = {q(p1)} AND category_id = {q(c2)}")
    m[p3][1].discard(c3)
    step("unlinked", f"DELETE FROM product_categories WHERE product_id = {q(p3)} AND category_id = {q(c3)}")
    m[p3] = [True, set()]
    step("replaced", f"REPLACE INTO products (id, name, description, price, stock, is_active) "
                     f"VALUES ({q(p3)}, 'Op three again', '', 2, 1, 1)")
    step("rolled back", "START TRANSACTION; UPDATE products SET is_active = 1 - is_active; "
                        "DELETE FROM product_categories; ROLLBACK")
    order(slug, p1)
    proc = ecom.mariadb(f"DELETE FROM products WHERE id IN ({q(p5)}, {q(p1)})", "ecom_admin",
                        ecom.secrets()["ECOM_DB_ADMIN_PASSWORD"], db=db)
    assert proc.returncode != 0 and "foreign key" in proc.stderr.lower(), ecom.describe(proc)
    assert {p1, p5} <= ecom.all_product_ids(slug)
    step("a delete refused by order_items")
    del m[p4], m[p5]
    step("deleted", f"DELETE FROM products WHERE id IN ({q(p4)}, {q(p5)})")
    assert ecom.sql_value(f"SELECT COUNT(*) FROM product_categories WHERE product_id IN ({q(p4)}, {q(p5)})",
                          db=db) == "0"
    cats.remove(c1)
    for _, links in m.values():
        links.discard(c1)
    n = step("category deleted", f"DELETE FROM categories WHERE id = {q(c1)}")
    assert c1 not in n.cats
    demo = max((c for c in n.active_cats if c not in cats), key=lambda c: n.cats[c])
    after = step("a full category deleted", f"DELETE FROM categories WHERE id = {q(demo)}")
    assert n.cats[demo] > 0 and after.total == n.total
    assert after.cats == {c: k for c, k in n.cats.items() if c != demo}, (after.cats, n.cats)


def test_orders_and_stock_leave_the_counts_alone():
    slug = ecom.new_store("PREMIUM")
    cat = ecom.insert_category(slug, f"Sold {uuid.uuid4().hex[:6]}")
    a, b = shop.product(slug, stock=3, categories=[cat]), shop.product(slug, stock=5, categories=[cat])
    before = check(slug, what="before orders")
    sid = shop.new_session()
    shop.add_ok(slug, sid, a, 3)
    order(slug, b, 2, sid)
    assert (shop.stock_of(slug, a), shop.stock_of(slug, b)) == (0, 3)
    sid = shop.new_session()
    shop.add_ok(slug, sid, b, 3)
    shop.set_stock(slug, b, 1)
    assert shop.place(slug, sid).status == 409
    for p in [p for p in ecom.active_products(slug) if p["stock"] > 0][:5]:
        order(slug, p["id"], min(2, p["stock"]))
    shop.set_stock(slug, b, 0)
    n = check(slug, what="after orders and stock changes")
    assert before.cats[cat] == 2 and (n.total, n.cats) == (before.total, before.cats), (n.total, before.total)
    assert shop.order_count(slug) == 6 and shop.product_row(slug, a)["active"]


def test_random_mix_of_api_and_sql_writes():
    slug, admin = fresh()
    db = ecom.schema_of(slug)
    rng = random.Random(SEED)
    ops = ["api create", "api isActive", "api categoryIds", "api both", "api delete", "api category isActive",
           "api new category", "sql insert", "sql flip", "sql link", "sql unlink", "sql move", "sql delete",
           "sql delete category", "order"]
    schedule = ops * 4
    rng.shuffle(schedule)
    unused = "NOT EXISTS (SELECT 1 FROM order_items o WHERE o.product_id = products.id) AND " \
             "NOT EXISTS (SELECT 1 FROM cart_items i WHERE i.product_id = products.id)"
    log, totals = [], set()
    for i, op in enumerate(schedule):
        prods = ecom.sql("SELECT id, is_active, stock FROM products ORDER BY name, id", db=db)
        cats = [r[0] for r in ecom.sql("SELECT id FROM categories ORDER BY name, id", db=db)]
        links = ecom.sql("SELECT product_id, category_id FROM product_categories ORDER BY 1, 2", db=db)
        (pid, active, _), cid, (lp, lc) = rng.choice(prods), rng.choice(cats), rng.choice(links)
        some, flip = rng.sample(cats, rng.randint(0, 3)), [r[0] for r in rng.sample(prods, 3)]
        sql = {
            "sql flip": f"UPDATE products SET is_active = 1 - is_active WHERE id IN ({', '.join(map(q, flip))})",
            "sql link": f"INSERT IGNORE INTO product_categories VALUES ({q(pid)}, {q(cid)})",
            "sql unlink": f"DELETE FROM product_categories WHERE product_id = {q(lp)} AND category_id = {q(lc)}",
            # onto a category the product lacks (UPDATE IGNORE onto a link it has: the merge test below)
            "sql move": "DO 0" if [lp, cid] in links else
                        f"UPDATE product_categories SET category_id = {q(cid)} WHERE product_id = {q(lp)} "
                        f"AND category_id = {q(lc)}",
            "sql delete": f"DELETE FROM products WHERE id = {q(pid)} AND {unused}",
            "sql delete category": f"DELETE FROM categories WHERE id = {q(cid)}" if len(cats) > 4 else "DO 0",
        }
        if op in sql:
            ecom.sql(sql[op], db=db)
        elif op == "sql insert":
            shop.product(slug, active=rng.random() < 0.7, categories=some)
        elif op == "api create":
            create(admin, some, active=rng.random() < 0.7)
        elif op == "api delete":
            admin_ok(admin, "DELETE", f"{P}/{pid}")
        elif op == "api category isActive":
            admin_ok(admin, "PATCH", f"{C}/{cid}", body={"isActive": rng.random() < 0.5})
        elif op == "api new category":
            new_category(admin)
        elif op == "order":
            order(slug, rng.choice([r[0] for r in prods if r[1] != "0" and int(r[2]) > 0]))
        else:
            patch(admin, pid, **{"api isActive": {"isActive": active == "0"}, "api categoryIds": {"categoryIds": some},
                                 "api both": {"isActive": active == "0", "categoryIds": some}}[op])
        log.append(f"#{i} {op} {pid} {cid} {lp} {lc}")
        what = f"seed {SEED}, after " + " | ".join(log[-3:])
        totals.add(check(slug, admin, what, after_sql=op.startswith("sql")).total)
    assert len(log) == 60 and len(totals) > 3 and shop.order_count(slug) >= 4, (totals, log)


def test_concurrent_admin_toggles_and_links():
    slug, admin = fresh()
    rng = random.Random(SEED + 1)
    cats = [new_category(admin) for _ in range(4)]
    own = [create(admin, cats[i % 4:i % 4 + 2]) for i in range(8)]
    shared = [create(admin, cats[:2]) for _ in range(3)]
    before = check(slug, admin, "before the race")
    plans, last = [], []        # a thread's own product ends as that thread last set it
    for i in range(8):
        plan, state = [], {"isActive": True, "categoryIds": cats[i % 4:i % 4 + 2]}
        for _ in range(13):
            r, links = rng.random(), rng.sample(cats, rng.randint(0, 3))
            if r < 0.35:
                state["isActive"] = not state["isActive"]
                plan.append((own[i], {"isActive": state["isActive"]}))
            elif r < 0.75:
                plan.append((rng.choice(shared), {"isActive": r < 0.55} if r < 0.6 else {"categoryIds": links}))
            else:
                state.update(isActive=not state["isActive"], categoryIds=links)
                plan.append((own[i], dict(state)))
        plans.append(plan)
        last.append(state)

    def run(plan):
        return lambda: [admin_call(admin, "PATCH", f"{P}/{pid}", body=body).status for pid, body in plan]

    results = shop.parallel([run(p) for p in plans], workers=8)
    assert all(isinstance(r, list) and r == [200] * 13 for r in results), results
    n = check(slug, admin, "after the race")
    for pid, state in zip(own, last):
        got = admin_ok(admin, "GET", f"{P}/{pid}")
        assert got["isActive"] == state["isActive"], (pid, got, state)
        assert {c["id"] for c in got["categories"]} == set(state["categoryIds"]), (pid, got, state)
    shared_on = int(ecom.sql_value(f"SELECT COUNT(*) FROM products WHERE is_active = 1 AND id IN "
                                   f"({', '.join(map(q, shared))})", db=ecom.schema_of(slug)))
    assert n.total == before.total - len(own) - len(shared) + shared_on + sum(s["isActive"] for s in last)


def test_operator_is_active_other_than_0_or_1():
    """is_active is a TINYINT(1): an operator can store 2. Active means 1 for the list and the counters alike."""
    slug = ecom.new_store("PREMIUM")
    pid = shop.product(slug, categories=[ecom.insert_category(slug, f"Two {uuid.uuid4().hex[:6]}")])
    check(slug, what="before")
    ecom.sql(f"UPDATE products SET is_active = 2 WHERE id = {q(pid)}", db=ecom.schema_of(slug))
    check(slug, what="is_active = 2", after_sql=True)


def test_operator_merges_categories_with_update_ignore():
    """Merging a into b the usual way: move the links b lacks (IGNORE skips the rest), then drop a."""
    slug = ecom.new_store("PREMIUM")
    a, b = (ecom.insert_category(slug, f"Merge {k} {uuid.uuid4().hex[:6]}") for k in "ab")
    shop.product(slug, categories=[a, b])
    shop.product(slug, categories=[a])
    check(slug, what="before the merge")
    ecom.sql(f"UPDATE IGNORE product_categories SET category_id = {q(b)} WHERE category_id = {q(a)}",
             db=ecom.schema_of(slug))
    assert check(slug, what="links moved", after_sql=True).cats[a] == 1
    ecom.sql(f"DELETE FROM categories WHERE id = {q(a)}", db=ecom.schema_of(slug))
    assert check(slug, what="merged", after_sql=True).cats[b] == 2


def test_operator_statements_that_read_categories_while_changing_links():
    """Triggers must not write a table the statement itself reads (MariaDB error 1442): linking every
    product to categories chosen by a SELECT on categories, unlinking by a subquery on categories,
    and switching products off by a join with categories all work, and the counts follow."""
    slug = ecom.new_store("PREMIUM")
    db = ecom.schema_of(slug)
    a, b = (ecom.insert_category(slug, f"Read {k} {uuid.uuid4().hex[:6]}") for k in "ab")
    p1 = shop.product(slug)
    p2 = shop.product(slug)
    check(slug, what="before")
    ecom.sql(f"INSERT INTO product_categories (product_id, category_id) SELECT p.id, c.id FROM products p "
             f"JOIN categories c ON c.id IN ({q(a)}, {q(b)}) WHERE p.id IN ({q(p1)}, {q(p2)})", db=db)
    n = check(slug, what="linked by INSERT ... SELECT from categories", after_sql=True)
    assert n.cats[a] == 2 and n.cats[b] == 2, n.cats
    ecom.sql(f"UPDATE products p JOIN product_categories pc ON pc.product_id = p.id "
             f"JOIN categories c ON c.id = pc.category_id SET p.is_active = 0 "
             f"WHERE c.id = {q(a)} AND p.id = {q(p1)}", db=db)
    n = check(slug, what="switched off through a join with categories", after_sql=True)
    assert n.cats[a] == 1 and n.cats[b] == 1, n.cats
    ecom.sql(f"DELETE FROM product_categories WHERE category_id IN (SELECT id FROM categories WHERE id = {q(b)})",
             db=db)
    n = check(slug, what="unlinked by a subquery on categories", after_sql=True)
    assert n.cats[b] == 0 and n.cats[a] == 1, n.cats
