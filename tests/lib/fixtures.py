"""Fixtures: stores (by the CLI or over HTTP sign-up), their status and overrides, categories and
products by SQL, paging through lists. Standard library only.
"""

import json
import time
import uuid
from decimal import Decimal

from http_client import get, http, url
from processes import describe, provision
from sql import q, schema_of, sql, sql_value
from stack_env import control_db
from tokens import bearer, mint_superadmin_token

TENANT_CACHE_WAIT = 2.2


def unique_slug(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_store(plan="PREMIUM", name=None, slug=None):
    """Creates a Ready store with `ecom-provision create`; returns its slug."""
    slug = slug or unique_slug()
    name = name or f"Store {slug}"
    proc = provision("create", slug, name, plan)
    assert proc.returncode == 0, describe(proc)
    return slug


def wait_tenant_cache():
    """Makes every worker forget what it cached about stores, and the catalog answers it kept:
    `ecom-provision refresh` tells the master, which answers once the generation every worker
    checks has moved. Where the master cannot be told (a binary without `refresh`), lets the
    cache's time pass instead."""
    proc = provision("refresh")
    if proc.returncode != 0 or "ecom-fcgi told" not in proc.stdout:
        wait_tenant_cache_ttl()


def wait_tenant_cache_ttl():
    """Lets time pass until what a worker cached about any store has expired: for the tests of
    that bound itself (a change made on another host, whose master nobody tells)."""
    time.sleep(TENANT_CACHE_WAIT)


def tenant_id(slug):
    rows = sql(f"SELECT id FROM tenants WHERE slug = {q(slug)}", db=control_db())
    assert rows, f"no tenant {slug}"
    return rows[0][0]


def tenant_row(slug, columns):
    """The given columns (a SELECT list) of the store's row in the control schema's tenants, as a
    list of text; None when there is no such store."""
    rows = sql(f"SELECT {columns} FROM tenants WHERE slug = {q(slug)}", db=control_db())
    return rows[0] if rows else None


def camel(code):
    """A feature or limit code as the API names it: guest_checkout -> guestCheckout."""
    head, *rest = code.split("_")
    return head + "".join(p.capitalize() for p in rest)


def tenant_status(slug):
    """The status the store shows: Suspended while the super admin's flag is set, else its
    provisioning status."""
    return sql_value(f"SELECT IF(suspended, 'Suspended', status) FROM tenants WHERE slug = {q(slug)}",
                     db=control_db())


def set_tenant_status(slug, status):
    """Operator's SQL: "Suspended" sets the suspension flag; any other status is the provisioning
    status, with the flag cleared."""
    if status == "Suspended":
        sql(f"UPDATE tenants SET suspended = 1 WHERE slug = {q(slug)}", db=control_db())
    else:
        sql(f"UPDATE tenants SET status = {q(status)}, suspended = 0 WHERE slug = {q(slug)}", db=control_db())


def set_feature_override(slug, feature, enabled):
    tid = tenant_id(slug)
    sql(f"REPLACE INTO tenant_feature_overrides (tenant_id, feature, enabled) "
        f"VALUES ({q(tid)}, {q(feature)}, {1 if enabled else 0})", db=control_db())


def clear_feature_overrides(slug):
    sql(f"DELETE FROM tenant_feature_overrides WHERE tenant_id = {q(tenant_id(slug))}", db=control_db())


def set_limit_override(slug, limit_code, value):
    tid = tenant_id(slug)
    sql(f"REPLACE INTO tenant_limit_overrides (tenant_id, limit_code, value) "
        f"VALUES ({q(tid)}, {q(limit_code)}, {int(value)})", db=control_db())


def clear_limit_overrides(slug):
    sql(f"DELETE FROM tenant_limit_overrides WHERE tenant_id = {q(tenant_id(slug))}", db=control_db())


def insert_category(slug, name, description="", active=True):
    cid = str(uuid.uuid4())
    sql(f"INSERT INTO categories (id, name, description, is_active) "
        f"VALUES ({q(cid)}, {q(name)}, {q(description)}, {1 if active else 0})", db=schema_of(slug))
    return cid


def insert_product(slug, name, price, discount="0", stock=10, active=True, description=None,
                   images=(), categories=(), attributes=None, created_at=None):
    """Inserts a product (fresh UUID) with its images (stored order = list order) and category links."""
    pid = str(uuid.uuid4())
    attrs = json.dumps(attributes if attributes is not None else {})
    description = description if description is not None else f"Description of {name}"
    cols = "id, name, description, price, discount, stock, is_active, attributes"
    vals = (f"{q(pid)}, {q(name)}, {q(description)}, {price}, {discount}, {int(stock)}, "
            f"{1 if active else 0}, {q(attrs)}")
    if created_at is not None:
        cols += ", created_at"
        vals += f", {q(created_at)}"
    stmts = [f"INSERT INTO products ({cols}) VALUES ({vals})"]
    # Inserted in reverse so that the physical insertion order differs from the stored position.
    for pos in reversed(range(len(images))):
        stmts.append(f"INSERT INTO product_images (product_id, position, url) "
                     f"VALUES ({q(pid)}, {pos}, {q(images[pos])})")
    for cid in categories:
        stmts.append(f"INSERT INTO product_categories (product_id, category_id) VALUES ({q(pid)}, {q(cid)})")
    sql(";\n".join(stmts), db=schema_of(slug))
    return pid


def active_products(slug):
    """Active products of a store from SQL, ordered by name then id (the database's collation)."""
    rows = sql("SELECT id, name, price, discount, final_price, stock, "
               "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') "
               "FROM products WHERE is_active = 1 ORDER BY name, id", db=schema_of(slug))
    return [{"id": r[0], "name": r[1], "price": Decimal(r[2]), "discount": Decimal(r[3]),
             "finalPrice": Decimal(r[4]), "stock": int(r[5]), "createdAt": r[6]} for r in rows]


def all_product_ids(slug):
    return {r[0] for r in sql("SELECT id FROM products", db=schema_of(slug))}


def all_category_ids(slug):
    return {r[0] for r in sql("SELECT id FROM categories", db=schema_of(slug))}


def fetch_all_pages(path, slug, page_size=100, **params):
    """Walks every page of a product list; returns (items, first_page_body)."""
    items = []
    first = None
    page = 1
    while True:
        resp = get(url(path, page=page, pageSize=page_size, **params), slug)
        assert resp.status == 200, f"page {page}: {resp!r}"
        body = resp.json()
        if first is None:
            first = body
        items.extend(body["items"])
        if page >= body["totalPages"] or not body["items"]:
            break
        page += 1
        assert page < 1000, "runaway pagination"
    return items, first


# --------------------------------------------------------------------------- provisioning over HTTP

PROVISION_READY_TIMEOUT = 20.0


def provision_init(slug, name=None, plan="Premium", admin_email=None):
    """POST /provision/tenants/init; asserts 200 and returns the body."""
    body = {"slug": slug, "name": name or f"Store {slug}", "plan": plan}
    if admin_email is not None:
        body["adminEmail"] = admin_email
    resp = http("POST", "/provision/tenants/init", body=body)
    assert resp.status == 200, resp
    return resp.json()


def provision_confirm(token):
    """POST /provision/tenants/confirm with the token; asserts 200 and returns the body."""
    resp = http("POST", "/provision/tenants/confirm", headers=bearer(token))
    assert resp.status == 200, resp
    return resp.json()


def provision_status(provisioning_id):
    return http("GET", f"/provision/tenants/{provisioning_id}/status")


def init_and_confirm(slug=None, plan="Premium", name=None):
    """init + confirm over HTTP; returns (slug, provisioningId)."""
    slug = slug or unique_slug("q")
    init = provision_init(slug, name=name, plan=plan)
    provision_confirm(init["confirmToken"])
    return slug, init["provisioningId"]


def wait_status(provisioning_id, wanted=("Ready",), timeout=PROVISION_READY_TIMEOUT, interval=0.1):
    """Polls the status endpoint until its status is one of `wanted`; returns the body."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        resp = provision_status(provisioning_id)
        assert resp.status == 200, resp
        last = resp.json()
        if last.get("status") in wanted:
            return last
        if last.get("status") == "Failed" and "Failed" not in wanted:
            raise AssertionError(f"provisioning failed: {last!r}")
        if time.monotonic() > deadline:
            raise AssertionError(f"status not {wanted} within {timeout} s: {last!r}")
        time.sleep(interval)


# --------------------------------------------------------------------------- the super admin

class SuperAdmin:
    """Requests with a super-admin token (minted by `ecom-provision token superadmin` unless given).

    sa = SuperAdmin(); sa("GET", "/superadmin/tenants"); sa.patch_ok(slug, {"status": "Suspended"})
    """

    TENANTS = "/superadmin/tenants"

    def __init__(self, token=None):
        self.token = token or mint_superadmin_token()

    def __call__(self, method, path, body=None, raw_body=None, headers=None):
        h = bearer(self.token)
        h.update(headers or {})
        return http(method, path, headers=h, body=body, raw_body=raw_body)

    def get_store(self, slug):
        resp = self("GET", f"{self.TENANTS}/{slug}")
        assert resp.status == 200, resp
        return resp.json()

    def patch(self, slug, body):
        return self("PATCH", f"{self.TENANTS}/{slug}", body=body)

    def patch_ok(self, slug, body):
        resp = self.patch(slug, body)
        assert resp.status == 200, (body, resp)
        return resp.json()
