"""Processes of the stack under test: the ecom-provision CLI, the provisioner loop, pid checks.
Standard library only.
"""

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time

from stack_env import bin_dir, config_path, repo_dir, var_dir


def provision(*args, env=None, timeout=120):
    """Runs `$ECOM_BIN_DIR/ecom-provision --config $ECOM_CONFIG ARGS...`."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    cmd = [os.path.join(bin_dir(), "ecom-provision"), "--config", config_path()] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout)


def describe(proc):
    return (f"command {proc.args!r} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n"
            f"--- stderr\n{proc.stderr}")


def parse_json(proc):
    """A command's stdout parsed as JSON (AssertionError with the whole run when it is not)."""
    try:
        return json.loads(proc.stdout)
    except ValueError as exc:
        raise AssertionError(f"stdout is not JSON ({exc}):\n{describe(proc)}")


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def stack_pid(name):
    """The pid in the stack's run/<name>.pid (ecom-fcgi, mariadbd, nginx, provision)."""
    with open(os.path.join(var_dir(), "run", f"{name}.pid"), encoding="utf-8") as fh:
        return int(fh.read().strip())


def master_pid():
    """The pid of the stack's ecom-fcgi master (raises when it does not run)."""
    pid = stack_pid("ecom-fcgi")
    os.kill(pid, 0)
    return pid


def child_pids(pid, name="ecom: worker"):
    """The pids of `pid`'s children whose process name is `name` (by default the workers: the
    provisioning agent, "ecom: agent", is a child of the master too)."""
    proc = subprocess.run(["pgrep", "-P", str(pid), "-x", name], capture_output=True, text=True, timeout=10)
    if proc.returncode not in (0, 1):
        raise AssertionError(f"pgrep failed: {proc.stderr}")
    return {int(x) for x in proc.stdout.split()}


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def pid_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return []


def stop_provision_loop(timeout=20):
    """Stops the stack's `ecom-provision run --loop` (pid in $ECOM_VAR_DIR/run/provision.pid).

    Only a pid whose command line is ecom-provision with this stack's config is signalled.
    Returns True when a loop was stopped."""
    pid_file = os.path.join(var_dir(), "run", "provision.pid")
    try:
        with open(pid_file, encoding="utf-8") as fh:
            pid = int(fh.read().strip())
    except (OSError, ValueError):
        return False
    args = pid_cmdline(pid)
    conf = os.path.realpath(config_path())
    if not (args and os.path.basename(args[0]) == "ecom-provision" and "run" in args
            and any(os.path.realpath(a) == conf for a in args[1:] if a.startswith("/"))
            and pid_alive(pid)):
        return False
    os.kill(pid, 15)
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            time.sleep(0.2)
            break
        time.sleep(0.05)
    return True


def stack_sh(command, timeout=60):
    """Runs `scripts/stack.sh COMMAND` for the stack under test."""
    env = dict(os.environ)
    env["ECOM_VAR_DIR"] = var_dir()
    env.setdefault("ECOM_BIN_DIR", bin_dir())
    return subprocess.run([os.path.join(repo_dir(), "scripts", "stack.sh"), command],
                          capture_output=True, text=True, env=env, timeout=timeout)


def provision_loop_running():
    """True when `scripts/stack.sh status` says the stack's provisioner loop runs."""
    proc = stack_sh("status")
    lines = [ln.split() for ln in proc.stdout.splitlines()]
    state = [ln[1] for ln in lines if len(ln) >= 2 and ln[0] == "provision"]
    assert state, describe(proc)
    return state[0] == "running"


def start_provision_loop():
    """(Re)starts the stack's provisioner loop: `scripts/stack.sh start` restarts a dead one."""
    proc = stack_sh("start", timeout=240)
    assert proc.returncode == 0, describe(proc)


# --------------------------------------------------------------------------- a throwaway stack

def free_port_pair(offset=10000):
    """A port P on 127.0.0.1 with P and P + offset both free (HTTP and MariaDB, as stack.sh pairs them)."""
    for _ in range(200):
        p = random.randint(20000, 45000)
        ok = True
        for port in (p, p + offset):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return p
    raise AssertionError("no free pair of ports")


class Stack:
    """A stack of its own (MariaDB, ecom-fcgi, nginx, the provisioner loop): `scripts/stack.sh start`
    under a temporary ECOM_VAR_DIR on free ports, for tests that break it (stop its database, ...).

    stack = Stack().start(); stack.select()  # every helper now speaks to it
    ...; stack.stop()                         # the caller's stack again, this one stopped and removed
    """

    # What names the stack under test for the helpers (see stack_env).
    SELECTING = ("ECOM_VAR_DIR", "ECOM_BASE_URL", "ECOM_CONFIG", "ECOM_HTTP_PORT", "ECOM_DB_PORT")

    def __init__(self, workers=2):
        self.workers = workers
        self.var_dir = None
        self.port = None
        self._saved = None

    def env(self):
        env = dict(os.environ)
        env.update(self.names())
        env["ECOM_BIN_DIR"] = bin_dir()
        env["ECOM_WORKERS"] = str(self.workers)
        return env

    def names(self):
        return {"ECOM_VAR_DIR": self.var_dir, "ECOM_BASE_URL": f"http://127.0.0.1:{self.port}",
                "ECOM_CONFIG": os.path.join(self.var_dir, "ecom.conf"),
                "ECOM_HTTP_PORT": str(self.port), "ECOM_DB_PORT": str(self.port + 10000)}

    def _stack_sh(self, command, timeout):
        return subprocess.run([os.path.join(repo_dir(), "scripts", "stack.sh"), command],
                              capture_output=True, text=True, env=self.env(), timeout=timeout)

    def start(self):
        self.var_dir = tempfile.mkdtemp(prefix="ecom-test-stack.")
        self.port = free_port_pair()
        proc = self._stack_sh("start", timeout=300)
        assert proc.returncode == 0, describe(proc)
        return self

    def select(self):
        """Points the helpers (and child processes) at this stack until deselect()."""
        if self._saved is None:
            self._saved = {k: os.environ.get(k) for k in self.SELECTING}
        os.environ.update(self.names())

    def deselect(self):
        if self._saved is not None:
            for k, v in self._saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            self._saved = None

    def stop(self):
        """Deselects, stops everything the stack started and removes its directory."""
        self.deselect()
        if self.var_dir is None:
            return
        proc = self._stack_sh("stop", timeout=120)
        assert proc.returncode == 0, describe(proc)
        shutil.rmtree(self.var_dir, ignore_errors=True)
        self.var_dir = None
