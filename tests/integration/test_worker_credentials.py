"""A compromised web worker does not become the database's administrator.

- The administrative password never reaches a worker: not its environment, not its memory, not a
  file it can read (the provisioning agent reads admin_database.password_file, mode 0600, after
  it is forked; ecom-fcgi refuses the password in its configuration or environment).
- Started as root, the master runs its workers as server.user (here nobody), never as root.
- The agent refuses a password file others may read, and answers 503 without credentials.
"""

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import ecom  # noqa: E402
import fcgi_client  # noqa: E402
from test_master import Master  # noqa: E402

MAX_REGION = 1 << 30  # larger mappings are address space reserved by the sanitizers, not memory


def admin_password():
    return ecom.secrets()["ECOM_DB_ADMIN_PASSWORD"]


def scan_memory(pid, needle):
    """(found, skipped_large): whether `needle` is in any readable mapping of `pid`."""
    skipped = False
    with open(f"/proc/{pid}/maps", encoding="utf-8") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            perms, name = fields[1], (fields[5] if len(fields) >= 6 else "")
            if "r" not in perms or name in ("[vvar]", "[vsyscall]", "[vvar_vclock]"):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if end - start > MAX_REGION:
                skipped = True
                continue
            try:
                mem.seek(start)
                chunk = mem.read(end - start)
            except (OSError, OverflowError, ValueError):
                continue
            if needle in chunk:
                return True, skipped
    return False, skipped


def uid_gid(pid):
    uid = gid = None
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("Uid:"):
                uid = [int(x) for x in line.split()[1:]]
            elif line.startswith("Gid:"):
                gid = [int(x) for x in line.split()[1:]]
    return uid, gid


def files_readable_as(uid, gid, roots, needle):
    """Walks `roots` as uid/gid (in a forked child) and reads every regular file it may open
    (up to 2 MB each). Returns (files read, paths whose content holds `needle`)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        found, count = [], 0
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            for root in roots:
                for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: None):
                    dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
                    for f in filenames:
                        path = os.path.join(dirpath, f)
                        try:
                            st = os.lstat(path)
                            if not stat.S_ISREG(st.st_mode) or st.st_size > 2 << 20:
                                continue
                            with open(path, "rb") as fh:
                                data = fh.read()
                        except OSError:
                            continue
                        count += 1
                        if needle in data:
                            found.append(path)
            os.write(w, (f"{count}\n" + "\n".join(found)).encode())
        finally:
            os._exit(0)
    os.close(w)
    out = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        out += chunk
    os.close(r)
    os.waitpid(pid, 0)
    lines = out.decode().split("\n")
    return int(lines[0]), [ln for ln in lines[1:] if ln]


def test_workers_run_as_the_configured_user_never_root():
    if os.geteuid() != 0:
        print("  (not root: the master cannot switch users; nothing to check)")
        return
    master = ecom.master_pid()
    workers = ecom.child_pids(master, "ecom: worker")
    assert workers, "no workers"
    nobody = int(subprocess.run(["id", "-u", "nobody"], capture_output=True, text=True).stdout)
    nogroup = int(subprocess.run(["getent", "group", "nogroup"], capture_output=True, text=True).stdout.split(":")[2])
    for w in workers:
        uid, gid = uid_gid(w)
        assert set(uid) == {nobody}, (w, uid)
        assert set(gid) == {nogroup}, (w, gid)
    # the master and the agent keep the master's user
    assert uid_gid(master)[0][0] == 0
    for a in ecom.child_pids(master, "ecom: agent"):
        assert uid_gid(a)[0][0] == 0


def test_no_admin_password_in_a_workers_environment_or_memory():
    needle = admin_password().encode()
    master = ecom.master_pid()
    workers = ecom.child_pids(master, "ecom: worker")
    assert workers
    # the agent must have started and read its password: make it serve one request
    token = ecom.mint_superadmin_token()
    resp = ecom.http("POST", "/superadmin/tenants/repair", headers=ecom.bearer(token),
                     body={"tenant": ecom.new_store("BASIC")})
    assert resp.status == 200, resp
    for pid in sorted(workers) + [master]:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            assert needle not in fh.read(), f"the admin password is in the environment of {pid}"
        found, _ = scan_memory(pid, needle)
        assert not found, f"the admin password is in the memory of process {pid}"
    # the scan does find it where it belongs: in the agent
    (agent,) = ecom.child_pids(master, "ecom: agent")
    found, skipped = scan_memory(agent, needle)
    if not skipped:
        assert found, "the memory scan missed the password in the agent (the scan is broken)"


def test_a_worker_can_read_no_file_holding_the_admin_password():
    if os.geteuid() != 0:
        print("  (not root: workers run as the test's own user; nothing to separate)")
        return
    needle = admin_password().encode()
    worker = sorted(ecom.child_pids(ecom.master_pid(), "ecom: worker"))[0]
    uid, gid = uid_gid(worker)[0][0], uid_gid(worker)[1][0]
    roots = [ecom.var_dir(), ecom.repo_dir(), "/etc", "/tmp", "/run", "/var/tmp", "/home", "/root"]
    count, found = files_readable_as(uid, gid, roots, needle)
    assert count > 100, f"only {count} files read: the scan did not work"
    assert not found, f"a worker could read the admin password in {found}"
    # ...while the password file exists, and the stack's own user reads it
    pw_file = ecom.config_value("admin_database", "password_file")
    assert pw_file and os.path.exists(pw_file)
    with open(pw_file, "rb") as fh:
        assert needle in fh.read()
    assert stat.S_IMODE(os.stat(pw_file).st_mode) == 0o600


def check_config(**env):
    full = dict(os.environ)
    full.update(env)
    return subprocess.run([os.path.join(ecom.bin_dir(), "ecom-fcgi"), "--config", ecom.config_path(), "--check-config"],
                          capture_output=True, text=True, env=full, timeout=30)


def test_ecom_fcgi_refuses_the_admin_password_in_its_config_or_environment():
    ok = check_config()
    assert ok.returncode == 0, ecom.describe(ok)
    proc = check_config(ECOM_ADMIN_DATABASE_PASSWORD="some-password")
    assert proc.returncode == 1, ecom.describe(proc)
    assert "password_file" in proc.stderr, proc.stderr
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as fh:
        with open(ecom.config_path(), encoding="utf-8") as src:
            fh.write(src.read().replace("[admin_database]\n", "[admin_database]\npassword=inline-secret\n"))
    try:
        proc = subprocess.run([os.path.join(ecom.bin_dir(), "ecom-fcgi"), "--config", fh.name, "--check-config"],
                              capture_output=True, text=True, timeout=30)
        assert proc.returncode == 1, ecom.describe(proc)
        assert "admin_database.password" in proc.stderr
    finally:
        os.unlink(fh.name)


def test_ecom_fcgi_started_as_root_refuses_root_workers():
    if os.geteuid() != 0:
        return
    proc = check_config(ECOM_SERVER_USER="")
    assert proc.returncode == 1 and "server.user" in proc.stderr, ecom.describe(proc)
    proc = check_config(ECOM_SERVER_USER="root")
    assert proc.returncode == 1 and "root" in proc.stderr, ecom.describe(proc)
    proc = check_config(ECOM_SERVER_USER="no-such-user-here")
    assert proc.returncode == 1 and "does not exist" in proc.stderr, ecom.describe(proc)


def agent_create(m, slug):
    token = ecom.mint_superadmin_token()
    body = ('{"slug":"%s","name":"Agent Store","planCode":"BASIC"}' % slug).encode()
    return fcgi_client.request(m.sock, "POST", "/superadmin/tenants", body=body, content_type="application/json",
                               headers={"Authorization": "Bearer " + token})


def test_agent_refuses_a_password_file_others_may_read():
    d = tempfile.mkdtemp(prefix="ecom-pwfile-")
    os.chmod(d, 0o711)
    loose = os.path.join(d, "pw")
    with open(loose, "w", encoding="utf-8") as fh:
        fh.write(admin_password() + "\n")
    os.chmod(loose, 0o644)
    m = None
    env_backup = os.environ.get("ECOM_ADMIN_DATABASE_PASSWORD_FILE")
    os.environ["ECOM_ADMIN_DATABASE_PASSWORD_FILE"] = loose
    try:
        m = Master(workers=1)
        slug = ecom.unique_slug("pw")
        status, headers, body = agent_create(m, slug)
        assert status == 503, body
        assert headers.get("retry-after"), headers
        assert "may be read by others" in m.read_log(), m.read_log()
        assert not ecom.sql(f"SELECT 1 FROM tenants WHERE slug = {ecom.q(slug)}", db=ecom.control_db())
        # the CLI refuses it too
        proc = ecom.provision("list", env={"ECOM_ADMIN_DATABASE_PASSWORD_FILE": loose})
        assert proc.returncode == 1 and "0600" in proc.stderr, ecom.describe(proc)
        # with mode 0600 the same file works
        m.stop()
        os.chmod(loose, 0o600)
        m = Master(workers=1)
        status, _, body = agent_create(m, slug)
        assert status == 201, body
    finally:
        if env_backup is None:
            os.environ.pop("ECOM_ADMIN_DATABASE_PASSWORD_FILE", None)
        else:
            os.environ["ECOM_ADMIN_DATABASE_PASSWORD_FILE"] = env_backup
        if m:
            m.stop()
        os.unlink(loose)
        os.rmdir(d)
