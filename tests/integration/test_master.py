"""The pre-fork master on its own (no nginx): graceful stop with a request in
flight, the graceful timeout, crash-loop back-off, and the application's own
body checks (413/415) reached directly over FastCGI."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402


class Master:
    """An ecom-fcgi of its own, sharing the stack's database, on a private socket."""

    def __init__(self, workers=2, graceful_timeout=10, config=None, database=None, env=None, start_timeout=10,
                 **settings):
        """settings: more [server] keys as ECOM_SERVER_<KEY> overrides; database: [database] keys
        likewise (ECOM_DATABASE_<KEY>); env: any other variables (ECOM_AUTH_..., ...); config: a
        config file path; start_timeout: seconds for every worker to be there (the master does its
        start-up work, such as the dummy password hash, before it forks them)."""
        self.dir = tempfile.mkdtemp(prefix="ecom-master-")
        # Started as root, the master runs its workers as another user (server.user), who must
        # reach the agent's socket in here; searchable, not readable.
        os.chmod(self.dir, 0o711)
        self.sock = os.path.join(self.dir, "fcgi.sock")
        self.pid_file = os.path.join(self.dir, "fcgi.pid")
        self.log_path = os.path.join(self.dir, "fcgi.log")
        extra_env = env
        env = dict(os.environ,
                   ECOM_SERVER_LISTEN=self.sock, ECOM_SERVER_PID_FILE=self.pid_file,
                   ECOM_SERVER_GRACEFUL_TIMEOUT=str(graceful_timeout))
        if config is None:
            env["ECOM_SERVER_WORKERS"] = str(workers)
        for key, value in settings.items():
            env["ECOM_SERVER_" + key.upper()] = str(value)
        for key, value in (database or {}).items():
            env["ECOM_DATABASE_" + key.upper()] = str(value)
        env.update({k: str(v) for k, v in (extra_env or {}).items()})
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([os.path.join(ecom.bin_dir(), "ecom-fcgi"), "--config",
                                      config or ecom.config_path()],
                                     env=env, stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.time() + start_timeout
        while time.time() < deadline and len(self.workers()) < workers:
            time.sleep(0.05)
        assert len(self.workers()) == workers, self.read_log()

    def children(self, name):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid), "-x", name], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def workers(self):
        return self.children("ecom: worker")

    def agents(self):
        return self.children("ecom: agent")

    def hold_request(self, headers=None):
        """Sends a GET /health with a body it never finishes: the worker serving it stays busy
        until the returned request is finished or its socket closed."""
        return fcgi_client.Request(self.sock).begin("GET", "/health", body=b"{}", content_type="application/json",
                                                    headers=headers).send_head()

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            for w in self.workers() + self.agents():
                os.kill(w, signal.SIGKILL)
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()


def test_master_serves_through_workers_only():
    m = Master(workers=2)
    try:
        status, headers, body = fcgi_client.request(m.sock, "GET", "/health")
        assert status == 200, body
        assert b'"Healthy"' in body
        assert "x-request-id" in headers
        # The request's log line names the worker that served it, never the master.
        lines = ecom.wait_until(
            lambda: [l for l in m.read_log().splitlines() if " request id=" in l and " /health " in l],
            timeout=5, what="the /health request's log line")
        pid = int(lines[-1].rsplit("pid=", 1)[1])
        assert pid in m.workers() and pid != m.proc.pid
    finally:
        m.stop()


def test_graceful_stop_finishes_the_request_in_flight():
    m = Master(workers=1)
    try:
        pending = m.hold_request()
        time.sleep(0.3)  # the worker has the request and waits for its body
        m.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the master must not exit: give it time to, then look
        assert m.proc.poll() is None, "the master must wait for the request in flight"
        status, _, body = pending.finish()
        assert status == 200, body
        assert m.proc.wait(10) == 0
        assert not os.path.exists(m.sock), "the socket is removed on exit"
        assert not os.path.exists(m.pid_file), "the pid file is removed on exit"
        assert "master: stopped" in m.read_log()
    finally:
        m.stop()


def test_graceful_timeout_kills_a_stuck_worker():
    m = Master(workers=1, graceful_timeout=2)
    try:
        stuck = m.hold_request()
        time.sleep(0.3)
        started = time.time()
        m.proc.send_signal(signal.SIGTERM)
        assert m.proc.wait(10) == 0
        elapsed = time.time() - started
        assert 1.5 <= elapsed <= 6, elapsed
        assert "graceful timeout reached" in m.read_log()
        stuck.sock.close()
    finally:
        m.stop()


def test_idle_workers_stop_at_once():
    m = Master(workers=2)
    try:
        started = time.time()
        m.proc.send_signal(signal.SIGTERM)
        assert m.proc.wait(10) == 0
        assert time.time() - started < 2
    finally:
        m.stop()


def test_crash_loop_backs_off_and_says_so():
    m = Master(workers=1)
    try:
        kills = 0
        deadline = time.time() + 8
        while kills < 7 and time.time() < deadline:
            ws = m.workers()
            if ws:
                os.kill(ws[0], signal.SIGKILL)
                kills += 1
            time.sleep(0.05)
        assert kills == 7, "workers were not respawned promptly before the crash loop"
        log = m.read_log()
        assert "crash loop" in log, log
        # Backed off: no worker for a while right after the last kill...
        time.sleep(0.2)
        assert m.workers() == [], "respawn should be delayed during a crash loop"
        # ...and back within the (bounded) delay.
        deadline = time.time() + 35
        while time.time() < deadline and not m.workers():
            time.sleep(0.2)
        assert m.workers(), "the worker must come back after the back-off"
        status, _, _ = fcgi_client.request(m.sock, "GET", "/health")
        assert status == 200
    finally:
        m.stop()


def test_app_refuses_bodies_over_the_limit_with_413():
    m = Master(workers=1)
    try:
        body = b"{" + b" " * (1024 * 1024 + 10) + b"}"
        status, headers, resp = fcgi_client.request(m.sock, "GET", "/health", body=body,
                                                    content_type="application/json")
        assert status == 413, resp
        assert headers["content-type"] == "application/problem+json"
    finally:
        m.stop()


def test_app_refuses_non_json_bodies_with_415():
    m = Master(workers=1)
    try:
        status, headers, resp = fcgi_client.request(m.sock, "GET", "/health", body=b"a=1",
                                                    content_type="application/x-www-form-urlencoded")
        assert status == 415, resp
        assert headers["content-type"] == "application/problem+json"
        assert b'"instance":"/health"' in resp
    finally:
        m.stop()


def test_agent_runs_beside_workers_with_a_private_socket_and_is_respawned():
    m = Master(workers=1)
    try:
        agent_sock = os.path.join(m.dir, "ecom-agent.sock")
        assert os.path.exists(agent_sock)
        assert oct(os.stat(agent_sock).st_mode & 0o777) == "0o600", "only the service's user may use the agent"
        deadline = time.time() + 5
        while time.time() < deadline and not m.agents():
            time.sleep(0.05)
        (agent,) = m.agents()
        os.kill(agent, signal.SIGKILL)
        deadline = time.time() + 5
        while time.time() < deadline and m.agents() in ([], [agent]):
            time.sleep(0.05)
        assert m.agents() and m.agents() != [agent], "the agent must be respawned"
        assert "provisioning agent" in m.read_log()
        m.proc.send_signal(signal.SIGTERM)
        assert m.proc.wait(10) == 0
        assert not os.path.exists(agent_sock)
    finally:
        m.stop()



def wait_for(predicate, timeout, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def status(m, remote="127.0.0.1"):
    code, _, body = fcgi_client.request(m.sock, "GET", "/status", extra_params={"REMOTE_ADDR": remote})
    return code, body


def test_reload_under_load_replaces_every_worker_and_refuses_nothing():
    import threading
    m = Master(workers=2)
    try:
        before = set(m.workers())
        results, stop = [], threading.Event()

        def hammer():
            while not stop.is_set():
                try:
                    code, _, _ = fcgi_client.request(m.sock, "GET", "/health")
                    results.append(code)
                except Exception as exc:  # a refused or broken connection is a failure
                    results.append(repr(exc))

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        for _ in range(3):
            m.proc.send_signal(signal.SIGHUP)
            time.sleep(0.4)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(10)
        assert results and all(r == 200 for r in results), [r for r in results if r != 200][:5]
        after = set(wait_for(lambda: len(m.workers()) == 2 and m.workers(), 5) or [])
        assert len(after) == 2 and not (after & before), (before, after)
        assert m.read_log().count("reloaded configuration") == 3
        code, body = status(m)
        assert code == 200 and json.loads(body)["reloads"] == 3
    finally:
        m.stop()


def test_reload_reads_the_config_again_and_refuses_a_broken_one():
    import shutil
    conf = os.path.join(tempfile.mkdtemp(prefix="ecom-conf-"), "ecom.conf")
    shutil.copy(ecom.config_path(), conf)
    with open(conf) as f:
        text = f.read()
    text = "\n".join(l for l in text.splitlines() if not l.startswith("workers"))
    text = text.replace("[server]", "[server]\nworkers=1", 1)
    with open(conf, "w") as f:
        f.write(text)
    m = Master(config=conf, workers=1)
    try:
        assert len(m.workers()) == 1
        with open(conf, "w") as f:
            f.write(text.replace("workers=1", "workers=3"))
        m.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: len(m.workers()) == 3, 5), m.read_log()
        with open(conf, "w") as f:
            f.write(text.replace("workers=1", "workers=lots"))
        m.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        assert "reload refused" in m.read_log()
        assert len(m.workers()) == 3, "a broken configuration must not stop the service"
        code, _, _ = fcgi_client.request(m.sock, "GET", "/health")
        assert code == 200
    finally:
        m.stop()


def test_max_requests_recycles_a_worker():
    m = Master(workers=1, max_requests=5, max_requests_jitter=0)
    try:
        pids = set()
        for _ in range(12):
            assert wait_for(lambda: m.workers(), 3)
            code, _, _ = fcgi_client.request(m.sock, "GET", "/health")
            assert code == 200
            pids.update(m.workers())
        assert wait_for(lambda: m.read_log().count("recycling after 5 requests") >= 2, 3), m.read_log()
        pids.update(m.workers())
        assert len(pids) >= 3, pids
        assert "crash loop" not in m.read_log(), "recycling is a clean exit"
    finally:
        m.stop()


def test_request_timeout_kills_the_stuck_worker_only():
    m = Master(workers=2, request_timeout=1)
    try:
        stuck = m.hold_request({"X-Request-Id": "stuck-request-1"})
        time.sleep(0.2)
        code, body = status(m)
        busy = [w for w in json.loads(body)["workers"] if w["currentRequest"] and
                w["currentRequest"]["requestId"] == "stuck-request-1"]
        assert busy, body
        victim = busy[0]["pid"]
        # Others are served meanwhile.
        assert fcgi_client.request(m.sock, "GET", "/health")[0] == 200
        assert wait_for(lambda: victim not in m.workers() and len(m.workers()) == 2, 5), m.read_log()
        log = m.read_log()
        assert "exceeded request_timeout" in log and "stuck-request-1" in log, log
        assert fcgi_client.request(m.sock, "GET", "/health")[0] == 200
        code, body = status(m)
        assert json.loads(body)["requestTimeouts"] == 1
        stuck.sock.close()
    finally:
        m.stop()


def test_slow_requests_are_logged_while_running_and_when_done():
    m = Master(workers=1, slow_request_ms=200)
    try:
        slow = m.hold_request({"X-Request-Id": "slow-one", "X-Tenant-Slug": "some-shop"})
        time.sleep(0.6)
        code, _, _ = slow.finish()
        assert code == 200
        log = wait_for(lambda: "slow request id=slow-one" in m.read_log() and m.read_log(), 3)
        assert log, m.read_log()
        assert "slow request still running" in log and "tenant=some-shop" in log and "/health" in log, log
        # The status page counts it (served by the same, only, worker).
        code, body = status(m)
        assert json.loads(body)["slowRequests"] == 1
    finally:
        m.stop()


def test_slow_request_lines_escape_what_the_client_sent():
    # The tenant header, the method and the path reach three log lines (the master's "still
    # running", the worker's "slow request", the request line) and the status page (served by
    # the second worker while the first holds the request).
    m = Master(workers=2, slow_request_ms=200)
    try:
        evil = "x tenant=forged took 1 ms\x1b[2J\x01"
        req = fcgi_client.Request(m.sock).begin(
            "GET\tFORGED 200", "/health took 1 ms\x1b", body=b"{}", content_type="application/json",
            headers={"X-Request-Id": "slow-evil", "X-Tenant-Slug": evil}).send_head()
        time.sleep(0.6)
        code, body = status(m)
        assert code == 200, body
        busy = [w["currentRequest"] for w in json.loads(body)["workers"] if w["currentRequest"]]
        req.finish()
        log = wait_for(lambda: "slow request id=slow-evil" in m.read_log() and m.read_log(), 3)
        assert log, m.read_log()
        lines = [ln for ln in log.splitlines() if "slow-evil" in ln]
        assert len(lines) == 3, lines  # still running, slow request, the request line
        for ln in lines:
            assert not any(ord(c) < 0x20 or ord(c) == 0x7f for c in ln), repr(ln)
            assert "tenant=x " not in ln and " forged " not in ln.lower() and "took 1 ms" not in ln, ln
        shown = [cur for cur in busy if cur["requestId"] == "slow-evil"]
        assert len(shown) == 1, busy
        assert not any(c in shown[0][k] for k in ("tenant", "method", "path") for c in " \t\x1b\x01"), shown
    finally:
        m.stop()


def test_status_page_shows_workers_and_refuses_remote_clients():
    m = Master(workers=2)
    try:
        code, body = status(m)
        assert code == 200, body
        page = json.loads(body)
        for key in ("startedAt", "uptimeSeconds", "acceptedRequests", "totalWorkers", "activeWorkers",
                    "idleWorkers", "restarts", "slowRequests", "requestTimeouts", "reloads", "workers"):
            assert key in page, key
        assert page["totalWorkers"] == 2 and len(page["workers"]) == 2
        assert {w["pid"] for w in page["workers"]} == set(m.workers())
        # The request asking is itself busy on one worker.
        me = [w for w in page["workers"] if w["state"] == "Busy"]
        assert len(me) == 1 and me[0]["currentRequest"]["path"] == "/status"
        # A worker killed is counted as a restart.
        os.kill(m.workers()[0], signal.SIGKILL)
        assert wait_for(lambda: json.loads(status(m)[1])["restarts"] == 1, 5)
        code, body = status(m, remote="203.0.113.9")
        assert code == 403, body
    finally:
        m.stop()


# --------------------------------------------------------------------------- prepared statements

STORES = []  # a dozen stores, made once for the statement tests


def statement_stores():
    while len(STORES) < 12:
        STORES.append(ecom.new_store("BASIC"))
    return STORES


def prepared_on_server():
    rows = ecom.sql("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'")
    return int(rows[0][1])


def browse(m, stores):
    """The list and the categories of every store, each twice in a row (two page sizes: the
    worker's answer cache does not answer the second): two statements of its own per store, hot
    (a statement is prepared when it runs again soon, src/db/connection.h)."""
    codes = []
    for slug in stores:
        for uri in ("/api/catalog/products", "/api/catalog/categories"):
            for size in (20, 19):
                codes.append(fcgi_client.request(m.sock, "GET", f"{uri}?pageSize={size}",
                                                 headers={"X-Tenant-Slug": slug})[0])
    return codes


def test_statement_cache_bounds_the_statements_a_worker_keeps():
    stores = statement_stores()
    m = Master(workers=1, database={"statement_cache": 16})
    try:
        assert fcgi_client.request(m.sock, "GET", "/health")[0] == 200
        before = prepared_on_server()
        codes = browse(m, stores)
        assert codes == [200] * len(codes), codes
        kept = prepared_on_server() - before
        # 24 store statements and the store lookup would be 25 without the bound (a little slack
        # for the stack's own provisioner, which prepares a few while it runs).
        assert 12 <= kept <= 16 + 3, kept
    finally:
        m.stop()


def test_server_wide_statement_limit_is_survived_by_giving_statements_back():
    stores = statement_stores()
    m = Master(workers=1)
    limit = ecom.sql_value("SELECT @@GLOBAL.max_prepared_stmt_count")
    try:
        assert fcgi_client.request(m.sock, "GET", "/health")[0] == 200
        browse(m, stores[:2])  # a few statements of its own to give back
        ecom.sql(f"SET GLOBAL max_prepared_stmt_count = {prepared_on_server() + 2}")
        codes = browse(m, stores)
        ecom.sql(f"SET GLOBAL max_prepared_stmt_count = {limit}")
        assert codes == [200] * len(codes), (codes, m.read_log()[-2000:])
    finally:
        ecom.sql(f"SET GLOBAL max_prepared_stmt_count = {limit}")
        m.stop()


def test_workers_zero_means_two_per_cpu():
    n = 2 * os.sysconf("SC_NPROCESSORS_ONLN")  # what ecom-fcgi counts
    m = Master(workers=n, WORKERS=0)  # the setting overrides the count; the constructor waits for n
    try:
        time.sleep(0.5)
        assert len(m.workers()) == n, (m.workers(), m.read_log())
    finally:
        m.stop()
