"""Backup and restore of one store (`ecom-provision backup SLUG FILE`, `restore FILE [--as NEWSLUG]
[--server NAME]`): a store filled through the API is backed up, deleted and restored, and reads the
same through HTTP and in every table; a copy under another slug lives beside it; refusals leave
nothing behind."""

import glob
import gzip
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import shop  # noqa: E402
from accounts import (ADMIN_CATEGORIES, ADMIN_ORDERS, ADMIN_PRODUCTS, ADMIN_SETTINGS, admin_call,  # noqa: E402
                      admin_ok, login, new_admin, new_customer)
from ecom import describe, provision, q, schema_of, sql, sql_value  # noqa: E402

STORE = None      # the store filled through the API
ADMIN = None
CUSTOMER = None
DIR = None        # where the backups go
TMP = None        # TMPDIR of ecom-provision: must be empty after every command
BACKUP = None
BEFORE = None     # what STORE looked like before it was deleted
TENANT_COLUMNS = None


def setup_module():
    global STORE, ADMIN, CUSTOMER, DIR, TMP, BACKUP
    DIR = tempfile.mkdtemp(prefix="ecom-backups-")
    TMP = tempfile.mkdtemp(prefix="ecom-backup-tmp-")
    BACKUP = os.path.join(DIR, "store.ecb.gz")
    STORE = ecom.new_store(plan="PREMIUM", name="Backup Store ☕")
    ADMIN = new_admin(STORE)
    CUSTOMER = new_customer(STORE, name="Ada Backup")
    fill_store()


def teardown_module():
    shutil.rmtree(DIR, ignore_errors=True)
    shutil.rmtree(TMP, ignore_errors=True)


def run(*args, env=None):
    """ecom-provision with TMPDIR=TMP; asserts that it left no temporary file behind."""
    full = {"TMPDIR": TMP}
    full.update(env or {})
    proc = provision(*args, env=full)
    assert os.listdir(TMP) == [], (os.listdir(TMP), describe(proc))
    return proc


def fill_store():
    """Categories, products, a settings change, orders (a guest's and a customer's, one paid) and
    the super admin's plan change and overrides."""
    cats = [admin_ok(ADMIN, "POST", ADMIN_CATEGORIES, {"name": f"Shelf {i}", "description": "d"}, 201)["id"]
            for i in range(3)]
    pids = []
    for i in range(5):
        body = {"name": f"Widget {i} ü", "price": 10 + i, "discount": 0.1 * (i % 2), "stock": 50,
                "images": [f"https://img.example/{i}.jpg"], "categoryIds": cats[: 1 + i % 3],
                "dynamicAttributes": {"color": "red", "size": i}}
        pids.append(admin_ok(ADMIN, "POST", ADMIN_PRODUCTS, body, 201)["id"])
    admin_ok(ADMIN, "PATCH", f"{ADMIN_PRODUCTS}/{pids[4]}", {"isActive": False})
    admin_ok(ADMIN, "PATCH", ADMIN_SETTINGS, {"taxRate": 0.0825, "shippingFlat": 4.5, "theme": {"primary": "#0a7"}})
    sid = shop.new_session()
    shop.add_ok(STORE, sid, pids[0], 2)
    shop.add_ok(STORE, sid, pids[1], 1)
    _, guest_order = shop.place_ok(STORE, sid)
    sid2 = shop.new_session()
    shop.add_ok(STORE, sid2, pids[2], 3, token=CUSTOMER.token)
    shop.place_ok(STORE, sid2, token=CUSTOMER.token, email=CUSTOMER.email)
    admin_ok(ADMIN, "PATCH", f"{ADMIN_ORDERS}/{guest_order['orderId']}", {"status": "PAID"})
    shop.add_ok(STORE, shop.new_session(), pids[3], 1)  # a cart left open
    sa = ecom.SuperAdmin()
    sa.patch_ok(STORE, {"planCode": "ENTERPRISE", "features": {"guestCheckout": False},
                        "limits": {"maxCartItems": 7}})


# --------------------------------------------------------------------------- what a store looks like

def admin_pages(admin, path):
    items, page = [], 1
    while True:
        body = admin_ok(admin, "GET", f"{path}?page={page}&pageSize=100")
        items.extend(body["items"])
        if page >= body["totalPages"] or not body["items"]:
            return items
        page += 1


def table_checksums(slug):
    schema = schema_of(slug)
    tables = [r[0] for r in sql("SELECT table_name FROM information_schema.tables "
                                 f"WHERE table_schema = {q(schema)} ORDER BY table_name")]
    sums = {r[0].split(".", 1)[1]: r[1] for r in sql(
        "CHECKSUM TABLE " + ", ".join(f"`{schema}`.`{t}`" for t in tables) + " EXTENDED")}
    counts = {t: sql_value(f"SELECT COUNT(*) FROM `{schema}`.`{t}`") for t in tables}
    return sums, counts


def triggers(slug):
    return sorted(tuple(r) for r in sql(
        "SELECT trigger_name, event_manipulation, event_object_table, action_statement "
        f"FROM information_schema.triggers WHERE trigger_schema = {q(schema_of(slug))}"))


def control_rows(slug):
    """The store's rows in the control database: tenants (but updated_at), its overrides."""
    tid = ecom.tenant_id(slug)
    row = sql(f"SELECT {', '.join(TENANT_COLUMNS)} FROM tenants WHERE id = {q(tid)}", db=ecom.control_db())[0]
    feats = sql(f"SELECT feature, enabled FROM tenant_feature_overrides WHERE tenant_id = {q(tid)} ORDER BY 1",
                db=ecom.control_db())
    limits = sql(f"SELECT limit_code, value FROM tenant_limit_overrides WHERE tenant_id = {q(tid)} ORDER BY 1",
                 db=ecom.control_db())
    return dict(zip(TENANT_COLUMNS, row)), feats, limits


def http_view(slug, admin):
    """The store as the API shows it: catalog, admin lists and details, orders, settings, config."""
    products, _ = ecom.fetch_all_pages("/api/catalog/products", slug)
    view = {
        "products": products,
        "categories": ecom.get_json("/api/catalog/categories", slug),
        "adminProducts": admin_pages(admin, ADMIN_PRODUCTS),
        "adminCategories": admin_pages(admin, ADMIN_CATEGORIES),
        "orders": admin_pages(admin, ADMIN_ORDERS),
        "settings": admin_ok(admin, "GET", ADMIN_SETTINGS),
        "config": ecom.get_json("/public/tenant-config", slug),
        "features": ecom.get_json("/api/features", slug),
    }
    view["orderDetails"] = [admin_ok(admin, "GET", f"{ADMIN_ORDERS}/{o['orderId']}") for o in view["orders"]]
    for p in view["adminProducts"]:
        view.setdefault("productDetails", []).append(admin_ok(admin, "GET", f"{ADMIN_PRODUCTS}/{p['id']}"))
    return view


def super_view(slug):
    body = ecom.SuperAdmin().get_store(slug)
    return {k: body[k] for k in ("name", "plan", "planCode", "status", "features", "limits", "overrides")}


def delete_store(slug):
    """What deleting a store takes (there is no command for it): its schema and its rows."""
    sql(f"DROP DATABASE IF EXISTS `{schema_of(slug)}`")
    sql(f"DELETE FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())


def schema_exists(schema):
    return sql_value(f"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = {q(schema)}") != "0"


def gz_lines(path, n):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [f.readline() for _ in range(n)]


def rewrite_backup(path, edit):
    """A copy of BACKUP whose uncompressed text went through edit(text)."""
    with gzip.open(BACKUP, "rt", encoding="utf-8", newline="") as f:
        text = f.read()
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        f.write(edit(text))
    return path


def tenant_migration_level():
    return max(int(os.path.basename(p)[:4]) for p in glob.glob(os.path.join(ecom.repo_dir(), "sql", "tenant", "0*.sql")))


# --------------------------------------------------------------------------- backup

def test_backup_writes_a_private_gzip_with_a_header():
    global TENANT_COLUMNS
    cols = [r[0] for r in sql("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                              f"{q(ecom.control_db())} AND table_name = 'tenants' ORDER BY ordinal_position")]
    TENANT_COLUMNS = [c for c in cols if c != "updated_at"]
    start = time.monotonic()
    proc = run("--json", "backup", STORE, BACKUP)
    took = time.monotonic() - start
    assert proc.returncode == 0, describe(proc)
    out = json.loads(proc.stdout)
    assert out["file"] == BACKUP and out["slug"] == STORE and out["format"] == 1, out
    assert out["storeId"] == ecom.tenant_id(STORE) and out["schema"] == schema_of(STORE), out
    assert out["migrationLevel"] == tenant_migration_level(), out
    assert out["bytes"] == os.path.getsize(BACKUP), out
    assert stat.S_IMODE(os.stat(BACKUP).st_mode) == 0o600, oct(os.stat(BACKUP).st_mode)
    assert os.listdir(DIR) == ["store.ecb.gz"], os.listdir(DIR)
    with open(BACKUP, "rb") as f:
        assert f.read(2) == b"\x1f\x8b", "not gzip"
    magic, header, control = gz_lines(BACKUP, 3)
    assert magic == "-- ecom-store-backup format 1\n", magic
    h = json.loads(header[len("-- header "):])
    assert {k: h[k] for k in ("format", "slug", "storeId", "schema", "migrationLevel")} == {
        "format": 1, "slug": STORE, "storeId": out["storeId"], "schema": schema_of(STORE),
        "migrationLevel": tenant_migration_level()}, h
    assert h["createdAt"] == out["createdAt"] and h["createdAt"].endswith("Z"), h
    # Byte for byte: the header line is these fields in this order, and --json gives the same
    # fields after file and bytes.
    fields = ("format", "slug", "storeId", "schema", "migrationLevel", "createdAt")
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    assert header == "-- header " + json.dumps({k: out[k] for k in fields}, **compact) + "\n", header
    assert proc.stdout == json.dumps({k: out[k] for k in ("file", "bytes") + fields}, **compact) + "\n", proc.stdout
    c = json.loads(control[len("-- control "):])
    assert c["tenants"][0]["plan_code"] == "ENTERPRISE" and c["tenants"][0]["name"] == "Backup Store ☕", c
    assert c["tenant_limit_overrides"] == [{"tenant_id": out["storeId"], "limit_code": "maxCartItems", "value": "7"}], c
    with gzip.open(BACKUP, "rt", encoding="utf-8") as f:
        text = f.read()
    assert "CREATE DATABASE" not in text and "\nUSE " not in text, "the dump names its database"
    assert "DEFINER=" not in text, "the dump keeps trigger definers"
    assert ecom.secrets()["ECOM_DB_ADMIN_PASSWORD"] not in text
    assert text.endswith("-- ecom-store-backup end\n")
    assert took < 20, f"backup took {took:.1f} s"


def test_backup_replaces_a_file_atomically_and_keeps_it_private():
    path = os.path.join(DIR, "again.gz")
    with open(path, "w") as f:
        f.write("old")
    os.chmod(path, 0o644)
    proc = run("backup", STORE, path)
    assert proc.returncode == 0, describe(proc)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert gz_lines(path, 1) == ["-- ecom-store-backup format 1\n"]
    assert sorted(os.listdir(DIR)) == ["again.gz", "store.ecb.gz"], os.listdir(DIR)
    os.unlink(path)


def test_backup_failures_exit_1_and_write_nothing():
    missing_dir = os.path.join(DIR, "no-such-dir", "x.gz")
    proc = run("backup", STORE, missing_dir)
    assert proc.returncode == 1, describe(proc)
    proc = run("--json", "backup", "no-such-store", os.path.join(DIR, "x.gz"))
    assert proc.returncode == 1, describe(proc)
    assert "no store" in json.loads(proc.stdout)["error"], proc.stdout
    assert os.listdir(DIR) == ["store.ecb.gz"], os.listdir(DIR)


# --------------------------------------------------------------------------- backup, delete, restore

def test_backup_delete_restore_gives_the_same_store():
    global BEFORE
    BEFORE = {"http": http_view(STORE, ADMIN), "tables": table_checksums(STORE), "triggers": triggers(STORE),
              "control": control_rows(STORE), "super": super_view(STORE)}
    assert len(BEFORE["http"]["orders"]) == 2 and BEFORE["control"][2] == [["maxCartItems", "7"]]
    delete_store(STORE)
    ecom.wait_tenant_cache()
    for _ in range(4):  # every worker learns that it is gone (and may remember that)
        assert ecom.get("/api/catalog/products", STORE).status == 409
    proc = run("--json", "restore", BACKUP)
    assert proc.returncode == 0, describe(proc)
    # served at once: the command told the workers
    assert ecom.get("/api/catalog/products", STORE).status == 200
    out = json.loads(proc.stdout)
    assert out["slug"] == STORE and out["status"] == "Ready", out
    assert out["restoredFrom"]["slug"] == STORE and out["restoredFrom"]["migrationsApplied"] == 0, out
    assert table_checksums(STORE) == BEFORE["tables"]
    assert triggers(STORE) == BEFORE["triggers"]
    assert control_rows(STORE) == BEFORE["control"]  # the same id, plan, overrides, created_at, ...
    assert super_view(STORE) == BEFORE["super"]
    assert http_view(STORE, ADMIN) == BEFORE["http"]
    owner = sql_value(f"SELECT schema_comment FROM information_schema.schemata WHERE schema_name = {q(schema_of(STORE))}")
    assert owner == f"ecom store {ecom.tenant_id(STORE)}", owner


def test_restored_customer_signs_in_with_the_old_password():
    resp = login(STORE, CUSTOMER.email, CUSTOMER.password)
    assert resp.status == 200, resp
    assert login(STORE, CUSTOMER.email, "not the password").status == 401
    resp = login(STORE, ADMIN.email, ADMIN.password)
    assert resp.status == 200, resp


def test_restored_store_works_triggers_included():
    before = ecom.fetch_all_pages("/api/catalog/products", STORE)[1]["totalCount"]
    admin_ok(ADMIN, "POST", ADMIN_PRODUCTS, {"name": "After restore", "price": 3, "stock": 2}, 201)
    after = ecom.fetch_all_pages("/api/catalog/products", STORE)[1]["totalCount"]
    assert after == before + 1, (before, after)  # the counters' triggers came back
    sid = shop.new_session()
    pid = BEFORE["http"]["products"][0]["id"]
    shop.add_ok(STORE, sid, pid, 1, token=CUSTOMER.token)
    shop.place_ok(STORE, sid, token=CUSTOMER.token, email=CUSTOMER.email)


# --------------------------------------------------------------------------- --as

def test_restore_as_a_new_slug_beside_the_original():
    copy = ecom.unique_slug("copy")
    proc = run("restore", BACKUP, "--as", copy)
    assert proc.returncode == 0, describe(proc)
    assert ecom.get("/api/catalog/products", copy).status == 200
    assert ecom.tenant_id(copy) != ecom.tenant_id(STORE)
    assert schema_of(copy) != schema_of(STORE)
    sums, counts = table_checksums(copy)
    assert (sums, counts) == BEFORE["tables"]  # the data as backed up
    feats, limits = control_rows(copy)[1:]
    assert (feats, limits) == BEFORE["control"][1:]
    row = control_rows(copy)[0]
    for col in ("name", "plan_code", "created_at", "admin_email", "created_by"):
        assert row[col] == BEFORE["control"][0][col], col
    assert row["schema_name"] == schema_of(copy) and row["slug"] == copy
    # isolated: a change in one is not seen in the other
    copy_admin_token = login(copy, ADMIN.email, ADMIN.password).json()["accessToken"]
    copy_admin = type(ADMIN)(copy, ADMIN.email, ADMIN.password, copy_admin_token)
    admin_ok(copy_admin, "POST", ADMIN_PRODUCTS, {"name": "Only in the copy", "price": 1}, 201)
    names = lambda s: {p["name"] for p in ecom.fetch_all_pages("/api/catalog/products", s)[0]}  # noqa: E731
    assert "Only in the copy" in names(copy) and "Only in the copy" not in names(STORE)
    assert "After restore" in names(STORE) and "After restore" not in names(copy)
    assert admin_call(ADMIN, "GET", ADMIN_ORDERS).status == 200
    assert len(admin_pages(copy_admin, ADMIN_ORDERS)) == 2
    assert login(copy, CUSTOMER.email, CUSTOMER.password).status == 200


# --------------------------------------------------------------------------- refusals

def stores_and_schemas():
    return (sql_value("SELECT COUNT(*) FROM tenants", db=ecom.control_db()),
            sql_value("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'ecom\\_tenant\\_%'"))


def test_restore_refused_on_a_taken_slug():
    before = stores_and_schemas()
    proc = run("restore", BACKUP)
    assert proc.returncode == 1, describe(proc)
    assert "taken" in proc.stderr, proc.stderr
    proc = run("--json", "restore", BACKUP, "--as", STORE)
    assert proc.returncode == 1, describe(proc)
    assert "taken" in json.loads(proc.stdout)["error"]
    assert stores_and_schemas() == before
    assert ecom.get("/api/catalog/products", STORE).status == 200


def invalid_backups():
    """(name, path) of files that are no valid backup."""
    d = os.path.join(DIR, "bad")
    os.makedirs(d, exist_ok=True)
    with open(BACKUP, "rb") as f:
        data = f.read()
    files = {}

    def write(name, content):
        files[name] = os.path.join(d, name)
        with open(files[name], "wb") as f:
            f.write(content)

    write("truncated.gz", data[: len(data) // 2])
    mid = len(data) // 2
    write("corrupt.gz", data[:mid] + bytes(b ^ 0x5A for b in data[mid:mid + 64]) + data[mid + 64:])
    write("plain.txt", b"-- ecom-store-backup format 1\nhello\n")
    write("empty.gz", gzip.compress(b""))
    files["header.gz"] = rewrite_backup(os.path.join(d, "header.gz"), lambda t: t.replace("-- header {", "-- header [", 1))
    files["format.gz"] = rewrite_backup(os.path.join(d, "format.gz"),
                                        lambda t: t.replace("format 1\n", "format 2\n", 1))
    files["newer.gz"] = rewrite_backup(os.path.join(d, "newer.gz"), lambda t: t.replace(
        f'"migrationLevel":{tenant_migration_level()}', '"migrationLevel":9999', 1))
    files["cut-dump.gz"] = rewrite_backup(os.path.join(d, "cut-dump.gz"), lambda t: t[: len(t) * 2 // 3])
    return files


def test_invalid_backups_are_refused_with_nothing_left_behind():
    before = stores_and_schemas()
    for name, path in invalid_backups().items():
        slug = ecom.unique_slug("bad")
        proc = run("restore", path, "--as", slug)
        assert proc.returncode == 1, (name, describe(proc))
        assert "not a valid store backup" in proc.stderr, (name, proc.stderr)
        assert ecom.tenant_row(slug, "id") is None, name
        assert not schema_exists(schema_of(slug)), name
    newer = run("restore", os.path.join(DIR, "bad", "newer.gz"), "--as", ecom.unique_slug("bad"))
    assert "newer version" in newer.stderr, newer.stderr
    assert stores_and_schemas() == before


def test_a_restore_failing_half_way_removes_what_it_made():
    # a dump whose SQL breaks at the end: the schema is made, the load fails
    path = rewrite_backup(os.path.join(DIR, "bad", "broken-sql.gz"), lambda t: t.replace(
        "-- ecom-store-backup end\n", "THIS IS NOT SQL;\n-- ecom-store-backup end\n"))
    before = stores_and_schemas()
    slug = ecom.unique_slug("half")
    proc = run("restore", path, "--as", slug)
    assert proc.returncode == 1, describe(proc)
    assert "nothing kept" in proc.stderr, proc.stderr
    assert ecom.tenant_row(slug, "id") is None
    assert not schema_exists(schema_of(slug))
    assert stores_and_schemas() == before


def test_restore_applies_pending_migrations_and_refuses_newer_ones():
    mig = tempfile.mkdtemp(prefix="ecom-migrations-", dir=DIR)
    for p in glob.glob(os.path.join(ecom.repo_dir(), "sql", "tenant", "*.sql")):
        shutil.copy(p, mig)
    level = tenant_migration_level() + 1
    with open(os.path.join(mig, f"{level:04d}_backup_test.sql"), "w") as f:
        f.write("CREATE TABLE IF NOT EXISTS backup_test (id INT PRIMARY KEY);\n")
    newer_env = {"ECOM_PATHS_TENANT_MIGRATIONS": mig}
    slug = ecom.unique_slug("mig")
    try:
        proc = run("--json", "restore", BACKUP, "--as", slug, env=newer_env)
        assert proc.returncode == 0, describe(proc)
        assert json.loads(proc.stdout)["restoredFrom"]["migrationsApplied"] == 1, proc.stdout
        assert sql_value("SELECT MAX(version) FROM schema_migrations", db=schema_of(slug)) == str(level)
        assert sql_value("SELECT COUNT(*) FROM backup_test", db=schema_of(slug)) == "0"
        newer = os.path.join(DIR, "newer.gz")
        proc = run("backup", slug, newer, env=newer_env)
        assert proc.returncode == 0, describe(proc)
        before = stores_and_schemas()
        proc = run("restore", newer, "--as", ecom.unique_slug("mig"))
        assert proc.returncode == 1, describe(proc)
        assert f"migration level {level}" in proc.stderr and "newer version" in proc.stderr, proc.stderr
        assert stores_and_schemas() == before
    finally:
        delete_store(slug)  # its ledger names a migration the stack does not have
        shutil.rmtree(mig, ignore_errors=True)


def test_restore_on_a_named_server_and_an_unknown_one():
    name = sql_value("SELECT name FROM db_servers ORDER BY is_default DESC, id LIMIT 1", db=ecom.control_db())
    slug = ecom.unique_slug("srv")
    proc = run("restore", BACKUP, "--as", slug, "--server", name)
    assert proc.returncode == 0, describe(proc)
    assert ecom.get("/api/catalog/products", slug).status == 200
    before = stores_and_schemas()
    proc = run("restore", BACKUP, "--as", ecom.unique_slug("srv"), "--server", "no-such-server")
    assert proc.returncode == 1, describe(proc)
    assert "no database server named" in proc.stderr, proc.stderr
    assert stores_and_schemas() == before


SHIM = """#!/bin/sh
# records how ecom-provision runs the program, then runs it
name=$(basename "$0")
{
  printf 'ARGS %s\\n' "$*"
  env | sed 's/^/ENV /'
  for a in "$@"; do
    case "$a" in --defaults-file=*)
      f=${a#--defaults-file=}
      printf 'MODE %s\\n' "$(stat -c %a "$f")"
      printf 'FILE %s\\n' "$(tr '\\n' ' ' < "$f")";;
    esac
  done
} >> "$LOGDIR/$name.log"
exec /usr/bin/$name "$@"
"""


def test_credentials_reach_the_tools_in_a_private_file_only():
    shims = tempfile.mkdtemp(prefix="shims-", dir=DIR)
    for name in ("mariadb-dump", "mariadb", "gzip"):
        path = os.path.join(shims, name)
        with open(path, "w") as f:
            f.write(SHIM.replace("$LOGDIR", shims))
        os.chmod(path, 0o755)
    password = ecom.secrets()["ECOM_DB_ADMIN_PASSWORD"]
    env = {"PATH": shims + ":" + os.environ["PATH"], "ECOM_ADMIN_DATABASE_PASSWORD": password}
    slug = ecom.unique_slug("cred")
    try:
        proc = run("backup", STORE, os.path.join(shims, "b.gz"), env=env)
        assert proc.returncode == 0, describe(proc)
        proc = run("restore", os.path.join(shims, "b.gz"), "--as", slug, env=env)
        assert proc.returncode == 0, describe(proc)
        for name in ("mariadb-dump", "mariadb", "gzip"):
            with open(os.path.join(shims, f"{name}.log")) as f:
                lines = f.read().splitlines()
            env_lines = [ln for ln in lines if ln.startswith("ENV ")]
            assert {ln.split("=", 1)[0] for ln in env_lines} <= {"ENV PATH", "ENV PWD", "ENV SHLVL", "ENV _"}, env_lines
            for ln in lines:
                if ln.startswith(("ARGS ", "ENV ")):
                    assert password not in ln, (name, ln)
            if name != "gzip":
                args = [ln for ln in lines if ln.startswith("ARGS ")]
                assert args and all(a.startswith("ARGS --defaults-file=") for a in args), args
                assert {ln for ln in lines if ln.startswith("MODE ")} == {"MODE 600"}, lines
                assert all(password in ln for ln in lines if ln.startswith("FILE ")), name
        assert ecom.get("/api/catalog/products", slug).status == 200
    finally:
        delete_store(slug)


def test_the_administrative_account_needs_nothing_more():
    """Backup and restore ran as the account db-init makes, whose grants README "Security" lists
    (tests/integration/test_db_init.py): none of what dump tools often ask for."""
    assert ecom.config_value("admin_database", "user") == "ecom_admin"
    grants = " ".join(r[0] for r in sql("SHOW GRANTS FOR 'ecom_admin'@'localhost'"))
    for priv in ("LOCK TABLES", "RELOAD", "SUPER", "PROCESS", "SHOW VIEW", "EVENT", "ALL PRIVILEGES"):
        assert priv not in grants, (priv, grants)
    assert not re.search(r"GRANT (?!USAGE ON)[A-Z ,]+ ON \*\.\*", grants), grants


def stack_db_port():
    with open(os.path.join(ecom.var_dir(), "mysql", "my.cnf")) as f:
        return re.search(r"^port\s*=\s*(\d+)", f.read(), re.M).group(1)


def test_restore_and_backup_over_tcp_on_another_server_row():
    """A db_servers row reaching the same MariaDB over TCP: the tools get host and port instead of
    the socket, and the workers serve the store there."""
    server = "backup-tcp-" + ecom.unique_slug("s")[2:]
    sql(f"INSERT INTO db_servers (name, url) VALUES ({q(server)}, 'tcp://127.0.0.1:{stack_db_port()}')",
        db=ecom.control_db())
    slug = ecom.unique_slug("tcp")
    try:
        proc = run("restore", BACKUP, "--as", slug, "--server", server)
        assert proc.returncode == 0, describe(proc)
        assert ecom.tenant_row(slug, "db_server_id")[0] == sql_value(
            f"SELECT id FROM db_servers WHERE name = {q(server)}", db=ecom.control_db())
        assert ecom.get("/api/catalog/products", slug).status == 200
        assert table_checksums(slug) == BEFORE["tables"]
        again = os.path.join(DIR, "tcp.gz")
        proc = run("--json", "backup", slug, again)
        assert proc.returncode == 0, describe(proc)
        assert json.loads(proc.stdout)["slug"] == slug
        os.unlink(again)
    finally:
        delete_store(slug)
        sql(f"DELETE FROM db_servers WHERE name = {q(server)}", db=ecom.control_db())


def test_bad_arguments_exit_2():
    before = stores_and_schemas()
    for args in (["backup"], ["backup", STORE], ["backup", STORE, "a", "b"], ["backup", STORE, "x", "--bogus"],
                 ["restore"], ["restore", BACKUP, "extra"], ["restore", BACKUP, "--as"],
                 ["restore", BACKUP, "--as", "Not A Slug!"], ["restore", BACKUP, "--as", "ab"],
                 ["restore", BACKUP, "--server"], ["restore", BACKUP, "--bogus", "x"],
                 ["restore", BACKUP, "--as", "aaa-x", "--as", "bbb-y"]):
        proc = run(*args)
        assert proc.returncode == 2, (args, describe(proc))
    assert stores_and_schemas() == before
