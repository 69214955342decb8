"""A stack of a test module's own with a second private MariaDB for stores (second_db.py): the
second server's accounts made by `ecom-provision db-init --db-server second`, with passwords of
their own given in a [db_server.second] section of ecom.conf (never in the control database),
registered by `ecom-provision server add second`. Both are stopped and removed by stop().
Its tenancy.cache_ttl_ms is short (CACHE_TTL_MS): every move waits that long (and 0.5 s) for the
workers to see the store locked.

    env = TwoServers().start()     # the helpers now speak to this stack
    env.server_of(slug); env.db2.sql("..."); env.schemas_on_second()
    env.stop()

The modules that use one share it (started once a run, stopped when the run ends: run_fixtures):

    env = two_servers.shared()     # setup_module: the helpers now speak to it
    env.stack.deselect()           # teardown_module: to the suite's stack again
"""

import os
import re
import secrets as pysecrets
import signal
import subprocess

import ecom
import run_fixtures
from second_db import SecondDb

CACHE_TTL_MS = 300


def shared():
    """The run's TwoServers (made and started by the first module that asks), selected."""
    env = run_fixtures.shared("two servers", TwoServers, stop=TwoServers.stop, start=TwoServers.start)
    env.stack.select()
    return env


class TwoServers:
    def __init__(self, capacity=100):
        self.capacity = capacity
        self.stack = None
        self.db2 = None
        self.loops = []
        self.app_password = "app2-" + pysecrets.token_hex(12)
        self.admin_password = "admin2-" + pysecrets.token_hex(12)

    def start(self):
        self.stack = ecom.Stack()
        self.stack.start()
        self.stack.select()
        with open(ecom.config_path(), encoding="utf-8") as fh:
            conf = fh.read()
        assert "\ncache_ttl_ms=" in conf, "no tenancy.cache_ttl_ms in the stack's ecom.conf"
        conf = re.sub(r"\ncache_ttl_ms=\d+\n", f"\ncache_ttl_ms={CACHE_TTL_MS}\n", conf)
        with open(ecom.config_path(), "w", encoding="utf-8") as fh:
            fh.write(conf)
        self.db2 = SecondDb(os.path.join(ecom.var_dir(), "db2")).start()
        admin_file = os.path.join(ecom.var_dir(), "db2-admin-password")
        fd = os.open(admin_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(self.admin_password + "\n")
        with open(ecom.config_path(), "a", encoding="utf-8") as fh:
            fh.write(f"\n[db_server.second]\npassword={self.app_password}\nadmin_password_file={admin_file}\n")
        self.reload_master()
        self.restart_provision_loop()
        ok(ecom.provision("db-init", "--db-server", "second", "--url", self.db2.url, "--server-user", "root",
                          "--hosts", "127.0.0.1"))
        ok(ecom.provision("server", "add", "second", self.db2.url, "--capacity", str(self.capacity)))
        return self

    def stop(self):
        if self.stack is not None:
            self.stack.stop()
        if self.db2 is not None:
            self.db2.stop(remove=True)
        for proc in self.loops:
            proc.wait(timeout=30)

    def reload_master(self):
        """SIGHUP, then waits until every worker and the agent are of the new configuration."""
        master = ecom.master_pid()
        old = set(ecom.child_pids(master)) | set(ecom.child_pids(master, "ecom: agent"))
        os.kill(master, signal.SIGHUP)

        def renewed():
            now = set(ecom.child_pids(master)) | set(ecom.child_pids(master, "ecom: agent"))
            return len(ecom.child_pids(master)) >= self.stack.workers and not (now & old)
        ecom.wait_until(renewed, timeout=30, interval=0.1, what="the workers of the reloaded configuration")

    def restart_provision_loop(self):
        """The stack's `ecom-provision run --loop` read the configuration when it started: started
        again (as scripts/stack.sh starts it, pid in run/provision.pid), it sees [db_server.second]."""
        ecom.stop_provision_loop()
        log = open(os.path.join(ecom.var_dir(), "log", "provision.log"), "ab")
        proc = subprocess.Popen([os.path.join(ecom.bin_dir(), "ecom-provision"), "--config", ecom.config_path(),
                                 "run", "--loop", "1"], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        self.loops.append(proc)
        with open(os.path.join(ecom.var_dir(), "run", "provision.pid"), "w", encoding="utf-8") as fh:
            fh.write(f"{proc.pid}\n")

    @staticmethod
    def server_of(slug):
        return ecom.sql_value("SELECT s.name FROM tenants t JOIN db_servers s ON s.id = t.db_server_id "
                              f"WHERE t.slug = {ecom.q(slug)}", db=ecom.control_db())

    def schemas_on_second(self):
        return {r[0] for r in self.db2.sql("SHOW DATABASES LIKE 'ecom\\_tenant\\_%'")}

    @staticmethod
    def schemas_on_default():
        return {r[0] for r in ecom.sql("SHOW DATABASES LIKE 'ecom\\_tenant\\_%'")}


def ok(proc):
    assert proc.returncode == 0, ecom.describe(proc)
    return proc
