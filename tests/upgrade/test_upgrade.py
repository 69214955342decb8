"""An upgrade from the previous release, the way docs/upgrading.md tells an operator to do it.

The previous release (tests/upgrade/PREVIOUS_RELEASE: its version and commit) is built from its
own sources by scripts/build-release.sh (scripts/test.sh does it before the tests and names the
directory in ECOM_PREVIOUS_RELEASE_DIR). Its own scripts/stack.sh runs it on a private MariaDB;
stores, products, customers, carts and orders are made through its API and its CLI, and every
answer is recorded. Then the new version takes over the same database: its stack.sh runs
`ecom-provision db-init` (the accounts' privileges changed), then `setup` and `migrate` are run
as the upgrade notes say, and the new binaries serve. Every recorded answer must come back the
same (new fields may be added, none may change or go), sessions made before the upgrade stay
valid, a store queued before the upgrade is built after it, and the old stores take new orders.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import accounts as acc  # noqa: E402
import ecom  # noqa: E402
import shop  # noqa: E402
from ecom import http, tenant_headers  # noqa: E402

NEW_BIN = None          # the binaries under test
OLD = None              # the previous release's directory (tree/ with its scripts and bin/)
STACK = None            # {"var_dir", "port"} of the stack the two versions share
SAVED_ENV = None
STORES = {}             # slug -> {"admin", "customer", "sid", "orders": [...], ...}
SUSPENDED = None        # a store the previous release suspended
QUEUED = None           # (slug, provisioningId) confirmed while no provisioner ran
RECORDED = {}           # (slug, what) -> (status, body) answered by the previous release
SA_TOKEN = None         # a super-admin token minted by the previous release


def previous_release():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "PREVIOUS_RELEASE"), encoding="utf-8") as f:
        version, commit = f.read().split()
    return version, commit


def stack_env(bin_dir, **extra):
    env = dict(os.environ)
    env.update({"ECOM_VAR_DIR": STACK["var_dir"], "ECOM_HTTP_PORT": str(STACK["port"]),
                "ECOM_DB_PORT": str(STACK["port"] + 10000), "ECOM_BIN_DIR": bin_dir, "ECOM_WORKERS": "2",
                "ECOM_CONFIG": os.path.join(STACK["var_dir"], "ecom.conf")})
    env.update(extra)
    return env


def stack_sh(script_repo, bin_dir, command, **extra):
    proc = subprocess.run([os.path.join(script_repo, "scripts", "stack.sh"), command], capture_output=True,
                          text=True, env=stack_env(bin_dir, **extra), timeout=170)
    assert proc.returncode == 0, ecom.describe(proc)
    return proc


def select(bin_dir):
    """Points the test helpers (HTTP, SQL, ecom-provision) at the shared stack and BIN_DIR."""
    os.environ.update({"ECOM_VAR_DIR": STACK["var_dir"], "ECOM_BASE_URL": f"http://127.0.0.1:{STACK['port']}",
                       "ECOM_CONFIG": os.path.join(STACK["var_dir"], "ecom.conf"),
                       "ECOM_HTTP_PORT": str(STACK["port"]), "ECOM_DB_PORT": str(STACK["port"] + 10000),
                       "ECOM_BIN_DIR": bin_dir})


def setup_module():
    global NEW_BIN, OLD, STACK, SAVED_ENV
    OLD = os.environ.get("ECOM_PREVIOUS_RELEASE_DIR")
    assert OLD and os.path.isfile(os.path.join(OLD, "built")), \
        "ECOM_PREVIOUS_RELEASE_DIR names no built release (scripts/build-release.sh; scripts/test.sh sets it)"
    NEW_BIN = ecom.bin_dir()
    SAVED_ENV = {k: os.environ.get(k) for k in
                 ("ECOM_VAR_DIR", "ECOM_BASE_URL", "ECOM_CONFIG", "ECOM_HTTP_PORT", "ECOM_DB_PORT", "ECOM_BIN_DIR",
                  "ECOM_RECORD_RESPONSES")}
    # The previous release's answers are not this version's to describe (docs/openapi.yaml).
    os.environ["ECOM_RECORD_RESPONSES"] = ""
    STACK = {"var_dir": tempfile.mkdtemp(prefix="ecom-upgrade."), "port": ecom.free_port_pair()}
    stack_sh(os.path.join(OLD, "tree"), os.path.join(OLD, "tree", "bin"), "start")
    select(os.path.join(OLD, "tree", "bin"))


def teardown_module():
    try:
        if STACK is not None:
            stack_sh(ecom.repo_dir(), NEW_BIN, "stop")
            shutil.rmtree(STACK["var_dir"], ignore_errors=True)
    finally:
        for k, v in (SAVED_ENV or {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --------------------------------------------------------------------------- what a store holds

def sa(method, path, body=None):
    return http(method, path, headers=ecom.bearer(SA_TOKEN), body=body)


def answers(slug):
    """Everything the API answers about a store: (what, status, body) for public, customer, admin
    and super-admin reads."""
    s = STORES[slug]
    out = []

    def get(what, path, token=None, sid=None):
        resp = http("GET", path, headers=ecom.store_headers(slug, token=token, sid=sid))
        out.append((what, resp.status, resp.json()))

    get("tenant-config", "/public/tenant-config")
    get("features", "/api/features")
    get("products", "/api/catalog/products?pageSize=100")
    get("categories", "/api/catalog/categories")
    for pid in s["products"]:
        get(f"product {pid}", f"/api/catalog/products/{pid}")
    get("guest cart", "/api/cart", sid=s["sid"])
    get("me", "/api/auth/me", token=s["customer"].token)
    get("my orders", "/api/orders", token=s["customer"].token)
    get("admin products", "/api/admin/products?pageSize=100", token=s["admin"].token)
    get("admin categories", "/api/admin/categories", token=s["admin"].token)
    get("admin orders", "/api/admin/orders?pageSize=100", token=s["admin"].token)
    get("admin settings", "/api/admin/settings", token=s["admin"].token)
    for oid in s["orders"]:
        get(f"admin order {oid}", f"/api/admin/orders/{oid}", token=s["admin"].token)
    resp = sa("GET", f"/superadmin/tenants/{slug}")
    out.append(("superadmin", resp.status, resp.json()))
    return out


def assert_kept(old, new, where):
    """Every field of `old` is in `new` with the same value (new fields may be added)."""
    if isinstance(old, dict):
        assert isinstance(new, dict), f"{where}: was an object, now {new!r}"
        for k, v in old.items():
            assert k in new, f"{where}: field {k!r} is gone (now {sorted(new)})"
            assert_kept(v, new[k], f"{where}.{k}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), f"{where}: was {old!r}, now {new!r}"
        for i, (a, b) in enumerate(zip(old, new)):
            assert_kept(a, b, f"{where}[{i}]")
    else:
        assert old == new, f"{where}: was {old!r}, now {new!r}"


def fill_store(slug):
    """Categories, products, settings, a customer with an order, a guest order moved on by the
    admin, and a guest cart left open: through the previous release's API."""
    admin = acc.new_admin(slug)
    cat = acc.admin_ok(admin, "POST", acc.ADMIN_CATEGORIES, body={"name": f"Tools {slug}"}, status=201)
    products = []
    for i, (price, discount, stock) in enumerate(((19.99, 0, 50), (250.00, 0.1, 5), (3.50, 0, 200))):
        body = {"name": f"Item {i} of {slug}", "price": price, "discount": discount, "stock": stock,
                "categoryIds": [cat["id"]], "dynamicAttributes": {"colour": ["red", "blue"][i % 2]}}
        products.append(acc.admin_ok(admin, "POST", acc.ADMIN_PRODUCTS, body=body, status=201)["id"])
    acc.admin_ok(admin, "PATCH", acc.ADMIN_SETTINGS, body={"taxRate": 0.2, "shippingFlat": 7.5})
    customer = acc.new_customer(slug)
    csid = shop.new_session()
    shop.add_ok(slug, csid, products[1], 2, token=customer.token)
    _, mine = shop.place_ok(slug, csid, token=customer.token, email=customer.email)
    gsid = shop.new_session()
    shop.add_ok(slug, gsid, products[0], 3)
    _, guest = shop.place_ok(slug, gsid)
    acc.admin_ok(admin, "PATCH", f"{acc.ADMIN_ORDERS}/{guest['orderId']}", body={"status": "PAID"})
    open_cart = shop.new_session()
    shop.add_ok(slug, open_cart, products[2], 4)
    STORES[slug] = {"admin": admin, "customer": customer, "sid": open_cart, "products": products,
                    "orders": [mine["orderId"], guest["orderId"]]}


# --------------------------------------------------------------------------- before the upgrade

def test_the_previous_release_takes_stores_customers_and_orders():
    global SA_TOKEN, SUSPENDED, QUEUED
    SA_TOKEN = ecom.mint_superadmin_token()
    premium = ecom.new_store("PREMIUM")
    basic = ecom.new_store("BASIC")
    signed_up, pid = ecom.init_and_confirm(plan="Premium")
    assert ecom.wait_status(pid)["status"] == "Ready"
    for slug in (premium, basic, signed_up):
        fill_store(slug)
    SUSPENDED = ecom.new_store("BASIC")
    resp = sa("PATCH", f"/superadmin/tenants/{SUSPENDED}", {"status": "Suspended"})
    assert resp.status == 200, resp
    # A sign-up confirmed while no provisioner runs stays Queued through the upgrade.
    proc = subprocess.run(["kill", "-TERM", open(os.path.join(STACK["var_dir"], "run", "provision.pid")).read().strip()])
    assert proc.returncode == 0
    ecom.wait_until(lambda: not os.path.exists(os.path.join(STACK["var_dir"], "run", "provision.pid"))
                    or not process_alive(os.path.join(STACK["var_dir"], "run", "provision.pid")),
                    timeout=15, what="the previous release's provisioner to stop")
    QUEUED = ecom.init_and_confirm(plan="Basic")
    assert ecom.sql_value(f"SELECT status FROM tenants WHERE slug = {ecom.q(QUEUED[0])}", db=ecom.control_db()) \
        == "Queued"
    ecom.wait_tenant_cache_ttl()  # the previous release: its master is not told
    for slug in STORES:
        for what, status, body in answers(slug):
            assert status == 200, (slug, what, status, body)
            RECORDED[(slug, what)] = body
    assert http("GET", "/api/features", headers=tenant_headers(SUSPENDED)).status == 423


def process_alive(pid_file):
    try:
        with open(pid_file, encoding="utf-8") as f:
            os.kill(int(f.read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


# --------------------------------------------------------------------------- the upgrade

def test_the_upgrade_steps_of_the_notes_succeed():
    stack_sh(os.path.join(OLD, "tree"), os.path.join(OLD, "tree", "bin"), "stop")
    select(NEW_BIN)
    # 1. the new version installed; its db-init gives the two accounts their new privileges
    #    (scripts/stack.sh runs `ecom-provision db-init` and writes the new version's ecom.conf).
    stack_sh(ecom.repo_dir(), NEW_BIN, "start", ECOM_STACK_DB_ONLY="1")
    # 2. the control database's migrations
    proc = ecom.provision("--json", "setup")
    assert proc.returncode == 0, ecom.describe(proc)
    applied = json.loads(proc.stdout)["applied"]
    version, commit = previous_release()
    old_control = sorted(os.listdir(os.path.join(OLD, "tree", "sql", "control")))
    new_control = sorted(os.listdir(os.path.join(ecom.repo_dir(), "sql", "control")))
    assert [m.removesuffix(".sql") for m in new_control if m not in old_control] == \
        [a.removesuffix(".sql") for a in applied], (applied, old_control, new_control)
    # 3. every store's migrations
    proc = ecom.provision("--json", "migrate")
    assert proc.returncode == 0, ecom.describe(proc)
    report = json.loads(proc.stdout)
    # the filled stores, the suspended one and demo-store (the queued one has no schema yet)
    assert report["failed"] == 0 and report["tenants"] == len(STORES) + 2, report
    # 4. the new version serves
    stack_sh(ecom.repo_dir(), NEW_BIN, "start")
    assert http("GET", "/health").status == 200


# --------------------------------------------------------------------------- after the upgrade

def test_every_store_product_customer_and_order_is_served_as_before():
    compared = 0
    for slug in STORES:
        for what, status, body in answers(slug):
            assert status == 200, (slug, what, status, body)
            assert_kept(RECORDED[(slug, what)], body, f"{slug} {what}")
            compared += 1
    assert compared == len(RECORDED)
    for slug, s in STORES.items():
        orders = {o["orderId"] for o in RECORDED[(slug, "admin orders")]["items"]}
        assert orders == set(s["orders"]), (slug, orders)


def test_the_suspended_store_stays_suspended_and_resumes():
    ecom.assert_problem(http("GET", "/api/features", headers=tenant_headers(SUSPENDED)), 423)
    assert sa("GET", f"/superadmin/tenants/{SUSPENDED}").json()["status"] == "Suspended"
    resp = sa("PATCH", f"/superadmin/tenants/{SUSPENDED}", {"status": "Ready"})
    assert resp.status == 200, resp
    assert http("GET", "/api/features", headers=tenant_headers(SUSPENDED)).status == 200


def test_customers_and_admins_sign_in_again_with_their_passwords():
    for slug, s in STORES.items():
        token = acc.login_token(slug, s["customer"].email, s["customer"].password)
        resp = http("GET", "/api/orders", headers=ecom.store_headers(slug, token=token))
        assert resp.status == 200 and len(resp.json()["items"]) == 1, resp
        admin = acc.login_token(slug, s["admin"].email, s["admin"].password)
        assert ecom.jwt_decode(admin)[1]["role"] == "admin"


def test_the_sign_up_queued_before_the_upgrade_is_built_after_it():
    slug, pid = QUEUED
    assert ecom.wait_status(pid, timeout=30)["status"] == "Ready"
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200


def test_old_stores_take_new_orders_and_new_stores_are_made():
    for slug, s in STORES.items():
        before = shop.stock_of(slug, s["products"][2])
        _, placed = shop.place_ok(slug, s["sid"])            # the cart left open before the upgrade
        assert shop.stock_of(slug, s["products"][2]) == before - 4
        acc.admin_ok(s["admin"], "PATCH", f"{acc.ADMIN_ORDERS}/{placed['orderId']}", body={"status": "PAID"})
    made = ecom.new_store("BASIC")                           # the application account reaches it
    assert http("GET", "/api/catalog/products", headers=tenant_headers(made)).status == 200
    slug, pid = ecom.init_and_confirm(plan="Premium")        # sign-up limits are new in this version
    assert ecom.wait_status(pid)["status"] == "Ready"
    assert http("GET", "/api/features", headers=tenant_headers(slug)).status == 200


def test_the_accounts_hold_only_the_new_privileges():
    admin = ecom.config_value("admin_database", "user")
    app = ecom.config_value("database", "user")
    for user, forbidden in ((admin, ("ON *.*",)), (app, ("CREATE", "DROP", "ALTER", "GRANT OPTION"))):
        hosts = [r[0] for r in ecom.sql(f"SELECT Host FROM mysql.user WHERE User = {ecom.q(user)}")]
        assert hosts, user
        for host in hosts:
            grants = [r[0] for r in ecom.sql(f"SHOW GRANTS FOR {ecom.q(user)}@{ecom.q(host)}")]
            lines = [g for g in grants if not g.startswith("GRANT USAGE ON *.*")]
            for word in forbidden:
                assert not any(word in g for g in lines), (user, host, lines)
    control = ecom.control_db()
    app_control = "\n".join(r[0] for r in ecom.sql(f"SHOW GRANTS FOR {ecom.q(app)}@'localhost'"))
    assert f"GRANT SELECT ON `{control}`.*" in app_control, app_control
    assert f"INSERT, UPDATE, DELETE ON `{control}`.*" not in app_control, app_control
