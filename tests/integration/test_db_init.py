"""`ecom-provision db-init`: the control database and both accounts on an existing server, with
exactly the privileges README "Security" documents; run twice, nothing changes; passwords come
from files (generated 0600 when missing), never from the command line; `setup` works after it.

It runs against the test stack's server under account and schema names of its own, so that the
stack's accounts are never touched."""

import os
import sys
import re
import secrets as pysecrets
import stat
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import provision, describe, sql  # noqa: E402
from sql import mariadb, superuser  # noqa: E402

HOSTS = ["localhost", "127.0.0.1"]
README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


class Names:
    def __init__(self):
        tag = pysecrets.token_hex(3)
        self.admin = f"dbi_admin_{tag}"
        self.app = f"dbi_app_{tag}"
        self.control = f"dbi_ctl_{tag}"
        self.dir = tempfile.mkdtemp(prefix="ecom-dbinit-")
        self.admin_pw_file = os.path.join(self.dir, "admin-db-password")
        self.app_pw_file = os.path.join(self.dir, "app-db-password")

    def env(self):
        return {"ECOM_ADMIN_DATABASE_USER": self.admin, "ECOM_DATABASE_USER": self.app,
                "ECOM_DATABASE_CONTROL_SCHEMA": self.control,
                "ECOM_ADMIN_DATABASE_PASSWORD_FILE": self.admin_pw_file,
                "ECOM_ADMIN_DATABASE_PASSWORD": "", "ECOM_DATABASE_PASSWORD": ""}

    def db_init(self, *extra):
        args = ["db-init", "--app-password-file", self.app_pw_file]
        user, password = superuser()
        args += ["--server-user", user]
        if password:
            server_pw = os.path.join(self.dir, "server-password")
            with open(os.open(server_pw, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                f.write(password + "\n")
            args += ["--server-password-file", server_pw]
        return provision(*args, *extra, env=self.env())

    def drop(self):
        for user in (self.admin, self.app):
            for host in HOSTS:
                sql(f"DROP USER IF EXISTS '{user}'@'{host}'")
        sql(f"DROP DATABASE IF EXISTS `{self.control}`")


def split_privileges(text):
    """'INSERT, UPDATE (`a`, b), DELETE' -> {'INSERT', 'UPDATE (a,b)', 'DELETE'} (columns sorted)."""
    out, depth, cur = set(), 0, ""
    for ch in text + ",":
        if ch == "," and depth == 0:
            p = cur.strip()
            m = re.match(r"^(\w+)\s*\((.*)\)$", p)
            if m:
                cols = sorted(c.strip().strip("`") for c in m.group(2).split(","))
                p = f"{m.group(1)} ({','.join(cols)})"
            out.add(p)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return frozenset(out)


GRANT = re.compile(r"^GRANT (.+?) ON (\S+) TO (\S+?)(?: IDENTIFIED BY PASSWORD '[^']*')?( WITH GRANT OPTION)?;?$")


def normalise(line):
    """A GRANT statement as (privileges, object, account, with grant option), quotes removed."""
    m = GRANT.match(line.strip())
    assert m, f"not a GRANT: {line!r}"
    privileges, obj, account, grant_option = m.groups()
    return (split_privileges(privileges), obj.replace("`", ""), account.replace("`", "").replace("'", ""),
            bool(grant_option))


def documented_grants(names, host):
    """The GRANT statements of README "Security" with this test's names, as `normalise` gives them."""
    text = open(README, encoding="utf-8").read()
    block = text[text.index("**Least-privilege database accounts**"):]
    block = block[block.index("```sql"):]
    block = block[:block.index("```", 6)]
    statements, cur = [], ""
    for line in block.splitlines():
        line = line.split("--", 1)[0].rstrip()
        if not line.strip() or line.startswith("```"):
            continue
        cur += " " + line.strip()
        if cur.endswith(";"):
            statements.append(cur.strip())
            cur = ""
    assert len(statements) == 5, statements
    control_pattern = names.control.replace("_", "\\_")
    out = set()
    for s in statements:
        s = (s.replace("'ecom_admin'", f"'{names.admin}'").replace("'ecom_app'", f"'{names.app}'")
             .replace("`ecom\\_control`", f"`{control_pattern}`").replace("`ecom_control`", f"`{names.control}`")
             .replace("@'localhost'", f"@'{host}'"))
        out.add(normalise(s))
    return out


def shown_grants(user, host):
    rows = sql(f"SHOW GRANTS FOR '{user}'@'{host}'")
    return sorted(r[0] for r in rows)  # the server's order is not stable


def test_db_init_creates_both_accounts_with_the_documented_privileges_and_is_idempotent():
    names = Names()
    try:
        proc = names.db_init()
        assert proc.returncode == 0, describe(proc)
        # Both passwords generated into files of mode 0600 (neither was there).
        for f in (names.admin_pw_file, names.app_pw_file):
            mode = stat.S_IMODE(os.stat(f).st_mode)
            assert mode == 0o600, (f, oct(mode))
            assert f in proc.stdout, proc.stdout
        admin_pw = open(names.admin_pw_file).read().strip()
        app_pw = open(names.app_pw_file).read().strip()
        assert re.fullmatch(r"[0-9a-f]{64}", admin_pw) and re.fullmatch(r"[0-9a-f]{64}", app_pw)
        assert admin_pw not in proc.stdout + proc.stderr and app_pw not in proc.stdout + proc.stderr
        assert sql(f"SHOW DATABASES LIKE '{names.control}'") == [[names.control]]

        for host in HOSTS:
            for user in (names.admin, names.app):
                got = {normalise(g) for g in shown_grants(user, host) if not g.startswith("GRANT USAGE ON *.*")}
                want = {g for g in documented_grants(names, host) if g[2] == f"{user}@{host}"}
                assert got == want, f"{user}@{host}:\n got  {sorted(got)}\n want {sorted(want)}"
        # The passwords written are the accounts' passwords.
        assert mariadb("SELECT 1", names.admin, admin_pw).returncode == 0
        assert mariadb("SELECT 1", names.app, app_pw).returncode == 0

        # setup works as the new administrative account and grants the application its table privileges.
        proc = provision("setup", env=names.env())
        assert proc.returncode == 0, describe(proc)
        tables = [g for g in shown_grants(names.app, "localhost") if f"`{names.control}`.`tenants`" in g]
        assert tables and "UPDATE (" in tables[0], shown_grants(names.app, "localhost")

        # Twice: the same grants (the table privileges of setup included), the same passwords.
        before = {h: {u: shown_grants(u, h) for u in (names.admin, names.app)} for h in HOSTS}
        proc = names.db_init()
        assert proc.returncode == 0, describe(proc)
        assert "written" not in proc.stdout, proc.stdout
        after = {h: {u: shown_grants(u, h) for u in (names.admin, names.app)} for h in HOSTS}
        assert after == before, f"before {before}\nafter {after}"
        assert open(names.admin_pw_file).read().strip() == admin_pw
        assert open(names.app_pw_file).read().strip() == app_pw

        # Broader rights given by hand are taken back from the administrative account.
        sql(f"GRANT SELECT ON *.* TO '{names.admin}'@'localhost'")
        proc = names.db_init()
        assert proc.returncode == 0, describe(proc)
        assert shown_grants(names.admin, "localhost") == before["localhost"][names.admin]
    finally:
        names.drop()


def test_db_init_takes_no_password_on_the_command_line_and_checks_its_input():
    names = Names()
    try:
        for args in (["--password", "x"], ["--admin-password", "x"], ["--hosts", "bad host'"],
                     ["--server-user", "root'--"]):
            proc = provision("db-init", *args, env=names.env())
            assert proc.returncode == 2, describe(proc)
        # A password file that is readable by others is refused (the administrative one).
        with open(names.admin_pw_file, "w") as f:
            f.write("secret-password-1\n")
        os.chmod(names.admin_pw_file, 0o644)
        proc = names.db_init()
        assert proc.returncode == 1, describe(proc)
        assert sql(f"SELECT COUNT(*) FROM mysql.user WHERE User = '{names.admin}'") == [["0"]]
    finally:
        names.drop()
