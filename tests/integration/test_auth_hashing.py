"""Password hashing on a private master (CONTRACT §9), spoken to over FastCGI with a REMOTE_ADDR of
the test's choosing: the per-email failure count cannot be raced past its limit of 10, at most
auth.max_concurrent_hashes hashes run at once (the rest are answered 503 + Retry-After at once, so
hashing never occupies every worker), and a permit held by a worker that was killed is
reclaimed."""

import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import accounts as acc  # noqa: E402
import fcgi_client  # noqa: E402
from test_master import Master  # noqa: E402

S = None
VICTIM = None


def setup_module():
    global S, VICTIM
    S = ecom.new_store("BASIC")
    VICTIM = acc.new_email("victim")
    acc.register_ok(S, VICTIM)


def login(m, email, remote, password="wrong password 1"):
    """(status, headers, seconds) of one login sent straight to master m. The timeout leaves room
    for many hashes at once on two cores, several times slower in the sanitizer build."""
    started = time.monotonic()
    status, headers, _ = fcgi_client.call(m.sock, "POST", acc.LOGIN, {"email": email, "password": password},
                                          headers={"X-Tenant-Slug": S}, remote=remote, timeout=60)
    return status, headers, time.monotonic() - started


def in_parallel(fns):
    results = [None] * len(fns)

    def run(i):
        try:
            results[i] = fns[i]()
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def worker_busy_on(m, path, timeout=10):
    """The pid of m's worker serving `path`, from its status page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = fcgi_client.call(m.sock, "GET", "/status", remote="127.0.0.1")
        assert status == 200, body
        for w in json.loads(body)["workers"]:
            if (w.get("currentRequest") or {}).get("path") == path:
                return w["pid"]
        time.sleep(0.02)
    raise AssertionError(f"no worker busy on {path} within {timeout} s")


def test_parallel_guesses_cannot_pass_the_limit_of_10_failures():
    """40 wrong passwords for one email at once, each from its own address (so only the per-email
    rule is at work), on 16 workers: at most 10 reach the hash (401), the rest are 429."""
    m = Master(workers=16, env={"ECOM_AUTH_MAX_CONCURRENT_HASHES": 16})
    try:
        results = in_parallel([lambda i=i: login(m, VICTIM, f"198.51.100.{100 + i}") for i in range(40)])
        statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
        assert statuses.count(401) + statuses.count(429) == 40, (statuses, m.read_log()[-4000:])
        assert 1 <= statuses.count(401) <= 10, statuses
        for status, headers, _ in results:
            if status == 429:
                assert headers.get("retry-after", "").isdigit() and 1 <= int(headers["retry-after"]) <= 900, headers
        rows = ecom.sql_value(f"SELECT COUNT(*) FROM login_failures WHERE email = {ecom.q(VICTIM)}",
                              db=ecom.schema_of(S))
        assert int(rows) == statuses.count(401) <= 10, (rows, statuses)
        # Racing attempts may be refused a little early (each counts the others' rows), never late:
        # one after the other, failures go on up to exactly 10 in all, then the email is locked,
        # the right password included.
        more = [login(m, VICTIM, f"198.51.100.{60 + i}")[0] for i in range(11 - statuses.count(401))]
        assert more == [401] * (10 - statuses.count(401)) + [429], (statuses, more)
        assert login(m, VICTIM, "198.51.100.99", acc.PASSWORD)[0] == 429
    finally:
        m.stop()


def test_hashes_at_once_are_capped_so_workers_stay_free():
    """Default cap (half the workers): 4 workers hash at most 2 passwords at once; the others answer
    503 + Retry-After without hashing, and other requests are served meanwhile."""
    # The master hashes its dummy password (4,000,000 iterations) before it forks the workers:
    # seconds in a sanitizer build.
    m = Master(workers=4, env={"ECOM_AUTH_MAX_CONCURRENT_HASHES": 0, "ECOM_AUTH_PASSWORD_ITERATIONS": 4000000},
               start_timeout=60)
    try:
        unknown = [acc.new_email("slow") for _ in range(6)]
        health = []

        def probe():
            time.sleep(0.3)  # while the hashes run
            started = time.monotonic()
            status, _, _ = fcgi_client.call(m.sock, "GET", "/health", remote="127.0.0.1")
            health.append((status, time.monotonic() - started))
            return status

        results = in_parallel([lambda e=e, i=i: login(m, e, f"198.51.100.{150 + i}") for i, e in enumerate(unknown)]
                              + [probe])
        logins = results[:-1]
        assert all(isinstance(r, tuple) for r in logins), logins
        hashed = [r for r in logins if r[0] == 401]
        busy = [r for r in logins if r[0] == 503]
        assert len(hashed) + len(busy) == 6, [r[0] for r in logins]
        assert 1 <= len(hashed) <= 2, [r[0] for r in logins]
        for status, headers, seconds in busy:
            assert headers.get("retry-after") == "1", headers
            assert seconds < min(h[2] for h in hashed) / 2, (seconds, [h[2] for h in hashed])
        assert health and health[0][0] == 200, health
    finally:
        m.stop()


def test_a_permit_held_by_a_killed_worker_is_reclaimed():
    m = Master(workers=2, env={"ECOM_AUTH_MAX_CONCURRENT_HASHES": 1, "ECOM_AUTH_PASSWORD_ITERATIONS": 3000000},
               start_timeout=60)  # the dummy hash first, as above
    try:
        holder = threading.Thread(target=lambda: _swallow(lambda: login(m, acc.new_email("k"), "198.51.100.201")))
        holder.start()
        pid = worker_busy_on(m, acc.LOGIN)
        time.sleep(0.2)
        # While it hashes, the one permit is taken.
        assert login(m, acc.new_email("k"), "198.51.100.202")[0] == 503
        os.kill(pid, signal.SIGKILL)
        holder.join(30)
        deadline = time.monotonic() + 10
        while len([w for w in m.workers() if w != pid]) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        # The dead worker's permit is free again: the next login is hashed (401), not turned away.
        status, _, _ = login(m, acc.new_email("k"), "198.51.100.203")
        assert status == 401, status
    finally:
        m.stop()


def _swallow(fn):
    try:
        fn()
    except OSError:
        pass  # the connection of the killed worker


def test_the_per_address_limit_counts_the_peer_not_what_it_claims():
    """Without trusted proxies, X-Forwarded-For changes nothing: one peer, one allowance."""
    m = Master(workers=2, trusted_proxies="", env={"ECOM_AUTH_ATTEMPTS_PER_ADDRESS_BURST": 3,
                                                  "ECOM_AUTH_PASSWORD_ITERATIONS": 100000})
    try:
        statuses = []
        for i in range(5):
            status, _, _ = fcgi_client.call(m.sock, "POST", acc.LOGIN,
                                            {"email": acc.new_email("x"), "password": "guess 12345"},
                                            headers={"X-Tenant-Slug": S, "X-Forwarded-For": f"203.0.113.{i + 1}"},
                                            remote="198.51.100.210")
            statuses.append(status)
        assert statuses == [401, 401, 401, 429, 429], statuses
    finally:
        m.stop()
