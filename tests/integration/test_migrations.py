"""Tenant migrations: checksum ledger, `migrate` over every Ready store, edited files, failed create + repair."""

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import provision, describe, sql, q, schema_of  # noqa: E402

ENV_KEY = "ECOM_PATHS_TENANT_MIGRATIONS"
# Deterministic content: a rerun on the same stack finds the same checksum already applied.
EXTRA_NAME = "0099_test_extra.sql"
EXTRA_SQL = """-- Test fixture migration: a table, and a literal with a semicolon in it.
CREATE TABLE IF NOT EXISTS test_extra (
  id    INT NOT NULL PRIMARY KEY,
  note  VARCHAR(40) NOT NULL DEFAULT 'semi;colon'
) ENGINE=InnoDB;

INSERT IGNORE INTO test_extra (id, note) VALUES (1, 'it''s; fine');
"""
BROKEN_NAME = "0098_test_broken.sql"
BROKEN_SQL = "CREATE TABLE broken_thing (id INT PRIMARY KEY,, oops);\n"

GOOD_DIR = None     # sql/tenant + 0099_test_extra.sql
BROKEN_DIR = None   # sql/tenant + 0098_test_broken.sql
M1 = M2 = None      # Ready stores
F = None            # store whose create failed


def tenant_sql_dir():
    return os.path.join(ecom.repo_dir(), "sql", "tenant")


def copy_tenant_sql(dest):
    for path in sorted(glob.glob(os.path.join(tenant_sql_dir(), "*"))):
        if os.path.isfile(path):
            shutil.copy2(path, dest)


def setup_module():
    global GOOD_DIR, BROKEN_DIR, M1, M2
    GOOD_DIR = tempfile.mkdtemp(prefix="ecom-mig-good-")
    BROKEN_DIR = tempfile.mkdtemp(prefix="ecom-mig-broken-")
    copy_tenant_sql(GOOD_DIR)
    copy_tenant_sql(BROKEN_DIR)
    with open(os.path.join(GOOD_DIR, EXTRA_NAME), "w", encoding="utf-8") as fh:
        fh.write(EXTRA_SQL)
    with open(os.path.join(BROKEN_DIR, BROKEN_NAME), "w", encoding="utf-8") as fh:
        fh.write(BROKEN_SQL)
    M1 = ecom.new_store("PREMIUM")
    M2 = ecom.new_store("BASIC")


def teardown_module():
    for d in (GOOD_DIR, BROKEN_DIR):
        if d:
            shutil.rmtree(d, ignore_errors=True)


def sha256_of(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def ledger(slug):
    rows = sql("SELECT version, name, checksum, DATE_FORMAT(applied_at, '%Y-%m-%d %H:%i:%s') "
               "FROM schema_migrations ORDER BY version", db=schema_of(slug))
    return rows


def ledger_row(slug, fragment):
    return [r for r in ledger(slug) if fragment in (r[0] or "") or fragment in (r[1] or "")]


def table_exists(slug, table):
    return bool(sql("SELECT 1 FROM information_schema.tables "
                    f"WHERE table_schema = {q(schema_of(slug))} AND table_name = {q(table)}"))


def ready_slugs():
    return [r[0] for r in sql("SELECT slug FROM tenants WHERE status = 'Ready'", db=ecom.control_db())]


def status_json(slug):
    proc = provision("status", slug, "--json")
    assert proc.returncode == 0, describe(proc)
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------- ledger

def test_schema_migrations_ledger_columns():
    cols = {r[0] for r in sql("SELECT column_name FROM information_schema.columns "
                              f"WHERE table_schema = {q(schema_of(M1))} AND table_name = 'schema_migrations'")}
    assert {"version", "name", "checksum", "applied_at"} <= cols, cols


def test_every_tenant_migration_recorded_with_sha256():
    files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(tenant_sql_dir(), "*.sql")))
    assert files, "no tenant migrations in the repository?"
    rows = ledger(M1)
    assert len(rows) == len(files), (rows, files)
    for fname in files:
        version = int(fname.split("_", 1)[0])
        # version may be stored as "0001" or 1; name as the file name or its stem
        match = [r for r in rows if (r[0] or "").isdigit() and int(r[0]) == version]
        assert len(match) == 1, f"{fname}: ledger rows {rows}"
        version_col, name, checksum, applied = match[0]
        assert name and fname.rsplit(".", 1)[0].split("_", 1)[1] in name, match
        assert checksum and checksum.lower() == sha256_of(os.path.join(tenant_sql_dir(), fname)), \
            f"{fname}: checksum {checksum!r} is not the file's SHA-256"
        assert applied, match


# --------------------------------------------------------------------------- failed create

def test_broken_migration_fails_create_and_records_error():
    global F
    F = ecom.unique_slug("mfail")
    proc = provision("create", F, "Broken migrations", "PREMIUM", env={ENV_KEY: BROKEN_DIR})
    assert proc.returncode == 1, describe(proc)
    assert ecom.tenant_status(F) == "Failed"
    body = status_json(F)
    assert body["status"] == "Failed", body
    steps = {s["step"]: s for s in body["steps"]}
    assert [s["step"] for s in body["steps"]] == ["CreateDatabase", "ApplyMigrations", "SeedData"]
    assert steps["CreateDatabase"]["status"] == "Success", steps
    assert steps["ApplyMigrations"]["status"] == "Failed", steps
    msg = steps["ApplyMigrations"]["errorMessage"]
    assert isinstance(msg, str) and msg.strip(), steps["ApplyMigrations"]
    assert steps["SeedData"]["status"] == "Pending" and steps["SeedData"]["startedAt"] is None, steps["SeedData"]
    # the error is recorded in the control database too
    tid = ecom.tenant_id(F)
    err = ecom.sql_value("SELECT error_message FROM provisioning_steps "
                         f"WHERE tenant_id = {q(tid)} AND step = 'ApplyMigrations'", db=ecom.control_db())
    assert err, "error_message not stored"
    # nothing half-made stays: the schema this create made is dropped again, the migrations
    # applied before the broken one with it (tests/integration/test_capacity.py)
    assert sql(f"SHOW DATABASES LIKE {q(schema_of(F))}") == [], "the failed create left its schema"


def test_failed_store_is_not_served():
    ecom.wait_tenant_cache()
    resp = ecom.http("GET", "/api/features", headers=ecom.tenant_headers(F))
    body = ecom.assert_problem(resp, 409)
    assert body["title"] == "Tenant not ready", body


def test_repair_with_the_same_broken_dir_still_fails():
    proc = provision("repair", F, env={ENV_KEY: BROKEN_DIR})
    assert proc.returncode == 1, describe(proc)
    assert ecom.tenant_status(F) == "Failed"


# --------------------------------------------------------------------------- migrate with a fixture dir

def test_migrate_applies_new_migration_to_every_ready_store():
    proc = provision("migrate", env={ENV_KEY: GOOD_DIR})
    assert proc.returncode == 0, describe(proc)
    ready = ready_slugs()
    assert M1 in ready and M2 in ready
    for slug in ready:
        assert table_exists(slug, "test_extra"), f"test_extra missing in {slug}"
        rows = ledger_row(slug, "0099")
        assert len(rows) == 1, (slug, ledger(slug))
        assert rows[0][2].lower() == sha256_of(os.path.join(GOOD_DIR, EXTRA_NAME))
    note = ecom.sql_value("SELECT note FROM test_extra WHERE id = 1", db=schema_of(M1))
    assert note == "it's; fine", note
    assert not table_exists(F, "test_extra"), "migrate touched a store that is not Ready"


def test_second_migrate_is_a_noop():
    before = {slug: ledger(slug) for slug in (M1, M2)}
    time.sleep(1.1)  # applied_at has second precision
    proc = provision("migrate", env={ENV_KEY: GOOD_DIR})
    assert proc.returncode == 0, describe(proc)
    for slug in (M1, M2):
        assert ledger(slug) == before[slug], f"second migrate changed the ledger of {slug}"
    assert ecom.sql_value("SELECT COUNT(*) FROM test_extra", db=schema_of(M1)) == "1"


def test_create_with_fixture_dir_applies_every_migration():
    slug = ecom.unique_slug("mnew")
    proc = provision("create", slug, "With extra", "PREMIUM", env={ENV_KEY: GOOD_DIR})
    assert proc.returncode == 0, describe(proc)
    assert table_exists(slug, "test_extra")
    assert len(ledger_row(slug, "0099")) == 1


def test_edited_applied_migration_is_an_error_naming_the_file():
    before = ledger(M1)
    edited = os.path.join(GOOD_DIR, EXTRA_NAME)
    with open(edited, "a", encoding="utf-8") as fh:
        fh.write("\n-- edited after it was applied\nALTER TABLE test_extra ADD COLUMN sneaky INT NULL;\n")
    proc = provision("migrate", env={ENV_KEY: GOOD_DIR})
    assert proc.returncode == 1, describe(proc)
    assert "0099_test_extra" in proc.stdout + proc.stderr, describe(proc)
    assert ledger(M1) == before
    cols = {r[0] for r in sql("SELECT column_name FROM information_schema.columns "
                              f"WHERE table_schema = {q(schema_of(M1))} AND table_name = 'test_extra'")}
    assert "sneaky" not in cols, "the edited migration was applied"


# --------------------------------------------------------------------------- repair

def test_repair_with_good_dir_brings_failed_store_to_ready():
    proc = provision("repair", F)
    assert proc.returncode == 0, describe(proc)
    assert ecom.tenant_status(F) == "Ready"
    body = status_json(F)
    assert body["status"] == "Ready", body
    for s in body["steps"]:
        assert s["status"] == "Success", s
        assert s["startedAt"] and s["completedAt"], s
    n = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=schema_of(F)))
    assert n >= 40, n
    ecom.wait_tenant_cache()
    resp = ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(F))
    assert resp.status == 200, resp


def test_concurrent_repairs_of_a_failed_store_seed_once():
    slug = ecom.unique_slug("mrep")
    proc = provision("create", slug, "Repair race", "PREMIUM", env={ENV_KEY: BROKEN_DIR})
    assert proc.returncode == 1, describe(proc)
    assert ecom.tenant_status(slug) == "Failed"
    with ThreadPoolExecutor(max_workers=4) as pool:
        procs = list(pool.map(lambda _: provision("repair", slug), range(4)))
    assert any(p.returncode == 0 for p in procs), "\n".join(describe(p) for p in procs)
    assert all(p.returncode in (0, 1) for p in procs), "\n".join(describe(p) for p in procs)
    assert ecom.tenant_status(slug) == "Ready"
    n = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=schema_of(slug)))
    n_ref = int(ecom.sql_value("SELECT COUNT(*) FROM products", db=schema_of(M1)))
    assert n == n_ref, f"seeded {n} products, a fresh store has {n_ref}"


# --------------------------------------------------------------------------- parallel, interrupted, resumed

SLOW_NAME = "0097_test_slow.sql"
# Idempotent, as every migration must be: a store interrupted halfway runs it again from the top.
SLOW_SQL = """-- Test fixture migration: slow enough that a run over every store can be interrupted.
DO SLEEP(0.1);
CREATE TABLE IF NOT EXISTS test_slow (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB;
INSERT IGNORE INTO test_slow (id) VALUES (1);
"""


def has_version(slug, version):
    return ecom.sql_value(f"SELECT COUNT(*) FROM schema_migrations WHERE version = {version}",
                          db=schema_of(slug)) == "1"


def count_with_version(slugs, version):
    """How many of the stores have applied `version`, in one query (polled while a run goes on:
    one client process per store would be slower than the run it watches)."""
    parts = [f"(SELECT COUNT(*) FROM `{schema_of(s)}`.schema_migrations WHERE version = {version})" for s in slugs]
    return int(ecom.sql_value("SELECT " + " + ".join(parts)))


def test_migrate_jobs_flag_is_checked():
    for bad in (["--jobs"], ["--jobs", "0"], ["--jobs", "65"], ["--jobs", "x"], ["--fast"]):
        proc = provision("migrate", *bad)
        assert proc.returncode == 2, describe(proc)
        assert "--jobs" in proc.stderr, describe(proc)


def test_interrupted_parallel_migrate_resumes_where_it_stopped():
    slow_dir = tempfile.mkdtemp(prefix="ecom-mig-slow-")
    try:
        copy_tenant_sql(slow_dir)
        with open(os.path.join(slow_dir, SLOW_NAME), "w", encoding="utf-8") as fh:
            fh.write(SLOW_SQL)
        for _ in range(8 - len(ready_slugs())):  # a few stores to interrupt a run over them
            ecom.new_store("BASIC")
        ready = ready_slugs()
        env = dict(os.environ, **{ENV_KEY: slow_dir})
        cmd = [os.path.join(ecom.bin_dir(), "ecom-provision"), "--config", ecom.config_path(),
               "migrate", "--jobs", "2"]
        # Two stores at a time, 0.1 s each: stop it (SIGKILL, no clean-up) after about 4 stores.
        run = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline and count_with_version(ready, 97) < 4:
            time.sleep(0.02)
        run.kill()
        run.communicate()
        done = [s for s in ready if has_version(s, 97)]
        assert 0 < len(done) < len(ready), f"the run was not interrupted midway ({len(done)} of {len(ready)})"

        started = time.time()
        proc = provision("migrate", "--jobs", "4", env={ENV_KEY: slow_dir})
        took = time.time() - started
        assert proc.returncode == 0, describe(proc)
        applied = [ln for ln in proc.stdout.splitlines() if ln.endswith(": applied " + SLOW_NAME)]
        assert len(applied) == len(ready) - len(done), describe(proc)
        assert not any(ln.startswith(s + ":") for s in done for ln in applied), "a finished store ran it again"
        for slug in ready_slugs():
            rows = ledger_row(slug, "0097")
            assert len(rows) == 1, (slug, ledger(slug))
            assert ecom.sql_value("SELECT COUNT(*) FROM test_slow", db=schema_of(slug)) == "1", slug
        # Four at a time: well under the time one at a time would take (0.1 s of sleep per store).
        assert took < 0.1 * (len(ready) - len(done)) * 0.75 + 5, took
        again = provision("migrate", "--json", env={ENV_KEY: slow_dir})
        assert again.returncode == 0, describe(again)
        body = json.loads(again.stdout)
        assert body["applied"] == 0 and body["failed"] == 0 and body["upToDate"] == body["tenants"], body
    finally:
        shutil.rmtree(slow_dir, ignore_errors=True)
