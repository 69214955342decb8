"""Worker supervision: a SIGKILLed worker is replaced at once and service continues."""

import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http  # noqa: E402

REPLACE_WITHIN = 1.5  # seconds ("within ~1 s")


class HealthPinger(threading.Thread):
    """Keeps sending GET /health; records (start time, end time, status or exception)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.results = []
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.is_set():
            start = time.monotonic()
            try:
                status = http("GET", "/health", timeout=5).status
            except Exception as exc:  # noqa: BLE001
                status = repr(exc)
            self.results.append((start, time.monotonic(), status))

    def stop(self):
        self.stop_event.set()
        self.join(timeout=15)


def _settle(pid, deadline=10.0):
    """Waits until the master's child count is stable (e.g. after an earlier test)."""
    end = time.monotonic() + deadline
    last = ecom.child_pids(pid)
    while time.monotonic() < end:
        time.sleep(0.3)
        now = ecom.child_pids(pid)
        if now == last and now:
            return now
        last = now
    return last


def test_master_has_workers():
    pid = ecom.master_pid()
    kids = _settle(pid)
    assert len(kids) >= 1, f"master {pid} has no workers"
    assert http("GET", "/health").status == 200


def test_killed_worker_is_replaced_and_service_continues():
    pid = ecom.master_pid()
    before = _settle(pid)
    assert before, "no workers"
    victim = sorted(before)[0]

    pinger = HealthPinger()
    pinger.start()
    ecom.wait_until(lambda: pinger.results, timeout=10, what="a /health request completed before the kill")
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)

    replaced_at = None
    now_kids = set()
    while time.monotonic() - killed_at < 5.0:
        now_kids = ecom.child_pids(pid)
        if victim not in now_kids and len(now_kids) == len(before) and (now_kids - before):
            replaced_at = time.monotonic()
            break
        time.sleep(0.02)
    # keep traffic going after the replacement: at least 1.5 s and 5 requests started after it
    if replaced_at is not None:
        ecom.wait_until(lambda: sum(1 for start, _, _ in list(pinger.results) if start > replaced_at) >= 5,
                        timeout=10, what="5 /health requests after the replacement")
        time.sleep(max(0.0, replaced_at + 1.5 - time.monotonic()))  # and traffic over 1.5 s, as before
    pinger.stop()

    assert replaced_at is not None, \
        f"worker {victim} not replaced within 5 s: before {sorted(before)}, now {sorted(now_kids)}"
    took = replaced_at - killed_at
    assert took <= REPLACE_WITHIN, f"replacement took {took:.2f} s"
    assert ecom.master_pid() == pid, "master changed"

    # Requests in flight on the killed worker may fail; every request started after the
    # replacement, and every one completed before the kill, must succeed.
    after = [s for start, _, s in pinger.results if start > replaced_at]
    assert len(after) >= 5, f"too few requests after the replacement: {len(after)}"
    bad = [s for s in after if s != 200]
    assert not bad, f"{len(bad)} of {len(after)} requests after the replacement failed: {bad[:5]}"
    before_kill = [s for _, end, s in pinger.results if end < killed_at]
    assert before_kill, "no request completed before the kill"
    bad = [s for s in before_kill if s != 200]
    assert not bad, f"requests before the kill failed: {bad[:5]}"

