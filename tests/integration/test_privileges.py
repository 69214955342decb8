"""Least privilege: the web account `ecom_app` has data privileges only."""

import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import schema_of  # noqa: E402

STORE = None


def setup_module():
    global STORE
    STORE = ecom.new_store("PREMIUM")


def as_app(query, db=None):
    return ecom.mariadb(query, *ecom.app_account(), db=db)


def test_app_account_can_read_a_store():
    proc = as_app(f"SELECT COUNT(*) FROM `{schema_of(STORE)}`.products")
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) >= 40


def test_app_account_cannot_create_database():
    name = "ecom_evil_" + uuid.uuid4().hex[:8]
    proc = as_app(f"CREATE DATABASE `{name}`")
    assert proc.returncode != 0, "ecom_app could CREATE DATABASE"
    assert not ecom.sql(f"SELECT 1 FROM information_schema.schemata WHERE schema_name = {ecom.q(name)}")


def test_app_account_cannot_create_table_in_store():
    proc = as_app(f"CREATE TABLE `{schema_of(STORE)}`.evil (id INT)")
    assert proc.returncode != 0, "ecom_app could CREATE TABLE in a store schema"
    assert not ecom.sql("SELECT 1 FROM information_schema.tables "
                        f"WHERE table_schema = {ecom.q(schema_of(STORE))} AND table_name = 'evil'")


def test_app_account_cannot_drop_or_alter_store_tables():
    for stmt in (f"DROP TABLE `{schema_of(STORE)}`.provisioning_marks",
                 f"ALTER TABLE `{schema_of(STORE)}`.products ADD COLUMN evil INT",
                 f"DROP DATABASE `{schema_of(STORE)}`"):
        proc = as_app(stmt)
        assert proc.returncode != 0, f"ecom_app could run: {stmt}"
    assert int(ecom.sql_value("SELECT COUNT(*) FROM products", db=schema_of(STORE))) >= 40


def test_app_account_cannot_grant():
    proc = as_app(f"GRANT SELECT ON `{schema_of(STORE)}`.* TO 'ecom_app'@'localhost'")
    assert proc.returncode != 0, "ecom_app holds GRANT OPTION"


def test_wrong_password_is_refused():
    proc = ecom.mariadb("SELECT 1", "ecom_app", "definitely-wrong-" + uuid.uuid4().hex)
    assert proc.returncode != 0
