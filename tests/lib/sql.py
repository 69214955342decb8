"""SQL against the stack's MariaDB through the mariadb CLI (over its socket). Standard library only."""

import subprocess

from stack_env import mysql_socket, secrets


def _unescape_batch(value):
    if value == "NULL":
        return None
    if "\\" not in value:
        return value
    out = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            n = value[i + 1]
            out.append({"t": "\t", "n": "\n", "\\": "\\", "0": "\0"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def mariadb(query, user, password, db=None, timeout=60):
    """Runs one query batch with the mariadb CLI as the given user; returns CompletedProcess."""
    cmd = ["mariadb", f"--socket={mysql_socket()}", f"-u{user}", "-N", "-B"]
    if password:
        cmd.append(f"-p{password}")
    if db:
        cmd.append(f"--database={db}")
    cmd += ["-e", query]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


_SUPERUSER = {}   # the stack's socket -> (user, password)


def superuser():
    """(user, password) of the database superuser the tests act as (the operator's own SQL):
    root over the socket where the stack's server allows it, else the administrative account
    (which can do everything on the control and store schemas, nothing elsewhere)."""
    socket = mysql_socket()
    if socket not in _SUPERUSER:
        import getpass
        for user in ("root", getpass.getuser()):
            if mariadb("SELECT 1", user, "").returncode == 0:
                _SUPERUSER[socket] = (user, "")
                break
        else:
            _SUPERUSER[socket] = ("ecom_admin", secrets()["ECOM_DB_ADMIN_PASSWORD"])
    return _SUPERUSER[socket]


def sql(query, db=None):
    """Runs SQL as the database superuser; returns a list of rows (lists of str, None for NULL)."""
    proc = mariadb(query, *superuser(), db=db)
    if proc.returncode != 0:
        raise AssertionError(f"SQL failed: {query!r}\n{proc.stderr}")
    rows = []
    for line in proc.stdout.split("\n"):
        if line == "":
            continue
        rows.append([_unescape_batch(v) for v in line.split("\t")])
    return rows


def sql_script(statements, db=None, timeout=120):
    """Runs many SQL statements as the admin account, fed on stdin (no command-line limit)."""
    cmd = ["mariadb", f"--socket={mysql_socket()}", "-uecom_admin", f"-p{secrets()['ECOM_DB_ADMIN_PASSWORD']}"]
    if db:
        cmd.append(f"--database={db}")
    proc = subprocess.run(cmd, input=";\n".join(statements) + ";\n", capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"SQL script failed: {proc.stderr[:2000]}")


def sql_value(query, db=None):
    rows = sql(query, db)
    assert rows, f"no row for {query!r}"
    return rows[0][0]


def q(value):
    """A SQL string literal (or NULL)."""
    if value is None:
        return "NULL"
    s = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{s}'"


# --------------------------------------------------------------------------- stores

def schema_of(slug):
    return "ecom_tenant_" + slug.replace("-", "_")


def app_account():
    """(user, password) of the application's database account."""
    return "ecom_app", secrets()["ECOM_DB_APP_PASSWORD"]


def admin_account():
    """(user, password) of the administrative database account (the provisioner's)."""
    return "ecom_admin", secrets()["ECOM_DB_ADMIN_PASSWORD"]
