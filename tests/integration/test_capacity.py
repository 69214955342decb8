"""A database server's capacity (issue 17): derived from the server's own limits unless an operator
set one, shown by `server list` and `status`; a create on a full server refused before anything is
made (CLI exit 1, super admin API 503 with Retry-After, a sign-up left Queued and built once there
is room); a create that fails half-way drops the schema it made, and `repair` builds it anew.

"Full" is made small: every active server's capacity is set to the stores it holds now, and put
back as it was afterwards. The stack's provisioner loop would build the queued sign-up at once:
setup_module stops it and teardown_module starts it again (as test_provisioner_run does)."""

import glob
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import provision, describe, sql, sql_value, q, schema_of  # noqa: E402

STORES_PER_SERVER_TESTED = 10000   # kStoresPerServerTested (src/provisioning/server_limits.h)
DESCRIPTOR_RESERVE = 200           # kDescriptorReserve
BROKEN_NAME = "0099_capacity_broken.sql"

BROKEN_MIGRATIONS = None   # sql/tenant plus a migration that fails half-way through
BROKEN_SEED = None         # a seed file that fails
SAVED = {}                 # server name -> its capacity as it was: a number, or "derived"


def setup_module():
    global BROKEN_MIGRATIONS, BROKEN_SEED
    ecom.stop_provision_loop()
    assert not ecom.provision_loop_running(), "the stack's provisioner loop is still running"
    provision("run")   # what earlier modules left queued is built now, not during a test
    for s in servers().values():
        SAVED[s["name"]] = s["capacity"] if s["capacitySource"] == "configured" else "derived"
    BROKEN_MIGRATIONS = tempfile.mkdtemp(prefix="ecom-capacity-migrations-")
    for path in sorted(glob.glob(os.path.join(ecom.repo_dir(), "sql", "tenant", "*"))):
        if os.path.isfile(path):
            shutil.copy2(path, BROKEN_MIGRATIONS)
    with open(os.path.join(BROKEN_MIGRATIONS, BROKEN_NAME), "w", encoding="utf-8") as fh:
        fh.write("CREATE TABLE capacity_made_first (id INT PRIMARY KEY);\n"
                 "CREATE TABLE capacity_broken (id INT PRIMARY KEY,, oops);\n")
    fd, BROKEN_SEED = tempfile.mkstemp(prefix="ecom-capacity-seed-", suffix=".sql")
    with os.fdopen(fd, "w") as fh:
        fh.write("INSERT INTO no_such_table (id) VALUES (1);\n")


def teardown_module():
    restore_capacities()
    for path in (BROKEN_MIGRATIONS, BROKEN_SEED):
        if path and os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif path and os.path.exists(path):
            os.unlink(path)
    ecom.start_provision_loop()
    assert ecom.provision_loop_running(), "the stack's provisioner loop did not come back"


# --------------------------------------------------------------------------- helpers

def ok(proc):
    assert proc.returncode == 0, describe(proc)
    return proc


def servers():
    return {s["name"]: s for s in ecom.parse_json(ok(provision("--json", "server", "list")))["servers"]}


def restore_capacities():
    for name, capacity in SAVED.items():
        ok(provision("server", "capacity", name, str(capacity)))


def built_on(server):
    """The stores built (or being built) on `server`: every status but PendingConfirmation and
    Queued — what a queued sign-up must find room beside."""
    return int(sql_value("SELECT COUNT(*) FROM tenants t JOIN db_servers s ON s.id = t.db_server_id "
                         f"WHERE s.name = {q(server)} AND t.status NOT IN ('PendingConfirmation', 'Queued')",
                         db=ecom.control_db()))


def fill_every_server():
    """Every active server's capacity becomes the stores built on it: no room anywhere."""
    for s in servers().values():
        if s["state"] == "active":
            ok(provision("server", "capacity", s["name"], str(built_on(s["name"]))))
    return servers()


def schema_exists(slug):
    return sql(f"SHOW DATABASES LIKE {q(schema_of(slug))}") != []


def tenant_count(slug):
    return int(sql_value(f"SELECT COUNT(*) FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db()))


def step_rows(slug):
    return {r[0]: (r[1], r[2]) for r in sql(
        "SELECT s.step, s.status, s.error_message FROM provisioning_steps s JOIN tenants t ON t.id = s.tenant_id "
        f"WHERE t.slug = {q(slug)}", db=ecom.control_db())}


def job_of(tenant_id):
    rows = sql(f"SELECT status, attempts FROM provisioning_jobs WHERE tenant_id = {q(tenant_id)}",
               db=ecom.control_db())
    assert len(rows) == 1, rows
    return rows[0][0], int(rows[0][1])


def leftovers():
    proc = provision("--json", "gc")
    body = ecom.parse_json(proc)
    return {(l["server"], l["schema"]) for l in body["leftoverSchemas"]}


def assert_catalog_served(slug):
    ecom.wait_tenant_cache()   # a worker may have cached the store as not ready
    resp = ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(slug))
    assert resp.status == 200 and resp.json()["items"], resp


def expected_derived_capacity():
    """What the provisioner must derive for the stack's server, computed here from the same
    variables and the newest Ready store's tables."""
    limits = [int(v) for v in sql("SELECT @@open_files_limit, @@innodb_open_files, @@max_connections")[0]]
    open_files, innodb_files, connections = limits
    newest = sql_value("SELECT schema_name FROM tenants WHERE status = 'Ready' ORDER BY created_at DESC, id LIMIT 1",
                       db=ecom.control_db())
    tables = int(sql_value("SELECT COUNT(*) FROM information_schema.TABLES "
                           f"WHERE TABLE_SCHEMA = {q(newest)} AND TABLE_TYPE = 'BASE TABLE'"))
    assert tables >= 10, (newest, tables)
    if innodb_files + connections + DESCRIPTOR_RESERVE > open_files:
        return min(STORES_PER_SERVER_TESTED, (open_files - connections - DESCRIPTOR_RESERVE) // tables), tables
    return STORES_PER_SERVER_TESTED, tables


# --------------------------------------------------------------------------- capacity shown

def test_a_server_without_a_capacity_of_its_own_derives_it_from_its_limits():
    ok(provision("server", "capacity", "default", "derived"))
    s = servers()["default"]
    want, tables = expected_derived_capacity()
    assert s["capacitySource"] == "derived" and s["capacity"] == want == s["derivedCapacity"], (s, want)
    stores = int(sql_value("SELECT COUNT(*) FROM tenants t JOIN db_servers s ON s.id = t.db_server_id "
                           "WHERE s.name = 'default'", db=ecom.control_db()))
    assert s["stores"] == stores and s["free"] == max(0, want - stores), (s, stores)
    assert f"{tables} tables a store" in s["derivedFrom"] and "open_files_limit" in s["derivedFrom"], s
    text = ok(provision("server", "list")).stdout
    assert "SOURCE" in text and "derived" in text and "derived from open_files_limit" in text, text


def test_a_configured_capacity_overrides_the_derived_one_until_set_back():
    derived = servers()["default"]["derivedCapacity"]
    try:
        ok(provision("server", "capacity", "default", "7"))
        s = servers()["default"]
        assert (s["capacity"], s["capacitySource"], s["derivedCapacity"]) == (7, "configured", derived), s
        assert s["free"] == max(0, 7 - s["stores"]), s
        line = [ln for ln in ok(provision("server", "list")).stdout.splitlines() if ln.startswith("default ")][0]
        assert "configured" in line and " 7 " in line, line
    finally:
        ok(provision("server", "capacity", "default", "derived"))
    s = servers()["default"]
    assert (s["capacity"], s["capacitySource"]) == (derived, "derived"), s
    for bad in ("-1", "many", "1000001", ""):
        proc = provision("server", "capacity", "default", bad)
        assert proc.returncode == 2, describe(proc)


def test_a_server_added_without_a_capacity_derives_one_once_its_limits_can_be_read():
    name = "capspare"
    ok(provision("server", "add", name, "unix:///nonexistent/mysqld.sock"))
    try:
        s = servers()[name]
        # never reached: no derived capacity yet, and it counts as holding the tested ceiling
        assert (s["capacitySource"], s["derivedCapacity"], s["derivedFrom"], s["reachable"]) == \
            ("derived", None, None, False), s
        assert s["capacity"] == STORES_PER_SERVER_TESTED and s["free"] == STORES_PER_SERVER_TESTED, s
    finally:
        ok(provision("server", "remove", name))


def test_status_shows_the_room_on_the_store_s_server():
    slug = ecom.new_store("BASIC")
    body = ecom.parse_json(ok(provision("--json", "status", slug)))
    room = body["serverCapacity"]
    s = servers()[body["server"]]
    for key in ("stores", "capacity", "capacitySource", "free"):
        assert room[key] == s[key], (key, room, s)
    text = ok(provision("status", slug)).stdout
    assert f"database server {body['server']}: {s['stores']} store(s), capacity {s['capacity']} " \
           f"({s['capacitySource']}), {s['free']} free" in text, text


# --------------------------------------------------------------------------- refusal when full

def test_create_on_a_full_server_is_refused_before_anything_is_made():
    try:
        full = fill_every_server()["default"]
        slug = ecom.unique_slug("full")
        proc = provision("create", slug, "No room", "BASIC")
        assert proc.returncode == 1, describe(proc)
        assert "no active database server has room" in proc.stderr, proc.stderr
        assert f"database server 'default' is full: {full['stores']} store(s), capacity {full['capacity']} " \
               "(configured)" in proc.stderr, proc.stderr
        proc = provision("--json", "create", slug, "No room", "BASIC", "--server", "default")
        assert proc.returncode == 1, describe(proc)
        assert "database server 'default' is full" in ecom.parse_json(proc)["error"], proc.stdout
        assert tenant_count(slug) == 0 and not schema_exists(slug)
        assert servers()["default"]["stores"] == full["stores"]
    finally:
        restore_capacities()
    ok(provision("create", slug, "Room again", "BASIC"))
    assert ecom.tenant_status(slug) == "Ready" and schema_exists(slug)


def test_the_super_admin_s_create_on_a_full_server_is_a_503_with_retry_after():
    sa = ecom.SuperAdmin()
    slug = ecom.unique_slug("safull")
    try:
        fill_every_server()
        for extra in ({}, {"server": "default"}):
            r = sa("POST", sa.TENANTS, body={"slug": slug, "name": "No room", "planCode": "BASIC", **extra})
            problem = ecom.assert_problem(r, 503)
            assert int(r.headers.get("Retry-After", "0")) > 0, r.headers
            assert "full" in problem["detail"] and "default" in problem["detail"], problem
            assert tenant_count(slug) == 0 and not schema_exists(slug)
    finally:
        restore_capacities()
    r = sa("POST", sa.TENANTS, body={"slug": slug, "name": "Room again", "planCode": "BASIC"})
    assert r.status == 201, r


def test_a_sign_up_on_a_full_platform_stays_queued_and_is_built_once_there_is_room():
    try:
        fill_every_server()
        slug, tid = ecom.init_and_confirm(plan="Basic")
        assert ecom.tenant_status(slug) == "Queued"
        server = sql_value("SELECT s.name FROM tenants t JOIN db_servers s ON s.id = t.db_server_id "
                           f"WHERE t.id = {q(tid)}", db=ecom.control_db())
        for _ in range(2):
            proc = provision("--json", "run")
            assert proc.returncode == 0, describe(proc)
            body = ecom.parse_json(proc)
            assert (body["provisioned"], body["failed"], body["waitingForRoom"]) == (0, 0, 1), body
            # the provisioner says why, naming the server and its capacity
            said = [ln for ln in proc.stderr.splitlines() if slug in ln and "stays Queued" in ln]
            assert len(said) == 1, proc.stderr
            assert f"database server '{server}' is full" in said[0] and "capacity" in said[0], said
            assert ecom.tenant_status(slug) == "Queued" and not schema_exists(slug)
            assert job_of(tid) == ("Queued", 0)
            status = ecom.provision_status(tid).json()
            assert status["status"] == "Pending", status
            assert [s["status"] for s in status["steps"]] == ["Pending"] * 3, status
        # room on its server: the next run builds it
        ok(provision("server", "capacity", server, str(built_on(server) + 1)))
        body = ecom.parse_json(ok(provision("--json", "run")))
        assert (body["provisioned"], body["failed"], body["waitingForRoom"]) == (1, 0, 0), body
    finally:
        restore_capacities()
    assert ecom.tenant_status(slug) == "Ready" and job_of(tid) == ("Done", 1)
    assert ecom.provision_status(tid).json()["status"] == "Ready"
    assert_catalog_served(slug)


# --------------------------------------------------------------------------- a create failing half-way

def assert_failed_and_clean(slug, step):
    assert ecom.tenant_status(slug) == "Failed"
    steps = step_rows(slug)
    assert steps["CreateDatabase"][0] == "Success", steps
    assert steps[step][0] == "Failed", steps
    assert f"the schema {schema_of(slug)} this run created was dropped again" in steps[step][1], steps
    assert not schema_exists(slug), "the failed create left its schema behind"
    assert not any(schema == schema_of(slug) for _, schema in leftovers())


def assert_repaired(slug):
    ok(provision("repair", slug))
    assert ecom.tenant_status(slug) == "Ready" and schema_exists(slug)
    assert all(status == "Success" for status, _ in step_rows(slug).values()), step_rows(slug)
    assert_catalog_served(slug)


def test_a_create_whose_migration_fails_drops_the_schema_it_made_and_repair_builds_it():
    slug = ecom.unique_slug("half")
    proc = provision("create", slug, "Half made", "BASIC", env={"ECOM_PATHS_TENANT_MIGRATIONS": BROKEN_MIGRATIONS})
    assert proc.returncode == 1 and "ApplyMigrations failed" in proc.stderr, describe(proc)
    assert BROKEN_NAME in proc.stderr and "dropped again" in proc.stderr, proc.stderr
    assert_failed_and_clean(slug, "ApplyMigrations")
    assert_repaired(slug)
    assert sql(f"SHOW TABLES FROM {schema_of(slug)} LIKE 'capacity_made_first'") == []


def test_a_create_whose_seed_fails_drops_the_schema_too():
    slug = ecom.unique_slug("seedless")
    proc = provision("create", slug, "Seed fails", "BASIC", env={"ECOM_PATHS_SEED_FILE": BROKEN_SEED})
    assert proc.returncode == 1 and "SeedData failed" in proc.stderr, describe(proc)
    assert_failed_and_clean(slug, "SeedData")
    assert_repaired(slug)


def test_a_queued_sign_up_whose_build_fails_leaves_no_schema_and_is_repaired():
    slug, tid = ecom.init_and_confirm(plan="Basic")
    proc = provision("--json", "run", env={"ECOM_PATHS_TENANT_MIGRATIONS": BROKEN_MIGRATIONS})
    assert proc.returncode == 1, describe(proc)
    assert ecom.parse_json(proc)["failed"] == 1
    assert_failed_and_clean(slug, "ApplyMigrations")
    assert job_of(tid)[0] == "Failed"
    status = ecom.provision_status(tid).json()
    assert status["status"] == "Failed" and "dropped" not in json.dumps(status), status  # the operator's words only
    assert_repaired(slug)


def test_a_failed_repair_never_drops_a_schema_that_was_there_before():
    slug = ecom.unique_slug("kept")
    provision("create", slug, "Kept", "BASIC", env={"ECOM_PATHS_TENANT_MIGRATIONS": BROKEN_MIGRATIONS})
    assert ecom.tenant_status(slug) == "Failed" and not schema_exists(slug)
    # A partial schema as an older version left it: this store's, with a table in it.
    tid = ecom.tenant_id(slug)
    sql(f"CREATE DATABASE `{schema_of(slug)}` COMMENT {q('ecom store ' + tid)}")
    sql("CREATE TABLE kept_table (id INT PRIMARY KEY)", db=schema_of(slug))
    proc = provision("repair", slug, env={"ECOM_PATHS_TENANT_MIGRATIONS": BROKEN_MIGRATIONS})
    assert proc.returncode == 1 and "dropped" not in proc.stderr, describe(proc)
    assert ecom.tenant_status(slug) == "Failed" and schema_exists(slug)
    assert sql(f"SHOW TABLES FROM {schema_of(slug)} LIKE 'kept_table'") != []
    assert_repaired(slug)
