"""The database goes away and comes back, on a stack of this module's own (started in setup,
stopped and removed in teardown): the suite's stack is not touched, so this runs in any order.

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
STACK = None   # the module's own stack; every ecom helper speaks to it from setup to teardown
RESTARTED = []  # the mariadbd this module started again (a child of this process, reaped in teardown)


def setup_module():
    global STORE, STACK
    STACK = ecom.Stack()
    STACK.start()
    STACK.select()
    STORE = ecom.new_store()


def teardown_module():
    if STACK is not None:
        STACK.stop()
    for proc in RESTARTED:
        proc.wait(timeout=30)


def run_dir():
    return os.path.join(ecom.var_dir(), "run")


def workers():
    return ecom.child_pids(ecom.master_pid())


def stop_database():
    pid = ecom.stack_pid("mariadbd")
    os.kill(pid, signal.SIGTERM)
    ecom.wait_until(lambda: not ecom.pid_alive(pid), timeout=60, interval=0.1, what="mariadbd stopping")


def start_database():
    """As scripts/stack.sh starts it: same defaults file, pid recorded for `stack.sh stop`."""
    cmd = ["mariadbd", "--defaults-file=" + os.path.join(ecom.var_dir(), "mysql", "my.cnf")]
    if os.geteuid() == 0:
        cmd.append("--user=root")
    log = open(os.path.join(ecom.var_dir(), "log", "mariadb.log"), "ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    RESTARTED.append(proc)
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
        # A fresh check on request (each worker otherwise reuses its check for up to a second)...
        started = time.time()
        r = ecom.http("GET", "/health", headers={"Cache-Control": "no-cache"}, timeout=30)
        assert r.status == 503 and r.json()["status"] == "Unhealthy", r.text
        assert time.time() - started < 5
        # ...and without asking, within the second every worker's check is reused.
        ecom.wait_until(lambda: ecom.http("GET", "/health").status == 503, timeout=5, interval=0.2,
                        what="/health Unhealthy without Cache-Control")
        ecom.wait_tenant_cache()  # the store lookup itself must now reach the database
        r, took = timed("GET", "/api/catalog/products", STORE)
        ecom.assert_problem(r, 503)
        assert r.headers.get("Retry-After"), r.headers
        assert took < 5, took
        r, took = timed("GET", "/api/catalog/categories", STORE)
        assert r.status == 503 and took < 5, (r.status, took)
    finally:
        start_database()
    ecom.wait_until(lambda: (ecom.http("GET", "/health").status == 200
                             and ecom.get("/api/catalog/products", STORE).status == 200),
                    timeout=30, interval=0.2, what="the service recovering after the database came back")
    assert workers() == before, "recovery must not need new workers"
    # Every worker reconnects (spread a few requests over them).
    for _ in range(10):
        assert ecom.get("/api/catalog/products", STORE).status == 200
