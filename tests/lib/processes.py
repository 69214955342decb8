"""Processes of the stack under test: the ecom-provision CLI, the provisioner loop, pid checks.
Standard library only.
"""

import json
import os
import socket
import subprocess
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

