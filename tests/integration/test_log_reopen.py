"""Log rotation the way logrotate does it: the log file is renamed, then the master gets SIGUSR1.
The master and every child (workers, the provisioning agent) write to the new file from then
on, no line is lost, doubled or cut, and no process is restarted."""

import collections
import os
import sys
import re
import signal
import subprocess
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402
from test_master import Master  # noqa: E402

# Every line of the log: a request line or a leveled line, whole.
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z "
                  r"(request id=\S+ tenant=\S+ \S+ \S+ \d{3} \d+\.\d\dms pid=\d+|(info|warn|error) pid=\d+ .*)$")
REQUEST = re.compile(r" request id=(\S+) .* pid=(\d+)$")


class LoggingMaster(Master):
    """A master whose log file ([log] file) is also its stdout and stderr, as scripts/stack.sh and
    a service manager arrange it: both descriptors must follow the rotation."""

    def __init__(self, workers, log_subdir=""):
        import tempfile
        self.dir = tempfile.mkdtemp(prefix="ecom-logrotate-")
        os.chmod(self.dir, 0o711)
        self.sock = os.path.join(self.dir, "fcgi.sock")
        self.pid_file = os.path.join(self.dir, "fcgi.pid")
        if log_subdir:
            os.mkdir(os.path.join(self.dir, log_subdir))
        self.log_path = os.path.join(self.dir, log_subdir, "fcgi.log")
        env = dict(os.environ, ECOM_SERVER_LISTEN=self.sock, ECOM_SERVER_PID_FILE=self.pid_file,
                   ECOM_SERVER_WORKERS=str(workers), ECOM_LOG_FILE=self.log_path)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([os.path.join(ecom.bin_dir(), "ecom-fcgi"), "--config", ecom.config_path()],
                                     env=env, stdout=self.log, stderr=self.log, start_new_session=True)
        ecom.wait_until(lambda: len(self.workers()) == workers and self.agents(), timeout=10,
                        what="the workers and the agent")

    def all_children(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    def log_files(self, pid):
        """Where each descriptor of `pid` that is one of our log files points (fd -> path)."""
        out = {}
        fd_dir = f"/proc/{pid}/fd"
        for fd in os.listdir(fd_dir):
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            if target.startswith(self.log_path):
                out[int(fd)] = target
        return out


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "replace")
    assert data == "" or data.endswith("\n"), f"{path} ends in a partial line: {data[-200:]!r}"
    return data.splitlines()


def test_sigusr1_reopens_the_log_in_master_and_children_under_load_losing_no_line():
    m = LoggingMaster(workers=3)
    try:
        before = m.all_children()
        sent = []
        failures = []
        stop = threading.Event()
        lock = threading.Lock()

        def load(n):
            i = 0
            while not stop.is_set():
                rid = f"rot-{n}-{i}"
                i += 1
                try:
                    status, _, body = fcgi_client.request(m.sock, "GET", "/health", headers={"X-Request-Id": rid})
                    if status != 200:
                        failures.append((rid, status, body[:200]))
                except Exception as e:  # noqa: BLE001
                    failures.append((rid, repr(e)))
                with lock:
                    sent.append(rid)

        threads = [threading.Thread(target=load, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        rotated = []
        try:
            for k in range(1, 5):
                time.sleep(0.4)
                moved = f"{m.log_path}.{k}"
                os.rename(m.log_path, moved)  # logrotate: mv, then the signal
                rotated.append(moved)
                os.kill(m.proc.pid, signal.SIGUSR1)
                ecom.wait_until(lambda: os.path.exists(m.log_path), timeout=5, what="the new log file")
            time.sleep(0.4)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        assert not failures, failures[:5]
        assert len(sent) > 100, f"only {len(sent)} requests under load"

        # Every child writes to the new file now, stderr included; none was restarted.
        def all_on_new_file():
            bad = {}
            for pid in [m.proc.pid] + m.all_children():
                files = m.log_files(pid)
                if 2 not in files or set(files.values()) != {m.log_path}:
                    bad[pid] = files
            return not bad or None
        ecom.wait_until(all_on_new_file, timeout=5, what="every process writing to the new log file")
        assert m.all_children() == before, (before, m.all_children(), m.read_log()[-2000:])
        # Workers running as another user (server.user, when started as root) own the new file, or
        # they could not have opened it.
        worker_uid = os.stat(f"/proc/{m.workers()[0]}").st_uid
        assert os.stat(m.log_path).st_uid == worker_uid

        # Three requests held at once reach three different workers; their lines land in the new file.
        held = [m.hold_request(headers={"X-Request-Id": f"held-{k}"}) for k in range(3)]
        time.sleep(0.3)
        for h in held:
            status, _, _ = h.finish()
            assert status == 200
        sent += [f"held-{k}" for k in range(3)]

        counts = collections.Counter()
        new_file_pids = set()
        for path in rotated + [m.log_path]:
            for line in read_lines(path):
                assert LINE.match(line), f"{path}: malformed or partial line {line!r}"
                r = REQUEST.search(line)
                if not r:
                    continue
                counts[r.group(1)] += 1
                if path == m.log_path:
                    new_file_pids.add(int(r.group(2)))
        ours = {rid: n for rid, n in counts.items() if rid.startswith(("rot-", "held-"))}
        missing = [rid for rid in sent if rid not in ours]
        doubled = [rid for rid, n in ours.items() if n != 1]
        assert not missing, f"{len(missing)} of {len(sent)} requests have no log line: {missing[:5]}"
        assert not doubled, f"logged more than once: {doubled[:5]}"
        assert len(ours) == len(sent), (len(ours), len(sent))
        workers = set(m.workers())
        assert workers <= new_file_pids, f"workers {workers - new_file_pids} wrote nothing to the new file"
        # Each rotated file received request lines too (the load ran across every rotation) and
        # the master said in each new file that it reopened.
        for path in rotated:
            assert any(" request id=rot-" in line for line in read_lines(path)), path
        for path in rotated[1:] + [m.log_path]:
            assert any("master: reopened the log file; 4 children told to" in line
                       for line in read_lines(path)), (path, read_lines(path)[:5])
        assert "respawning" not in "".join(open(p).read() for p in rotated + [m.log_path])
    finally:
        m.stop()


def test_sigusr1_without_a_log_file_keeps_every_process():
    m = Master(workers=2)  # logs to stderr: nothing to reopen, and nobody may die of the signal
    try:
        before = sorted(m.workers() + m.agents())
        for _ in range(3):
            m.proc.send_signal(signal.SIGUSR1)
            for pid in before:  # as a careless `pkill -USR1 ecom` would
                os.kill(pid, signal.SIGUSR1)
            time.sleep(0.2)
        status, _, _ = fcgi_client.request(m.sock, "GET", "/health")
        assert status == 200
        assert m.proc.poll() is None
        assert sorted(m.workers() + m.agents()) == before
    finally:
        m.stop()


def test_a_log_that_cannot_be_reopened_is_said_in_the_old_one_and_nothing_stops():
    m = LoggingMaster(workers=2, log_subdir="logs")
    try:
        before = m.all_children()
        old_dir = os.path.join(m.dir, "logs.gone")
        os.rename(os.path.dirname(m.log_path), old_dir)  # the new file cannot be created there now
        m.proc.send_signal(signal.SIGUSR1)
        old_log = os.path.join(old_dir, "fcgi.log")
        ecom.wait_until(lambda: "log: cannot reopen " + m.log_path in open(old_log).read(), timeout=5,
                        what="the failure in the old log")
        text = open(old_log).read()
        assert "master: SIGUSR1: the log file was not reopened; children not told" in text, text[-2000:]
        status, _, _ = fcgi_client.request(m.sock, "GET", "/health", headers={"X-Request-Id": "after-failed-reopen"})
        assert status == 200
        ecom.wait_until(lambda: " request id=after-failed-reopen " in open(old_log).read(), timeout=5,
                        what="the request's line, in the old file")
        assert m.all_children() == before and m.proc.poll() is None
    finally:
        m.stop()
