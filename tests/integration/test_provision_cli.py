"""The provisioner CLI `ecom-provision` (CONTRACT §3): create, status, list, repair, migrate, exit codes."""

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import provision, describe, sql, q, schema_of  # noqa: E402

STEPS = ["CreateDatabase", "ApplyMigrations", "SeedData"]
CATALOG_TABLES = {"settings", "categories", "products", "product_images", "product_categories",
                  "provisioning_marks", "schema_migrations"}

STORE = None        # created by test_create_store
STORE_NAME = None


def setup_module():
    global STORE, STORE_NAME
    STORE = ecom.unique_slug("cli")
    STORE_NAME = f"CLI Store {STORE}"


# what ecom.tenant_row() reads of a store's row in tenants
TENANT_COLUMNS = "id, name, plan_code, status, schema_name"


# --------------------------------------------------------------------------- create

def test_create_store():
    start = time.monotonic()
    proc = provision("create", STORE, STORE_NAME, "PREMIUM")
    took = time.monotonic() - start
    assert proc.returncode == 0, describe(proc)
    row = ecom.tenant_row(STORE, TENANT_COLUMNS)
    assert row is not None, "no tenant row"
    _, name, plan, status, schema = row
    assert (name, plan, status, schema) == (STORE_NAME, "PREMIUM", "Ready", schema_of(STORE)), row
    assert took < 10, f"create took {took:.1f} s"


def test_created_schema_has_tables():
    tables = {r[0] for r in sql("SELECT table_name FROM information_schema.tables "
                                f"WHERE table_schema = {q(schema_of(STORE))}")}
    assert CATALOG_TABLES <= tables, f"missing tables: {CATALOG_TABLES - tables}"


def test_created_store_is_seeded():
    s = schema_of(STORE)
    active_cats = int(ecom.sql_value("SELECT COUNT(*) FROM categories WHERE is_active = 1", db=s))
    products = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=s))
    out_of_stock = int(ecom.sql_value("SELECT COUNT(*) FROM products WHERE stock = 0 AND is_active = 1", db=s))
    inactive = int(ecom.sql_value("SELECT COUNT(*) FROM products WHERE is_active = 0", db=s))
    images = int(ecom.sql_value("SELECT COUNT(*) FROM product_images", db=s))
    discounted = int(ecom.sql_value("SELECT COUNT(*) FROM products WHERE discount > 0", db=s))
    with_attrs = int(ecom.sql_value("SELECT COUNT(*) FROM products WHERE JSON_LENGTH(attributes) > 0", db=s))
    linked = int(ecom.sql_value("SELECT COUNT(DISTINCT product_id) FROM product_categories", db=s))
    assert active_cats >= 5, active_cats
    assert products >= 40, products
    assert out_of_stock >= 1, "no out-of-stock product in the seed"
    assert inactive >= 1, "no inactive product in the seed"
    assert images >= products * 0.5, (images, products)
    assert discounted >= 1 and with_attrs >= 1 and linked >= products * 0.5, (discounted, with_attrs, linked)
    bad_ids = sql("SELECT id FROM products WHERE id NOT REGEXP "
                  "'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'", db=s)
    assert not bad_ids, f"product ids not lowercase UUID v4: {bad_ids[:3]}"


def test_provisioning_steps_recorded():
    tid = ecom.tenant_id(STORE)
    rows = sql("SELECT step, status, started_at, completed_at, position FROM provisioning_steps "
               f"WHERE tenant_id = {q(tid)} ORDER BY position", db=ecom.control_db())
    assert [r[0] for r in rows] == STEPS, rows
    for step, status, started, completed, _ in rows:
        assert status == "Success", (step, status)
        assert started is not None and completed is not None, (step, started, completed)
        assert started <= completed, (step, started, completed)


def test_create_plan_code_is_case_insensitive():
    slug = ecom.unique_slug("cli")
    proc = provision("create", slug, "Lower plan", "premium")
    assert proc.returncode == 0, describe(proc)
    row = ecom.tenant_row(slug, TENANT_COLUMNS)
    assert row[2] == "PREMIUM" and row[3] == "Ready", row
    slug2 = ecom.unique_slug("cli")
    proc = provision("create", slug2, "Mixed plan", "EnTerPrise")
    assert proc.returncode == 0, describe(proc)
    assert ecom.tenant_row(slug2, TENANT_COLUMNS)[2] == "ENTERPRISE"


def test_create_duplicate_slug_fails_with_1():
    proc = provision("create", STORE, "Another name", "BASIC")
    assert proc.returncode == 1, describe(proc)
    row = ecom.tenant_row(STORE, TENANT_COLUMNS)
    assert row[1] == STORE_NAME and row[2] == "PREMIUM" and row[3] == "Ready", row


def test_create_invalid_slug_is_usage_error_2():
    for slug in ("Upper-Case", "admin", "api", "ab", "a--b", "-abc", "abc-", "a_b_c", "has space", "a" * 64,
                 "x.y.z", ""):
        proc = provision("create", slug, "Bad slug", "PREMIUM")
        assert proc.returncode == 2, f"slug {slug!r}: " + describe(proc)
        if slug:
            assert ecom.tenant_row(slug, TENANT_COLUMNS) is None, f"tenant row created for invalid slug {slug!r}"


def test_create_invalid_name_is_usage_error_2():
    for name in ("", "   ", "x" * 201):
        slug = ecom.unique_slug("cli")
        proc = provision("create", slug, name, "PREMIUM")
        assert proc.returncode == 2, f"name {name[:20]!r}: " + describe(proc)
        assert ecom.tenant_row(slug, TENANT_COLUMNS) is None


def test_concurrent_creates_of_one_slug_exactly_one_wins():
    slug = ecom.unique_slug("race")
    with ThreadPoolExecutor(max_workers=4) as pool:
        procs = list(pool.map(lambda i: provision("create", slug, f"Race {i}", "PREMIUM"), range(4)))
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 1, 1, 1], "\n".join(describe(p) for p in procs)
    assert ecom.tenant_status(slug) == "Ready"
    # seeded exactly once: same catalog size as a store created alone
    n = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=schema_of(slug)))
    n_ref = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=schema_of(ecom.new_store())))
    assert n == n_ref, (n, n_ref)


def test_concurrent_creates_of_different_slugs_all_succeed():
    slugs = [ecom.unique_slug("par") for _ in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        procs = list(pool.map(lambda sl: provision("create", sl, f"Parallel {sl}", "BASIC"), slugs))
    for p in procs:
        assert p.returncode == 0, describe(p)
    for sl in slugs:
        assert ecom.tenant_status(sl) == "Ready"


def test_create_unknown_plan_fails_with_1():
    slug = ecom.unique_slug("cli")
    proc = provision("create", slug, "Unknown plan", "GOLD")
    assert proc.returncode == 1, describe(proc)
    row = ecom.tenant_row(slug, TENANT_COLUMNS)
    assert row is None or row[3] != "Ready", row


def test_create_with_missing_arguments_is_2():
    for args in (("create",), ("create", ecom.unique_slug("cli")), ("create", ecom.unique_slug("cli"), "Name")):
        proc = provision(*args)
        assert proc.returncode == 2, describe(proc)


def test_no_command_is_2():
    proc = provision()
    assert proc.returncode == 2, describe(proc)


def test_unknown_command_is_2():
    proc = provision("frobnicate")
    assert proc.returncode == 2, describe(proc)
    proc = provision("--no-such-flag", "list")
    assert proc.returncode == 2, describe(proc)


# --------------------------------------------------------------------------- status / list

def _check_status_json(body):
    assert set(body) >= {"slug", "name", "plan", "status", "dbName", "steps"}, body
    assert body["slug"] == STORE and body["name"] == STORE_NAME, body
    assert str(body["plan"]).upper() == "PREMIUM", body
    assert body["status"] == "Ready" and body["dbName"] == schema_of(STORE), body
    assert [s["step"] for s in body["steps"]] == STEPS, body["steps"]
    for s in body["steps"]:
        assert set(s) >= {"step", "status", "startedAt", "completedAt", "log", "errorMessage"}, s
        assert s["status"] == "Success", s
        ecom.assert_iso_utc(s["startedAt"], "startedAt")
        ecom.assert_iso_utc(s["completedAt"], "completedAt")
        assert s["startedAt"] <= s["completedAt"], s
        assert s["errorMessage"] is None, s


def test_status_json():
    proc = provision("status", STORE, "--json")
    assert proc.returncode == 0, describe(proc)
    _check_status_json(ecom.parse_json(proc))


def test_status_json_flag_first():
    proc = provision("--json", "status", STORE)
    assert proc.returncode == 0, describe(proc)
    _check_status_json(ecom.parse_json(proc))


def test_status_plain_text_mentions_store():
    proc = provision("status", STORE)
    assert proc.returncode == 0, describe(proc)
    assert STORE in proc.stdout and "Ready" in proc.stdout, describe(proc)


def test_status_unknown_slug_is_1():
    proc = provision("status", ecom.unique_slug("none"))
    assert proc.returncode == 1, describe(proc)
    proc = provision("status", ecom.unique_slug("none"), "--json")
    assert proc.returncode == 1, describe(proc)


def test_status_without_slug_is_2():
    proc = provision("status")
    assert proc.returncode == 2, describe(proc)


def test_list_json():
    proc = provision("list", "--json")
    assert proc.returncode == 0, describe(proc)
    body = ecom.parse_json(proc)
    assert isinstance(body, list), body
    mine = [t for t in body if t.get("slug") == STORE]
    assert len(mine) == 1, f"{STORE} listed {len(mine)} times"
    t = mine[0]
    assert set(t) >= {"slug", "name", "plan", "status", "dbName", "createdAt"}, t
    assert t["name"] == STORE_NAME and str(t["plan"]).upper() == "PREMIUM", t
    assert t["status"] == "Ready" and t["dbName"] == schema_of(STORE), t
    ecom.assert_iso_utc(t["createdAt"], "createdAt")
    created = datetime.strptime(t["createdAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - created).total_seconds()) < 3600, t
    slugs = {r[0] for r in sql("SELECT slug FROM tenants", db=ecom.control_db())}
    assert {x["slug"] for x in body} == slugs, "list does not show every tenant"


def test_list_json_flag_first():
    proc = provision("--json", "list")
    assert proc.returncode == 0, describe(proc)
    assert any(t.get("slug") == STORE for t in ecom.parse_json(proc))


# --------------------------------------------------------------------------- repair / migrate

def _fingerprint(slug):
    s = schema_of(slug)
    return (sql("SELECT COUNT(*), COALESCE(SUM(CRC32(id)), 0) FROM products", db=s),
            sql("SELECT COUNT(*), COALESCE(SUM(CRC32(id)), 0) FROM categories", db=s),
            sql("SELECT COUNT(*) FROM product_images", db=s),
            sql("SELECT name FROM provisioning_marks ORDER BY name", db=s))


def test_repair_ready_store_leaves_data_untouched():
    before = _fingerprint(STORE)
    proc = provision("repair", STORE)
    assert proc.returncode == 0, describe(proc)
    assert ecom.tenant_status(STORE) == "Ready"
    assert _fingerprint(STORE) == before, "repair changed the catalog (seeded twice?)"
    proc = provision("repair", STORE)
    assert proc.returncode == 0, describe(proc)
    assert _fingerprint(STORE) == before


def test_repair_recreates_dropped_schema():
    slug = ecom.new_store("BASIC")
    sql(f"DROP DATABASE `{schema_of(slug)}`")
    proc = provision("repair", slug)
    assert proc.returncode == 0, describe(proc)
    assert ecom.tenant_status(slug) == "Ready"
    n = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=schema_of(slug)))
    assert n >= 40, n


def test_repair_unknown_slug_is_1():
    proc = provision("repair", ecom.unique_slug("none"))
    assert proc.returncode == 1, describe(proc)


def test_migrate_is_ok_and_idempotent():
    before = _fingerprint(STORE)
    proc = provision("migrate")
    assert proc.returncode == 0, describe(proc)
    proc = provision("migrate")
    assert proc.returncode == 0, describe(proc)
    assert _fingerprint(STORE) == before
