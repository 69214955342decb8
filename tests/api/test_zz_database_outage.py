"""The database goes away and comes back (runs last: it restarts the stack's MariaDB).

While it is down, requests get a quick 503 Problem and /health says Unhealthy; once it is
back, the same workers serve again within seconds (no worker restart)."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

STORE = None


def setup_module():
    global STORE
    STORE = ecom.new_store()


def run_dir():
    return os.path.join(ecom.var_dir(), "run")


def workers():
    master = int(open(os.path.join(run_dir(), "ecom-fcgi.pid")).read())
    out = subprocess.run(["pgrep", "-P", str(master), "-x", "ecom: worker"], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def stop_database():
    pid = int(open(os.path.join(run_dir(), "mariadbd.pid")).read())
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("mariadbd did not stop")


def start_database():
    """As scripts/stack.sh starts it: same defaults file, pid recorded for `stack.sh stop`."""
    cmd = ["mariadbd", "--defaults-file=" + os.path.join(ecom.var_dir(), "mysql", "my.cnf")]
    if os.geteuid() == 0:
        cmd.append("--user=root")
    log = open(os.path.join(ecom.var_dir(), "log", "mariadb.log"), "ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    with open(os.path.join(run_dir(), "mariadbd.pid"), "w") as f:
        f.write(f"{proc.pid}\n")


def timed(method, path, slug=None):
    started = time.time()
    r = ecom.http(method, path, headers=ecom.tenant_headers(slug) if slug else None, timeout=30)
    return r, time.time() - started


def test_outage_gives_quick_503s_and_service_recovers_without_restarts():
    assert ecom.get("/api/catalog/products", STORE).status == 200
    before = workers()
    stop_database()
    try:
        r, took = timed("GET", "/health")
        assert r.status == 503 and r.json()["status"] == "Unhealthy", r.text
        assert took < 5, took
        ecom.wait_tenant_cache()  # the store lookup itself must now reach the database
        r, took = timed("GET", "/api/catalog/products", STORE)
        ecom.assert_problem(r, 503)
        assert r.headers.get("Retry-After"), r.headers
        assert took < 5, took
        r, took = timed("GET", "/api/catalog/categories", STORE)
        assert r.status == 503 and took < 5, (r.status, took)
    finally:
        start_database()
    deadline, recovered_after = time.time() + 30, None
    started = time.time()
    while time.time() < deadline:
        if ecom.http("GET", "/health").status == 200 and ecom.get("/api/catalog/products", STORE).status == 200:
            recovered_after = time.time() - started
            break
        time.sleep(0.2)
    assert recovered_after is not None, "the service did not recover within 30 s of the database coming back"
    assert workers() == before, "recovery must not need new workers"
    # Every worker reconnects (spread a few requests over them).
    for _ in range(10):
        assert ecom.get("/api/catalog/products", STORE).status == 200
