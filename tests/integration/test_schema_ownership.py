"""Where a store's data lives is decided by its slug and by the provisioner alone.

- The application account cannot change a store's schema name or server, nor the servers.
- A store row whose schema name is not the one its slug gives (tampered with) is not served, and
  the provisioner (agent, CLI, migrate) refuses to act on it: nothing is created or granted in
  the schema it names.
- A new store never adopts a schema of the same name that was not created for it (a deleted
  store's, with that store's accounts and orders).
- The administrative account can do nothing outside the store and control schemas.
"""

import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import q, schema_of, sql  # noqa: E402


def as_app(query):
    return ecom.mariadb(query, *ecom.app_account(), db=ecom.control_db())


def as_admin(query, db=None):
    return ecom.mariadb(query, *ecom.admin_account(), db=db)


def test_app_account_cannot_move_a_store_or_a_server():
    slug = ecom.new_store("BASIC")
    tid = ecom.tenant_id(slug)
    for stmt in (f"UPDATE tenants SET schema_name = 'mysql' WHERE id = {q(tid)}",
                 f"UPDATE tenants SET db_server_id = db_server_id + 1 WHERE id = {q(tid)}",
                 f"UPDATE tenants SET slug = 'other-slug' WHERE id = {q(tid)}",
                 "UPDATE db_servers SET url = 'tcp://198.51.100.1:3306'",
                 "INSERT INTO db_servers (name, url) VALUES ('evil', 'tcp://198.51.100.1:3306')",
                 "DELETE FROM db_servers",
                 "DELETE FROM plans WHERE code = 'BASIC'"):
        proc = as_app(stmt)
        assert proc.returncode != 0, f"ecom_app could run: {stmt}"
        assert "denied" in proc.stderr.lower(), proc.stderr
    assert ecom.sql_value(f"SELECT schema_name FROM tenants WHERE id = {q(tid)}", db=ecom.control_db()) == \
        schema_of(slug)
    # what the API writes, it still may
    proc = as_app(f"UPDATE tenants SET status = status, suspended = suspended, plan_code = plan_code "
                  f"WHERE id = {q(tid)}")
    assert proc.returncode == 0, proc.stderr


def test_admin_account_has_no_rights_outside_store_and_control_schemas():
    for stmt in ("CREATE DATABASE ecom_evil_" + uuid.uuid4().hex[:8],
                 "SELECT COUNT(*) FROM mysql.user",
                 "SELECT COUNT(*) FROM mysql.global_priv",
                 "GRANT SELECT ON *.* TO 'ecom_app'@'localhost'",
                 "CREATE USER 'evil_" + uuid.uuid4().hex[:6] + "'@'localhost'",
                 "SET GLOBAL max_connections = 10"):
        proc = as_admin(stmt)
        assert proc.returncode != 0, f"ecom_admin could run: {stmt}"
    name = "ecom_tenant_zz_" + uuid.uuid4().hex[:8]
    proc = as_admin(f"CREATE DATABASE `{name}`; DROP DATABASE `{name}`")
    assert proc.returncode == 0, proc.stderr


def tamper(slug, schema):
    sql(f"UPDATE tenants SET schema_name = {q(schema)} WHERE slug = {q(slug)}", db=ecom.control_db())


def test_a_store_whose_schema_name_was_tampered_with_is_refused():
    slug = ecom.new_store("BASIC")
    token = ecom.mint_superadmin_token()
    grants_before = sql("SELECT User, Host, Db FROM mysql.db ORDER BY 1, 2, 3")
    tamper(slug, "mysql")
    try:
        ecom.wait_tenant_cache()
        body = ecom.assert_problem(ecom.http("GET", "/api/features", headers=ecom.tenant_headers(slug)), 409)
        assert body["title"] == "Tenant not resolved", body
        # the agent (super admin's repair) refuses
        resp = ecom.http("POST", "/superadmin/tenants/repair", headers=ecom.bearer(token), body={"tenant": slug})
        body = ecom.assert_problem(resp, 500)
        assert "schema name" in body["detail"], body
        # so do the CLI's repair and admin invitation, and migrate skips it
        proc = ecom.provision("repair", slug)
        assert proc.returncode == 1 and "schema name" in proc.stderr, ecom.describe(proc)
        proc = ecom.provision("admin", "create", slug, "boss@example.com")
        assert proc.returncode == 1 and "schema name" in proc.stderr, ecom.describe(proc)
        proc = ecom.provision("migrate")
        assert "schema name" in proc.stderr, ecom.describe(proc)
        # nothing was created or granted in the schema it names
        assert not sql("SELECT 1 FROM information_schema.tables WHERE table_schema = 'mysql' "
                       "AND table_name IN ('products', 'accounts', 'schema_migrations')")
        assert sql("SELECT User, Host, Db FROM mysql.db ORDER BY 1, 2, 3") == grants_before
    finally:
        tamper(slug, schema_of(slug))
    assert ecom.provision("repair", slug).returncode == 0


def test_a_new_store_never_adopts_a_leftover_schema():
    slug = ecom.new_store("BASIC")
    schema = schema_of(slug)
    # an order-like trace of the old store in its schema
    sql("INSERT INTO accounts (id, email, role) VALUES (UUID(), 'old-customer@example.com', 'customer')", db=schema)
    # the store is deleted, its schema left behind
    sql(f"DELETE FROM tenants WHERE slug = {q(slug)}", db=ecom.control_db())
    proc = ecom.provision("create", slug, "New Owner", "BASIC")
    assert proc.returncode == 1, ecom.describe(proc)
    assert "already exists" in proc.stderr, proc.stderr
    assert ecom.tenant_status(slug) == "Failed"
    # a repair refuses too, and the old data is untouched and never served
    assert ecom.provision("repair", slug).returncode == 1
    assert sql("SELECT COUNT(*) FROM accounts WHERE email = 'old-customer@example.com'", db=schema) == [["1"]]
    assert ecom.http("GET", "/api/features", headers=ecom.tenant_headers(slug)).status == 409
    # a schema created before owners were recorded (no comment) is not adopted either
    sql(f"ALTER DATABASE `{schema}` COMMENT ''")
    assert ecom.provision("repair", slug).returncode == 1
    # once the operator drops it, the new store is built afresh
    sql(f"DROP DATABASE `{schema}`")
    proc = ecom.provision("repair", slug)
    assert proc.returncode == 0, ecom.describe(proc)
    assert sql("SELECT COUNT(*) FROM accounts WHERE email = 'old-customer@example.com'", db=schema) == [["0"]]


def test_a_store_created_before_owners_were_recorded_is_still_repaired():
    slug = ecom.new_store("BASIC")
    sql(f"ALTER DATABASE `{schema_of(slug)}` COMMENT ''")
    proc = ecom.provision("repair", slug)
    assert proc.returncode == 0, ecom.describe(proc)
    comment = ecom.sql_value("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA "
                             f"WHERE SCHEMA_NAME = {q(schema_of(slug))}")
    assert comment == "ecom store " + ecom.tenant_id(slug)
