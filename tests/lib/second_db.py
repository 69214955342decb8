"""A second, private MariaDB server for store schemas (tests of several database servers only):
its own data directory under a directory the caller gives (the test stack's var dir), a free
port on 127.0.0.1, started and stopped by the test itself. Standard library only.

    db2 = SecondDb(os.path.join(ecom.var_dir(), "db2")).start()
    db2.url            # tcp://127.0.0.1:PORT, for `ecom-provision server add`
    db2.sql("SHOW DATABASES")
    db2.stop(); db2.start()   # the same data again
    db2.stop(remove=True)
"""

import os
import shutil
import signal
import subprocess
import time

from processes import free_port, pid_alive
from sql import _unescape_batch

MY_CNF = """[mysqld]
datadir = {data}
socket = {sock}
port = {port}
bind-address = 127.0.0.1
skip-name-resolve
skip-log-bin
pid-file = {dir}/mariadbd.pid
# Temporary files of its own, under its directory rather than the shared /tmp.
tmpdir = {dir}/tmp
log-error = {dir}/mariadb.log
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default-time-zone = '+00:00'
# Small: a handful of test stores.
innodb_buffer_pool_size = 32M
innodb_log_file_size = 16M
max_connections = 100
table_open_cache = 2000

[client]
socket = {sock}
port = {port}
"""


def tail(path, size=3000):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()[-size:]
    except OSError as exc:
        return str(exc)


class SecondDb:
    def __init__(self, directory):
        self.dir = os.path.abspath(directory)
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "mysqld.sock")
        self.cnf = os.path.join(self.dir, "my.cnf")
        self.port = None
        self.proc = None

    @property
    def url(self):
        return f"tcp://127.0.0.1:{self.port}"

    def _as_root(self):
        return ["--user=root"] if os.geteuid() == 0 else []

    def _write_cnf(self):
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        if self.port is None:
            self.port = free_port()
        with open(self.cnf, "w", encoding="utf-8") as fh:
            fh.write(MY_CNF.format(data=self.data, sock=self.sock, port=self.port, dir=self.dir))

    def start(self, timeout=60):
        """Initialises the data directory the first time, starts mariadbd, waits for a ping."""
        self._write_cnf()
        log = os.path.join(self.dir, "mariadb.log")
        if not os.path.isdir(self.data):
            cmd = ["mariadb-install-db", f"--defaults-file={self.cnf}", f"--datadir={self.data}",
                   "--auth-root-authentication-method=normal", "--skip-test-db"] + self._as_root()
            with open(log, "ab") as out:
                proc = subprocess.run(cmd, stdout=out, stderr=out, stdin=subprocess.DEVNULL, timeout=180)
            if proc.returncode != 0:
                shutil.rmtree(self.data, ignore_errors=True)  # half a data directory fails every later start
                raise AssertionError(f"mariadb-install-db failed:\n{tail(log)}")
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(["mariadbd", f"--defaults-file={self.cnf}"] + self._as_root(),
                                         stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.ping():
                return self
            assert self.proc.poll() is None, f"mariadbd exited during start-up:\n{tail(log)}"
            time.sleep(0.1)
        raise AssertionError(f"the second mariadbd did not answer within {timeout} s")

    def ping(self):
        proc = subprocess.run(["mariadb-admin", "--no-defaults", f"--socket={self.sock}", "--connect-timeout=1",
                               "-uroot", "ping"], capture_output=True, text=True)
        return proc.returncode == 0

    def stop(self, remove=False, timeout=60):
        """SIGTERM, then waits (SIGKILL past `timeout`); with `remove`, deletes its directory."""
        if self.proc is not None:
            if self.proc.poll() is None:
                os.kill(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.kill(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
            self.proc = None
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None and pid_alive(self.proc.pid)

    def sql(self, query, db=None, user="root", password=""):
        """Runs SQL on this server (root over its socket by default); rows as lists of str/None."""
        cmd = ["mariadb", "--no-defaults", f"--socket={self.sock}", f"-u{user}", "-N", "-B"]
        if password:
            cmd.append(f"-p{password}")
        if db:
            cmd.append(f"--database={db}")
        proc = subprocess.run(cmd + ["-e", query], capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise AssertionError(f"SQL on the second server failed: {query!r}\n{proc.stderr}")
        return [[_unescape_batch(v) for v in line.split("\t")] for line in proc.stdout.split("\n") if line]
