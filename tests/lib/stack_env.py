"""The stack under test, as the environment names it (set by the caller):

  ECOM_BASE_URL   e.g. http://127.0.0.1:18123 (nginx of the stack under test)
  ECOM_VAR_DIR    the stack's var dir (mysql/mysqld.sock, secrets.env, run/ecom-fcgi.pid)
  ECOM_CONFIG     the stack's config file ($ECOM_VAR_DIR/ecom.conf by default)
  ECOM_BIN_DIR    where ecom-fcgi and ecom-provision are
  ECOM_REPO_DIR   the repository (sql/tenant, ...)

Every helper reads the environment when called, so a test may point them at another stack
(see processes.Stack). Standard library only.
"""

import os
import time


def _env(name, default=None):
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def base_url():
    return _env("ECOM_BASE_URL").rstrip("/")


def var_dir():
    return _env("ECOM_VAR_DIR")


def config_path():
    return os.environ.get("ECOM_CONFIG") or os.path.join(var_dir(), "ecom.conf")


def bin_dir():
    return _env("ECOM_BIN_DIR")


def repo_dir():
    return _env("ECOM_REPO_DIR")


def _read_kv_file(path):
    values = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            if line.startswith("export "):
                line = line[len("export "):].strip()
            key, _, value = line.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key.strip()] = value
    return values


def secrets():
    """The stack's secrets.env as a dict (ECOM_DB_ADMIN_PASSWORD, ECOM_DB_APP_PASSWORD, ...)."""
    return _read_kv_file(os.path.join(var_dir(), "secrets.env"))


def config_value(section, key, default=None):
    """A value of the stack's INI config (environment override ECOM_<SECTION>_<KEY> wins)."""
    env_name = f"ECOM_{section}_{key}".upper()
    if os.environ.get(env_name):
        return os.environ[env_name]
    try:
        current = None
        with open(config_path(), encoding="utf-8") as fh:
            for line in fh:
                line = line.split("#", 1)[0].split(";", 1)[0].strip()
                if not line:
                    continue
                if line.startswith("[") and line.endswith("]"):
                    current = line[1:-1].strip()
                    continue
                if current == section and "=" in line:
                    k, _, v = line.partition("=")
                    if k.strip() == key:
                        v = v.strip()
                        if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
                            v = v[1:-1]
                        return v
    except OSError:
        pass
    return default


def control_db():
    return config_value("database", "control_schema", "ecom_control") or "ecom_control"


def mysql_socket():
    return os.path.join(var_dir(), "mysql", "mysqld.sock")


def wait_until(predicate, timeout=10.0, interval=0.05, what="the condition"):
    """Calls predicate() until it returns a true value, which it returns; raises AssertionError
    naming `what` (and the last value) when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s (last: {value!r})")
        time.sleep(interval)


def eventually(check, timeout=10.0, interval=0.1):
    """Calls check() until it returns without an AssertionError, and returns what it returned;
    after `timeout` seconds the last AssertionError is raised. For states the stack reaches
    shortly after an event (a rollback, a restart), checked as strictly as at once."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        time.sleep(interval)
