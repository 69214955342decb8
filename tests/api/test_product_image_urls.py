"""Each product row's copy of its images (products.image_urls, sql/tenant/0005_product_image_urls.sql), which the
storefront's product list and detail, the admin's product reads and the cart read instead of product_images.

- The copy equals the images in position order (NULL when there are none) after every write: through the admin API
  (create, replace, empty, a PATCH that leaves images alone) and by operators' SQL on product_images (insert out of
  order, change a URL, move an image to another position and to another product, delete one, delete all).
- What the API shows is the copy: list, detail, admin detail, and the cart's productImage (the first image).
- URLs that JSON escapes (quotes, backslashes, non-ASCII) read back unchanged, in the list and in the cart.
- The reads do not touch product_images: with the table renamed away they still answer, with the images.
- A store migrated from before the copy existed gets it from its rows (`ecom-provision migrate`)."""

import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import q, url  # noqa: E402
from accounts import admin_call, admin_ok  # noqa: E402
from processes import describe, provision  # noqa: E402

P = acc.ADMIN_PRODUCTS
LIST = "/api/catalog/products"
S = None
ADMIN = None
TRIGGERS = ("trg_product_images_ai", "trg_product_images_au", "trg_product_images_ad")


def setup_module():
    global S, ADMIN
    S = ecom.new_store("PREMIUM")
    ADMIN = acc.new_admin(S)


def img(name):
    return f"https://img.example/{uuid.uuid4().hex[:8]}/{name}"


def rows_of(pid, slug=None):
    """The images in product_images, by position."""
    return [r[0] for r in ecom.sql(f"SELECT url FROM product_images WHERE product_id = {q(pid)} ORDER BY position",
                                   db=ecom.schema_of(slug or S))]


def copy_of(pid, slug=None):
    """products.image_urls parsed; None for SQL NULL."""
    rows = ecom.sql(f"SELECT image_urls FROM products WHERE id = {q(pid)}", db=ecom.schema_of(slug or S))
    assert rows, f"no product {pid}"
    return None if rows[0][0] is None else json.loads(rows[0][0])


def listed(pid, slug):
    items, _ = ecom.fetch_all_pages(LIST, slug)
    found = [i for i in items if i["id"] == pid]
    assert len(found) == 1, f"{pid} listed {len(found)} times"
    return found[0]["images"]


def assert_images(pid, expected, what, after_sql=False, slug=None):
    """The rows, the copy and every read of the API show `expected`."""
    slug = slug or S
    assert rows_of(pid, slug) == expected, f"{what}: product_images holds {rows_of(pid, slug)}"
    copy = copy_of(pid, slug)
    assert copy == (expected or None), f"{what}: image_urls is {copy!r}, the rows say {expected}"
    if after_sql:
        ecom.wait_tenant_cache()
    assert listed(pid, slug) == expected, f"{what}: the list shows {listed(pid, slug)}"
    assert ecom.get_json(f"{LIST}/{pid}", slug)["images"] == expected, what
    if slug == S:
        assert admin_ok(ADMIN, "GET", f"{P}/{pid}")["images"] == expected, what
    sid = shop.new_session()
    cart = shop.add_ok(slug, sid, pid, 1)
    line = [x for x in cart["items"] if x["productId"] == pid]
    assert line and line[0]["productImage"] == (expected[0] if expected else None), f"{what}: cart {line}"


def test_the_admin_api_writes_are_copied():
    first, second, third = img("a.jpg"), img("b.jpg"), img("c.png")
    body = admin_ok(ADMIN, "POST", P, {"name": f"Lamp {uuid.uuid4().hex[:6]}", "price": 20, "stock": 50,
                                       "images": [first, second, third]}, status=201)
    pid = body["id"]
    assert body["images"] == [first, second, third]
    assert_images(pid, [first, second, third], "created")
    admin_ok(ADMIN, "PATCH", f"{P}/{pid}", {"images": [third, first]})
    assert_images(pid, [third, first], "replaced")
    admin_ok(ADMIN, "PATCH", f"{P}/{pid}", {"price": 21})
    assert_images(pid, [third, first], "a PATCH without images")
    admin_ok(ADMIN, "PATCH", f"{P}/{pid}", {"images": []})
    assert_images(pid, [], "emptied")
    plain = admin_ok(ADMIN, "POST", P, {"name": f"Plain {uuid.uuid4().hex[:6]}", "price": 5, "stock": 5},
                     status=201)["id"]
    assert_images(plain, [], "created without images")


def test_operators_sql_on_the_images_is_copied():
    db = ecom.schema_of(S)
    pid = ecom.insert_product(S, f"Chair {uuid.uuid4().hex[:6]}", "40.00", stock=50)
    other = ecom.insert_product(S, f"Table {uuid.uuid4().hex[:6]}", "90.00", stock=50)
    a, b, c = img("a.jpg"), img("b.jpg"), img("c.jpg")
    ecom.sql(f"INSERT INTO product_images (product_id, position, url) VALUES ({q(pid)}, 2, {q(c)}); "
             f"INSERT INTO product_images (product_id, position, url) VALUES ({q(pid)}, 0, {q(a)}), ({q(pid)}, 1, {q(b)})",
             db=db)
    assert_images(pid, [a, b, c], "inserted out of order", after_sql=True)
    b2 = img("b2.jpg")
    ecom.sql(f"UPDATE product_images SET url = {q(b2)} WHERE product_id = {q(pid)} AND position = 1", db=db)
    assert_images(pid, [a, b2, c], "a URL changed", after_sql=True)
    ecom.sql(f"UPDATE product_images SET position = 9 WHERE product_id = {q(pid)} AND position = 0", db=db)
    assert_images(pid, [b2, c, a], "moved to the end", after_sql=True)
    ecom.sql(f"UPDATE product_images SET product_id = {q(other)} WHERE product_id = {q(pid)} AND position = 2", db=db)
    assert_images(pid, [b2, a], "moved to another product", after_sql=True)
    assert_images(other, [c], "moved from another product", after_sql=True)
    ecom.sql(f"DELETE FROM product_images WHERE product_id = {q(pid)} AND position = 1", db=db)
    assert_images(pid, [a], "one deleted", after_sql=True)
    ecom.sql(f"DELETE FROM product_images WHERE product_id IN ({q(pid)}, {q(other)})", db=db)
    assert_images(pid, [], "all deleted", after_sql=True)
    assert_images(other, [], "all deleted", after_sql=True)


def test_urls_that_json_escapes_read_back_unchanged():
    odd = ['https://img.example/quote"d.jpg', "https://img.example/back\\slash.jpg",
           "https://img.example/caf\u00e9/\u00fcber.jpg", "https://img.example/tab\there.jpg"]
    pid = ecom.insert_product(S, f"Odd {uuid.uuid4().hex[:6]}", "3.00", stock=5, images=odd)
    assert_images(pid, odd, "escaped URLs", after_sql=True)
    pid2 = ecom.insert_product(S, f"Odd2 {uuid.uuid4().hex[:6]}", "3.00", stock=5, images=odd[1:])
    assert_images(pid2, odd[1:], "escaped first URL", after_sql=True)


def test_the_reads_do_not_touch_product_images():
    slug = ecom.new_store("PREMIUM")
    db = ecom.schema_of(slug)
    a, b = img("a.jpg"), img("b.jpg")
    tok = uuid.uuid4().hex[:8]
    pid = ecom.insert_product(slug, f"Sofa {tok}", "300.00", stock=5, images=[a, b])
    ecom.sql("RENAME TABLE product_images TO product_images_away", db=db)
    try:
        # Query strings no earlier request used: no cached answer stands in for the database.
        body = ecom.get_json(url(LIST, search=tok), slug)
        assert [(i["id"], i["images"]) for i in body["items"]] == [(pid, [a, b])], body
        unfiltered = ecom.get_json(url(LIST, pageSize=100, sort="-price"), slug)
        assert unfiltered["totalCount"] > 1 and any(i["images"] for i in unfiltered["items"] if i["id"] != pid)
        assert ecom.get_json(f"{LIST}/{pid}", slug)["images"] == [a, b]
        cart = shop.add_ok(slug, shop.new_session(), pid, 1)
        assert cart["items"][0]["productImage"] == a, cart
    finally:
        ecom.sql("RENAME TABLE product_images_away TO product_images", db=db)


def test_a_store_migrated_from_before_the_copy_gets_it():
    slug = ecom.new_store("PREMIUM")
    db = ecom.schema_of(slug)
    # The store as migration 0005 found it: no column, no triggers, not in the ledger; images in rows only.
    ecom.sql(";".join([f"DROP TRIGGER {t}" for t in TRIGGERS] +
                      ["ALTER TABLE products DROP COLUMN image_urls",
                       "DELETE FROM schema_migrations WHERE name LIKE '0005%'"]), db=db)
    a, b = img("a.jpg"), img("b.jpg")
    pid = ecom.insert_product(slug, f"Desk {uuid.uuid4().hex[:6]}", "120.00", stock=5, images=[a, b])
    bare = ecom.insert_product(slug, f"Bare {uuid.uuid4().hex[:6]}", "1.00", stock=5)
    proc = provision("migrate")
    assert proc.returncode == 0, describe(proc)
    assert ecom.sql_value("SELECT COUNT(*) FROM schema_migrations WHERE name LIKE '0005%'", db=db) == "1"
    triggers = {r[0] for r in ecom.sql("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                                       f"WHERE TRIGGER_SCHEMA = {q(db)}")}
    assert set(TRIGGERS) <= triggers, triggers
    assert_images(pid, [a, b], "migrated", after_sql=True, slug=slug)
    assert_images(bare, [], "migrated without images", after_sql=True, slug=slug)
    c = img("c.jpg")
    ecom.sql(f"INSERT INTO product_images (product_id, position, url) VALUES ({q(bare)}, 0, {q(c)})", db=db)
    assert_images(bare, [c], "written after the migration", after_sql=True, slug=slug)
