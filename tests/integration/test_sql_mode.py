"""Every database connection (the workers' and ecom-provision's: both go through db::Connection)
sets a strict sql_mode of its own, so that nothing is truncated silently even on a server whose
global sql_mode is lax. Proved with tests/tools/db_probe.cpp, which runs SQL through
db::Connection, while the server's global sql_mode is empty."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

STRICT = {"STRICT_ALL_TABLES", "ERROR_FOR_DIVISION_BY_ZERO", "NO_ZERO_DATE", "NO_ZERO_IN_DATE",
          "NO_ENGINE_SUBSTITUTION", "NO_AUTO_CREATE_USER"}


def probe(user, password, *statements):
    cmd = [os.path.join(ecom.bin_dir(), "db-probe"), "unix://" + ecom.mysql_socket(), user, password]
    return subprocess.run(cmd + list(statements), capture_output=True, text=True, timeout=60)


def as_app(*statements):
    return probe(*ecom.app_account(), *statements)


def as_admin(*statements):
    return probe(*ecom.admin_account(), *statements)


class LaxServer:
    """The server's global sql_mode emptied for the duration (new sessions start lax)."""

    def __enter__(self):
        self.saved = ecom.sql_value("SELECT @@GLOBAL.sql_mode")
        ecom.sql("SET GLOBAL sql_mode = ''")
        return self

    def __exit__(self, *exc):
        ecom.sql(f"SET GLOBAL sql_mode = {ecom.q(self.saved)}")


def test_the_session_is_strict_on_a_lax_server():
    with LaxServer():
        # What a plain client gets from this server now: nothing strict.
        assert ecom.sql("SELECT @@SESSION.sql_mode") in ([], [[""]])
        for run in (as_app, as_admin):
            proc = run("SELECT @@SESSION.sql_mode")
            assert proc.returncode == 0, ecom.describe(proc)
            modes = set(proc.stdout.strip().split(","))
            assert STRICT <= modes, f"{run.__name__}: session sql_mode {proc.stdout.strip()!r}"


def test_an_out_of_range_amount_is_an_error_not_a_clamped_value():
    # A non-transactional table, where STRICT_TRANS_TABLES alone would not help either. A table
    # of the control schema (the administrative account holds no CREATE TEMPORARY TABLES).
    money, text = (f"probe_{kind}_{os.getpid()}" for kind in ("money", "text"))
    use = f"USE `{ecom.control_db()}`"
    try:
        with LaxServer():
            proc = as_admin(use, f"CREATE TABLE {money} (amount DECIMAL(12,2) NOT NULL) ENGINE=MEMORY",
                            f"INSERT INTO {money} VALUES (12345678901.00)",
                            f"SELECT amount FROM {money}")
            assert proc.returncode == 3, ecom.describe(proc)
            assert proc.stdout.startswith("error 1264"), ecom.describe(proc)  # out of range value
            proc = as_admin(use, f"CREATE TABLE {text} (name VARCHAR(5) NOT NULL) ENGINE=MEMORY",
                            f"INSERT INTO {text} VALUES ('too long')")
            assert proc.returncode == 3 and proc.stdout.startswith("error 1406"), ecom.describe(proc)  # too long
    finally:
        ecom.sql(f"DROP TABLE IF EXISTS {money}, {text}", db=ecom.control_db())
