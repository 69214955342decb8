"""Stores over several database servers, on a stack of its own plus a second private MariaDB
(tests/lib/second_db.py) started under its var dir on a free loopback port, shared with
test_move.py (tests/lib/two_servers.py); both are stopped and removed when the run ends, so the
suite's stack is not touched.

The second server's accounts have passwords of their own, given to the platform in a
[db_server.second] section of ecom.conf (never in the control database): that its stores are
served at all shows the section is used."""

import json
import secrets as pysecrets
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import two_servers  # noqa: E402
from two_servers import ok  # noqa: E402

ENV = None     # the stack and its second server (tests/lib/two_servers.py)
STACK = None
DB2 = None
STORES = {}  # what the tests made: name -> slug


def setup_module():
    global ENV, STACK, DB2
    ENV = two_servers.shared()
    STACK, DB2 = ENV.stack, ENV.db2


def teardown_module():
    if ENV is not None and ENV.stack is not None and os.environ.get("KEEP_LOGS"):
        import shutil
        shutil.copytree(os.path.join(ENV.stack.var_dir, "log"), os.environ["KEEP_LOGS"], dirs_exist_ok=True)
    if ENV is not None:
        ENV.stack.deselect()


def servers():
    proc = ok(ecom.provision("--json", "server", "list"))
    return {s["name"]: s for s in ecom.parse_json(proc)["servers"]}


def server_of(slug):
    return ENV.server_of(slug)


def schemas_on_second():
    return ENV.schemas_on_second()


def schemas_on_default():
    return ENV.schemas_on_default()


def create(slug, *extra):
    return ecom.provision("create", slug, f"Store {slug}", "PREMIUM", *extra)


# --------------------------------------------------------------------------- the CLI

def test_server_list_shows_both_servers_with_stores_capacity_state_and_reachability():
    s = servers()
    assert set(s) == {"default", "second"}, s
    assert s["default"]["default"] is True and s["second"]["default"] is False
    assert s["second"]["url"] == DB2.url and s["second"]["capacity"] == 100
    for name in ("default", "second"):
        assert s[name]["state"] == "active" and s[name]["reachable"] is True, s[name]
        assert s[name]["free"] == s[name]["capacity"] - s[name]["stores"], s[name]
    text = ok(ecom.provision("server", "list")).stdout
    assert "second" in text and DB2.url in text and "REACHABLE" in text, text


def test_server_add_drain_resume_remove_and_their_errors():
    ok(ecom.provision("server", "add", "spare", "unix:///nonexistent/mysqld.sock", "--capacity", "7"))
    s = servers()["spare"]
    assert (s["capacity"], s["stores"], s["state"], s["reachable"]) == (7, 0, "active", False), s
    assert ecom.provision("server", "add", "spare", "tcp://127.0.0.1:1").returncode == 1  # name taken
    for bad in (["Bad Name", "tcp://127.0.0.1:1"], ["x", "ftp://somewhere"], ["x", "tcp://h:1", "--capacity", "-1"],
                ["x", "tcp://h:1", "--capacity", "many"], ["x"]):
        proc = ecom.provision("server", "add", *bad)
        assert proc.returncode == 2, ecom.describe(proc)
    ok(ecom.provision("server", "drain", "spare"))
    assert servers()["spare"]["state"] == "draining"
    ok(ecom.provision("server", "resume", "spare"))
    assert servers()["spare"]["state"] == "active"
    for sub in ("drain", "resume", "remove"):
        proc = ecom.provision("server", sub, "nosuch")
        assert proc.returncode == 1 and "no database server named 'nosuch'" in proc.stderr, ecom.describe(proc)
    proc = ecom.provision("server", "remove", "default")
    assert proc.returncode == 1 and "default" in proc.stderr, ecom.describe(proc)
    ok(ecom.provision("server", "remove", "spare"))
    assert "spare" not in servers()


def test_remove_refuses_a_server_that_holds_a_store():
    slug = ecom.unique_slug("keep")
    ok(create(slug, "--server", "second"))
    STORES["cli-second"] = slug
    proc = ecom.provision("server", "remove", "second")
    assert proc.returncode == 1, ecom.describe(proc)
    assert "still holds" in proc.stderr and "second" in proc.stderr, proc.stderr
    assert "second" in servers()


# --------------------------------------------------------------------------- placement

def test_new_stores_go_to_the_active_server_with_the_most_free_capacity():
    s = servers()
    try:
        # default: 2 free; second: 3 free.
        ok(ecom.provision("server", "capacity", "default", s["default"]["stores"] + 2))
        ok(ecom.provision("server", "capacity", "second", s["second"]["stores"] + 3))
        # free second/default: 3/2 → 2/2 (a tie goes to the default) → 2/1 → 1/1 → 1/0 → 0/0
        expected = ["second", "default", "second", "default", "second"]
        for i, where in enumerate(expected):
            slug = ecom.unique_slug(f"place{i}")
            ok(create(slug))
            assert server_of(slug) == where, (i, where, servers())
            assert (ecom.schema_of(slug) in schemas_on_second()) == (where == "second")
            assert (ecom.schema_of(slug) in schemas_on_default()) == (where == "default")
        proc = create(ecom.unique_slug("full"))
        assert proc.returncode == 1 and "no active database server has room" in proc.stderr, ecom.describe(proc)
        # A draining server takes no new store, however much room it has.
        ok(ecom.provision("server", "capacity", "second", 1000))
        ok(ecom.provision("server", "capacity", "default", 1000))
        ok(ecom.provision("server", "drain", "second"))
        slug = ecom.unique_slug("drained")
        ok(create(slug))
        assert server_of(slug) == "default"
        proc = create(ecom.unique_slug("drained"), "--server", "second")
        assert proc.returncode == 1 and "draining" in proc.stderr, ecom.describe(proc)
    finally:
        ecom.provision("server", "resume", "second")
        ecom.provision("server", "capacity", "default", 5000)
        ecom.provision("server", "capacity", "second", 100)


def test_a_sign_up_is_placed_too_and_no_room_anywhere_is_a_503():
    ok(ecom.provision("server", "drain", "default"))
    try:
        slug, pid = ecom.init_and_confirm()
        ecom.wait_status(pid)
        assert server_of(slug) == "second" and ecom.schema_of(slug) in schemas_on_second()
        assert ecom.get("/public/tenant-config", slug).status == 200
        ok(ecom.provision("server", "drain", "second"))
        r = ecom.http("POST", "/provision/tenants/init",
                      body={"slug": ecom.unique_slug("q"), "name": "No room", "plan": "Basic"})
        ecom.assert_problem(r, 503)
        sa = ecom.SuperAdmin()
        r = sa("POST", sa.TENANTS, body={"slug": ecom.unique_slug("sa"), "name": "No room", "planCode": "BASIC"})
        ecom.assert_problem(r, 503)
        assert r.headers.get("Retry-After"), r.headers
    finally:
        ok(ecom.provision("server", "resume", "default"))
        ok(ecom.provision("server", "resume", "second"))


def test_db_init_gives_the_second_server_the_store_grants_only():
    grants = " ".join(r[0] for r in DB2.sql("SHOW GRANTS FOR 'ecom_app'@'127.0.0.1'"))
    assert "SELECT, INSERT, UPDATE, DELETE ON `ecom\\_tenant\\_%`.*" in grants, grants
    assert "ecom_control" not in grants and "CREATE" not in grants, grants
    admin = " ".join(r[0] for r in DB2.sql("SHOW GRANTS FOR 'ecom_admin'@'127.0.0.1'"))
    assert "ON `ecom\\_tenant\\_%`.*" in admin and "ecom_control" not in admin and "*.*" in admin, admin
    assert "ALL PRIVILEGES" not in admin and "ON *.* TO" in admin, admin
    assert DB2.sql("SHOW DATABASES LIKE 'ecom_control'") == []
    # Idempotent: a second run changes nothing and the stores there are still served.
    ok(ecom.provision("db-init", "--db-server", "second", "--server-user", "root", "--hosts", "127.0.0.1"))
    assert " ".join(r[0] for r in DB2.sql("SHOW GRANTS FOR 'ecom_app'@'127.0.0.1'")) == grants


def test_create_with_server_names_where_the_store_goes():
    on_default = ecom.unique_slug("ondef")
    proc = ok(ecom.provision("--json", "create", on_default, "On default", "BASIC", "--server", "default"))
    assert ecom.parse_json(proc)["server"] == "default"
    assert server_of(on_default) == "default" and ecom.schema_of(on_default) in schemas_on_default()
    on_second = ecom.unique_slug("onsec")
    ok(create(on_second, "--server", "second"))
    assert server_of(on_second) == "second" and ecom.schema_of(on_second) in schemas_on_second()
    assert ecom.schema_of(on_second) not in schemas_on_default()
    STORES["default"], STORES["second"] = on_default, on_second
    proc = create(ecom.unique_slug("nowhere"), "--server", "nosuch")
    assert proc.returncode == 2 and "no database server named 'nosuch'" in proc.stderr, ecom.describe(proc)


def test_superadmin_create_accepts_a_server():
    sa = ecom.SuperAdmin()
    slug = ecom.unique_slug("sa2")
    r = sa("POST", sa.TENANTS, body={"slug": slug, "name": "On second", "planCode": "BASIC", "server": "second"})
    assert r.status == 201, r
    assert server_of(slug) == "second" and ecom.schema_of(slug) in schemas_on_second()
    r = sa("POST", sa.TENANTS, body={"slug": ecom.unique_slug("sa"), "name": "X", "planCode": "BASIC",
                                     "server": "nosuch"})
    ecom.assert_validation(r, "server")
    r = sa("POST", sa.TENANTS, body={"slug": ecom.unique_slug("sa"), "name": "X", "planCode": "BASIC",
                                     "server": "Not A Name"})
    ecom.assert_validation(r, "server")
    ok(ecom.provision("server", "drain", "second"))
    try:
        slug3 = ecom.unique_slug("sa")
        r = sa("POST", sa.TENANTS, body={"slug": slug3, "name": "X", "planCode": "BASIC", "server": "second"})
        ecom.assert_problem(r, 409)
        assert "draining" in r.json()["detail"], r.json()
        assert ecom.sql(f"SELECT 1 FROM tenants WHERE slug = {ecom.q(slug3)}", db=ecom.control_db()) == []
    finally:
        ok(ecom.provision("server", "resume", "second"))


# --------------------------------------------------------------------------- requests

def product_names(slug):
    r = ecom.get("/api/catalog/products?search=server-mark&pageSize=50", slug)
    assert r.status == 200, r
    return [p["name"] for p in r.json()["items"]]


def insert_product(run_sql, slug, name):
    """A product written by SQL straight into the schema on one server (run_sql: that server's)."""
    run_sql("INSERT INTO products (id, name, description, price, discount, stock, is_active) "
            f"VALUES (UUID(), {ecom.q(name)}, '', 10.00, 0, 5, 1)", db=ecom.schema_of(slug))


def test_requests_reach_the_server_holding_the_store():
    on_default, on_second = STORES["default"], STORES["second"]
    insert_product(ecom.sql, on_default, "server-mark default")
    insert_product(DB2.sql, on_second, "server-mark second")
    assert product_names(on_default) == ["server-mark default"]
    assert product_names(on_second) == ["server-mark second"]
    # A write lands on the store's own server: a customer registered through the API.
    email = f"{pysecrets.token_hex(4)}@example.com"
    r = ecom.http("POST", "/api/auth/register", headers=ecom.tenant_headers(on_second),
                  body={"email": email, "password": "long enough pw", "name": "Ann"})
    assert r.status == 201, r
    assert DB2.sql(f"SELECT COUNT(*) FROM accounts WHERE email = {ecom.q(email)}",
                   db=ecom.schema_of(on_second)) == [["1"]]
    # Each worker holds at most one connection to the second server, with that server's account.
    users = DB2.sql("SELECT USER, COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'ecom_app' GROUP BY USER")
    assert users and 1 <= int(users[0][1]) <= STACK.workers, users


def test_migrate_and_gc_reach_the_stores_of_every_server():
    # Each server's own administrative account ([db_server.second] has another password).
    DB2.sql("DELETE FROM schema_migrations ORDER BY version DESC LIMIT 1", db=ecom.schema_of(STORES["second"]))
    proc = ok(ecom.provision("migrate"))
    assert f"{STORES['second']}: applied" in proc.stdout, ecom.describe(proc)
    ok(ecom.provision("gc"))


def test_a_server_down_affects_only_its_own_stores_and_health_says_which():
    on_default, on_second = STORES["default"], STORES["second"]
    assert ecom.get("/api/catalog/products", on_second).status == 200
    r = ecom.http("GET", "/health")
    assert r.status == 200 and r.json().get("servers") == {"default": "Up", "second": "Up"}, r.text
    assert "detail" not in r.json(), r.text
    DB2.stop()
    try:
        # Every worker, whether or not it had a connection there. Each read asks something not
        # asked before: an answer a worker cached before the stop stays served until its TTL (it
        # is still exact: nothing can write to that store), so only a read that needs the server
        # shows it down.
        for i in range(2 * STACK.workers):
            r = ecom.get(f"/api/catalog/products?search=down-{i}", on_second)
            ecom.assert_problem(r, 503)
            assert r.headers.get("Retry-After"), r.headers
            assert ecom.get("/api/catalog/products", on_default).status == 200
        # Each worker reuses its last check for up to a second (README: /health).
        def health_with_second_down():
            resp = ecom.http("GET", "/health")
            return resp if resp.json().get("servers", {}).get("second") == "Down" else None
        r = ecom.wait_until(health_with_second_down, timeout=5, interval=0.2, what="/health saying 'second' is down")
        body = r.json()
        assert r.status == 200 and body["status"] == "Healthy", r.text
        assert body["servers"] == {"default": "Up", "second": "Down"}, body
        assert "'second'" in body["detail"], body
    finally:
        DB2.start()
    ecom.wait_until(lambda: ecom.get(f"/api/catalog/products?search=up-{pysecrets.token_hex(4)}", on_second).status == 200,
                    timeout=30, interval=0.2, what="the second server's store served again")
    for i in range(2 * STACK.workers):
        assert ecom.get(f"/api/catalog/products?search=up-{i}", on_second).status == 200
    def health_with_second_up():
        resp = ecom.http("GET", "/health")
        return resp if resp.json().get("servers", {}).get("second") == "Up" else None
    r = ecom.wait_until(health_with_second_up, timeout=5, interval=0.2, what="/health saying 'second' is up again")
    assert r.status == 200 and r.json()["servers"] == {"default": "Up", "second": "Up"}, r.text
    assert json.loads(ok(ecom.provision("--json", "server", "list")).stdout)["servers"][1]["reachable"] is True
