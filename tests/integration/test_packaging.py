"""Installing as hosters do: `make install` (PREFIX, DESTDIR), the installed binaries finding
their SQL, the systemd units (`systemd-analyze verify`), the logrotate file and its signal, and
`make deb` (contents, conffiles, Depends, maintainer scripts, lintian).

The binaries are the ones `make test` just built (ECOM_BIN_DIR): make finds them up to date,
nothing is rebuilt."""

import configparser
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
UNITS = ["ecom-fcgi.service", "ecom-provision.service", "ecom-provision.timer",
         "ecom-gc.service", "ecom-gc.timer"]
NGINX_ERRORS = sorted(os.listdir(os.path.join(REPO, "conf", "nginx", "errors")))

TMP = None          # everything this module makes, removed at the end
STAGED = None       # make install DESTDIR=STAGED (PREFIX default /usr/local)
ROOTED = None       # make install PREFIX=ROOTED/usr SYSCONFDIR=ROOTED/etc: runnable in place
DEB = None          # the .deb of make deb


def make_args():
    """make's mode for the binaries under test: the sanitizer build when ECOM_BIN_DIR is it."""
    bin_dir = os.path.realpath(os.environ.get("ECOM_BIN_DIR", os.path.join(REPO, "bin")))
    return ["SANITIZE=1"] if bin_dir == os.path.join(REPO, "build", "san", "bin") else []


def run(cmd, timeout=300, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def make(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    proc = run(["make", "--no-print-directory", "-C", REPO, *make_args(), *args], env=env)
    assert proc.returncode == 0, ecom.describe(proc)
    return proc


def sql_files():
    out = []
    for base, _, files in os.walk(os.path.join(REPO, "sql")):
        out += [os.path.relpath(os.path.join(base, f), REPO) for f in files]
    return sorted(out)


def web_files():
    out = []
    for base, _, files in os.walk(os.path.join(REPO, "web")):
        out += [os.path.relpath(os.path.join(base, f), REPO) for f in files]
    return sorted(out)


def read_ini(path):
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.optionxform = str
    with open(path, encoding="utf-8") as fh:
        cp.read_string(fh.read())
    return cp


def unit(path):
    """A unit file as {section: {key: [values]}}."""
    out, section = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = out.setdefault(line.strip("[]"), {})
            continue
        k, _, v = line.partition("=")
        section.setdefault(k.strip(), []).append(v.strip())
    return out


def setup_module():
    global TMP, STAGED, ROOTED
    TMP = tempfile.mkdtemp(prefix="ecom-pkg.")
    STAGED = os.path.join(TMP, "staged")
    ROOTED = os.path.join(TMP, "root")
    make("install", f"DESTDIR={STAGED}")
    make("install", f"PREFIX={ROOTED}/usr", f"SYSCONFDIR={ROOTED}/etc", f"LOCALSTATEDIR={ROOTED}/var")


def teardown_module():
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


# --------------------------------------------------------------------------- make install

def test_install_lays_out_binaries_sql_and_config():
    s = STAGED
    for b in ("ecom-fcgi", "ecom-provision"):
        path = f"{s}/usr/local/bin/{b}"
        assert os.path.isfile(path) and os.access(path, os.X_OK), path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o755, oct(os.stat(path).st_mode)
        assert os.path.isfile(f"{s}/usr/local/share/man/man1/{b}.1.gz"), b
    installed = sorted(os.path.relpath(os.path.join(b, f), f"{s}/usr/local/share/ecom")
                       for b, _, fs in os.walk(f"{s}/usr/local/share/ecom/sql") for f in fs)
    assert installed == sql_files(), (installed, sql_files())
    for f in sql_files():
        with open(os.path.join(REPO, f), "rb") as a, open(f"{s}/usr/local/share/ecom/{f}", "rb") as b:
            assert a.read() == b.read(), f
    example = f"{s}/etc/ecom/ecom.conf.example"
    paths = read_ini(example)["paths"]
    assert paths["control_migrations"] == "/usr/local/share/ecom/sql/control", dict(paths)
    assert paths["tenant_migrations"] == "/usr/local/share/ecom/sql/tenant", dict(paths)
    assert paths["seed_file"] == "/usr/local/share/ecom/sql/seed/demo_catalog.sql", dict(paths)
    conf = f"{s}/etc/ecom/ecom.conf"
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o600, oct(os.stat(conf).st_mode)
    for d in ("var/log/ecom", "var/lib/ecom"):
        assert os.path.isdir(f"{s}/{d}"), d


def test_install_lays_out_units_cron_logrotate_and_sites():
    s = STAGED
    for u in UNITS:
        text = open(f"{s}/usr/local/lib/systemd/system/{u}", encoding="utf-8").read()
        assert "@" not in text.replace("$MAINPID", ""), f"{u} has an unreplaced placeholder"
    fcgi = unit(f"{s}/usr/local/lib/systemd/system/ecom-fcgi.service")["Service"]
    assert fcgi["ExecStart"] == ["/usr/local/bin/ecom-fcgi --config /etc/ecom/ecom.conf"], fcgi["ExecStart"]
    cron = open(f"{s}/usr/local/share/ecom/cron/ecom-provision", encoding="utf-8").read()
    assert re.search(r"^\* \* \* \* \*\s+root\s+.*ecom-provision --config /etc/ecom/ecom.conf run", cron, re.M), cron
    assert re.search(r"^PATH=/usr/local/bin:", cron, re.M), cron
    rooted = open(f"{ROOTED}/usr/share/ecom/cron/ecom-provision", encoding="utf-8").read()
    assert re.search(rf"^PATH={ROOTED}/usr/bin:", rooted, re.M), "the cron lines find the installed binary"
    assert f"--config {ROOTED}/etc/ecom/ecom.conf run" in rooted, rooted
    with open(f"{s}/etc/logrotate.d/ecom", "rb") as a, open(f"{REPO}/conf/logrotate/ecom", "rb") as b:
        assert a.read() == b.read()
    site = open(f"{s}/etc/nginx/sites-available/ecom", encoding="utf-8").read()
    assert "alias /usr/local/share/ecom/nginx-errors/;" in site, "the site names where the error pages went"
    assert sorted(os.listdir(f"{s}/usr/local/share/ecom/nginx-errors")) == NGINX_ERRORS
    apache = open(f"{s}/etc/apache2/sites-available/ecom.conf", encoding="utf-8").read()
    assert "Define ECOM_ERRORS_DIR /usr/local/share/ecom/apache-errors" in apache, "the Apache site names its errors"
    # The storefront: every file of web/, byte for byte, where both sites look for it.
    assert site.count("root /usr/local/share/ecom/web;") == 2, "the nginx site names where the storefront went"
    assert "Define ECOM_WEB_DIR /usr/local/share/ecom/web" in apache, "the Apache site names the storefront"
    assert web_files() and {"web/storefront/index.html", "web/console/index.html"} <= set(web_files())
    for f in web_files():
        with open(os.path.join(REPO, f), "rb") as a, open(f"{s}/usr/local/share/ecom/{f}", "rb") as b:
            assert a.read() == b.read(), f"{f} differs once installed"
    assert sorted(os.listdir(f"{s}/usr/local/share/ecom/apache-errors")) == \
        sorted(os.listdir(f"{REPO}/conf/apache/errors"))


def test_install_keeps_an_existing_config():
    conf = f"{STAGED}/etc/ecom/ecom.conf"
    with open(conf, "w", encoding="utf-8") as fh:
        fh.write("# the administrator's\n")
    make("install", f"DESTDIR={STAGED}")
    assert open(conf, encoding="utf-8").read() == "# the administrator's\n", "make install overwrote ecom.conf"


def test_installed_provisioner_finds_its_sql():
    """The installed ecom-provision, with the [paths] of the installed example (as a config made
    from it has), builds a store from the installed SQL against the test stack's database."""
    paths = read_ini(f"{ROOTED}/etc/ecom/ecom.conf.example")["paths"]
    for key in ("control_migrations", "tenant_migrations", "seed_file"):
        assert paths[key].startswith(f"{ROOTED}/usr/share/ecom/sql/"), (key, paths[key])
        assert os.path.exists(paths[key]), paths[key]
    env = dict(os.environ)
    env.update({f"ECOM_PATHS_{k.upper()}": paths[k] for k in ("control_migrations", "tenant_migrations", "seed_file")})
    binary = f"{ROOTED}/usr/bin/ecom-provision"
    proc = run([binary, "--config", ecom.config_path(), "setup"], env=env, timeout=120)
    assert proc.returncode == 0, ecom.describe(proc)
    slug = ecom.unique_slug("pkg")
    proc = run([binary, "--config", ecom.config_path(), "create", slug, "Packaged", "PREMIUM"], env=env, timeout=120)
    assert proc.returncode == 0, ecom.describe(proc)
    assert int(ecom.sql_value("SELECT COUNT(*) FROM products", db=ecom.schema_of(slug))) > 0, "no demo catalog"
    # Without the installed files it is refused: the paths above are what it read.
    env["ECOM_PATHS_CONTROL_MIGRATIONS"] = f"{ROOTED}/nonexistent"
    proc = run([binary, "--config", ecom.config_path(), "setup"], env=env, timeout=120)
    assert proc.returncode != 0, ecom.describe(proc)


# --------------------------------------------------------------------------- systemd

def test_systemd_analyze_verify_passes_on_the_units():
    unit_dir = f"{ROOTED}/usr/lib/systemd/system"
    proc = run(["systemd-analyze", "verify", *[os.path.join(unit_dir, u) for u in UNITS]], timeout=60)
    assert proc.returncode == 0 and not proc.stdout.strip() and not proc.stderr.strip(), ecom.describe(proc)
    # The check itself catches a unit whose binary is missing.
    broken = os.path.join(TMP, "ecom-broken.service")
    with open(os.path.join(unit_dir, "ecom-fcgi.service"), encoding="utf-8") as fh:
        text = fh.read().replace(f"{ROOTED}/usr/bin/ecom-fcgi", f"{ROOTED}/nonexistent/ecom-fcgi")
    with open(broken, "w", encoding="utf-8") as fh:
        fh.write(text)
    assert run(["systemd-analyze", "verify", broken], timeout=60).returncode != 0


def test_fcgi_unit_reloads_stops_gracefully_and_is_hardened():
    u = unit(f"{STAGED}/usr/local/lib/systemd/system/ecom-fcgi.service")
    svc = u["Service"]
    assert svc["ExecReload"] == ["/bin/kill -HUP $MAINPID"], svc["ExecReload"]
    assert svc["KillSignal"] == ["SIGTERM"] and svc["KillMode"] == ["mixed"], svc
    graceful = int(read_ini(f"{STAGED}/etc/ecom/ecom.conf.example")["server"]["graceful_timeout"])
    assert int(svc["TimeoutStopSec"][0]) > graceful, (svc["TimeoutStopSec"], graceful)
    assert svc["Restart"] == ["on-failure"]
    for key, value in (("ProtectSystem", "strict"), ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes"),
                       ("ProtectHome", "yes")):
        assert svc.get(key) == [value], (key, svc.get(key))
    writable = " ".join(svc["ReadWritePaths"]).split()
    assert {"/run/ecom", "/var/log/ecom", "/var/lib/ecom"} <= set(writable), writable
    # The master starts as root and drops the workers to server.user, never root.
    assert "User" not in svc, "the master must start as root to drop its workers to server.user"
    caps = svc["CapabilityBoundingSet"][0].split()
    assert {"CAP_SETUID", "CAP_SETGID"} <= set(caps) and "CAP_SYS_ADMIN" not in caps, caps
    user = read_ini(f"{STAGED}/etc/ecom/ecom.conf.example")["server"]["user"]
    assert user and user != "root", user
    assert u["Install"]["WantedBy"] == ["multi-user.target"]


def test_provisioner_and_gc_units_run_once_on_timers():
    d = f"{STAGED}/usr/local/lib/systemd/system"
    for name, command in (("ecom-provision", " run"), ("ecom-gc", " gc")):
        svc = unit(f"{d}/{name}.service")["Service"]
        assert svc["Type"] == ["oneshot"], svc["Type"]
        assert svc["ExecStart"][0].endswith(command) and "--loop" not in svc["ExecStart"][0], svc["ExecStart"]
        timer = unit(f"{d}/{name}.timer")
        assert timer["Timer"]["OnCalendar"], timer
        assert timer["Install"]["WantedBy"] == ["timers.target"], timer
    assert unit(f"{d}/ecom-provision.timer")["Timer"]["OnCalendar"] == ["*-*-* *:*:00"], "every minute"


# --------------------------------------------------------------------------- logrotate

def logrotate_postrotate():
    text = open(os.path.join(REPO, "conf", "logrotate", "ecom"), encoding="utf-8").read()
    return text, re.search(r"postrotate\n(.*?)\n\s*endscript", text, re.S).group(1)


def test_logrotate_rotates_the_logs_and_signals_instead_of_truncating():
    text, script = logrotate_postrotate()
    assert re.search(r"^/var/log/ecom/\*\.log \{", text, re.M), text
    assert "copytruncate" not in re.sub(r"#.*", "", text), "copytruncate loses lines: use the signal"
    pid_file = read_ini(f"{STAGED}/etc/ecom/ecom.conf.example")["server"]["pid_file"]
    assert pid_file in script and "kill -USR1" in script, script
    if shutil.which("logrotate"):
        state = os.path.join(TMP, "logrotate.state")
        proc = run(["logrotate", "-d", "-s", state, os.path.join(REPO, "conf", "logrotate", "ecom")], timeout=30)
        assert proc.returncode == 0 and "error" not in proc.stderr.lower(), ecom.describe(proc)


def _usr1_target(name):
    """A child that renames itself `name` and writes "usr1" to a file on SIGUSR1."""
    mark = os.path.join(TMP, f"usr1-{os.getpid()}-{time.monotonic_ns()}")
    code = ("import ctypes, signal, sys, time\n"
            f"ctypes.CDLL(None).prctl(15, {name.encode()!r}, 0, 0, 0)\n"
            f"signal.signal(signal.SIGUSR1, lambda *a: open({mark!r}, 'w').write('usr1'))\n"
            "print('ready', flush=True)\n"
            "time.sleep(30)\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    return child, mark


def _run_postrotate(pid):
    _, script = logrotate_postrotate()
    pid_file = os.path.join(TMP, "ecom-fcgi.pid")
    with open(pid_file, "w") as fh:
        fh.write(f"{pid}\n")
    proc = run(["sh", "-c", script.replace("/run/ecom/ecom-fcgi.pid", pid_file)], timeout=10)
    assert proc.returncode == 0, ecom.describe(proc)


def test_logrotate_signals_only_the_master():
    master, mark = _usr1_target("ecom: master")
    other, other_mark = _usr1_target("not-ecom")
    try:
        _run_postrotate(master.pid)
        ecom.wait_until(lambda: os.path.exists(mark), timeout=5, what="SIGUSR1 to the master")
        _run_postrotate(other.pid)
        time.sleep(0.3)
        assert not os.path.exists(other_mark), "a process that is not the master got SIGUSR1"
        assert other.poll() is None
    finally:
        for c in (master, other):
            c.kill()
            c.wait()


# --------------------------------------------------------------------------- make deb

def build_deb():
    global DEB
    if DEB is None:
        out = os.path.join(TMP, "dist")
        proc = make("deb", f"DEB_OUT_DIR={out}")
        DEB = proc.stdout.strip().splitlines()[-1]
        assert os.path.isfile(DEB) and DEB.startswith(out), proc.stdout
    return DEB


def test_deb_has_the_files_conffiles_and_depends():
    deb = build_deb()
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    info = run(["dpkg-deb", "-f", deb]).stdout
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", info, re.M))
    assert fields["Package"] == "ecom" and fields["Architecture"] == arch, fields
    version = open(os.path.join(REPO, "VERSION")).read().strip()
    assert fields["Version"].startswith(version), fields["Version"]
    depends = fields["Depends"]
    for lib in ("libfcgi0ldbl", "libmysqlcppconn7v5", "libcjson1", "libssl3", "adduser"):
        assert re.search(rf"(^|, ){lib}\b", depends), (lib, depends)
    files = {line.split()[-1].lstrip(".") for line in run(["dpkg-deb", "-c", deb]).stdout.splitlines()}
    for f in ("/usr/bin/ecom-fcgi", "/usr/bin/ecom-provision", "/etc/ecom/ecom.conf.example",
              "/lib/systemd/system/ecom-fcgi.service", "/lib/systemd/system/ecom-provision.timer",
              "/lib/systemd/system/ecom-gc.timer", "/etc/logrotate.d/ecom", "/etc/nginx/sites-available/ecom",
              "/usr/share/ecom/cron/ecom-provision", "/usr/share/doc/ecom/README.Debian",
              "/usr/share/doc/ecom/copyright", "/usr/share/doc/ecom/changelog.Debian.gz",
              "/usr/share/man/man1/ecom-fcgi.1.gz", "/usr/share/doc/ecom/api/index.html",
              "/usr/share/doc/ecom/api/openapi.yaml", "/etc/apache2/sites-available/ecom.conf",
              "/usr/share/ecom/mariadb/ecom-stores.cnf", "/usr/share/ecom/mariadb/mariadb-limits.conf"):
        assert f in files, f"{f} is not in the package"
    assert {f"/usr/share/ecom/{f}" for f in sql_files()} <= files, "sql/ is not all in the package"
    assert {f"/usr/share/ecom/{f}" for f in web_files()} <= files, "web/ is not all in the package"
    assert "/etc/ecom/ecom.conf" not in files, "the package must not ship the secrets' file"
    control = os.path.join(TMP, "control")
    assert run(["dpkg-deb", "-e", deb, control]).returncode == 0
    conffiles = open(os.path.join(control, "conffiles")).read().split()
    etc = sorted(f for f in files if f.startswith("/etc/") and not f.endswith("/"))
    assert sorted(conffiles) == etc, (conffiles, etc)
    # The packaged binaries are stripped and run.
    unpacked = os.path.join(TMP, "unpacked")
    assert run(["dpkg-deb", "-x", deb, unpacked]).returncode == 0
    proc = run([f"{unpacked}/usr/bin/ecom-provision", "--help"], timeout=10)
    assert proc.returncode == 0 and "usage" in proc.stdout, ecom.describe(proc)
    for b in ("ecom-fcgi", "ecom-provision"):
        assert ".symtab" not in run(["readelf", "-S", f"{unpacked}/usr/bin/{b}"]).stdout, f"{b} is not stripped"


def test_deb_maintainer_scripts_start_nothing_unconfigured():
    build_deb()
    control = os.path.join(TMP, "control")
    for name in ("postinst", "prerm", "postrm"):
        path = os.path.join(control, name)
        assert os.access(path, os.X_OK), name
        proc = run(["sh", "-n", path])
        assert proc.returncode == 0, ecom.describe(proc)
    postinst = open(os.path.join(control, "postinst")).read()
    assert re.search(r"if ! getent passwd ecom.*\n\s+adduser --system", postinst), "adduser, guarded"
    assert not re.search(r"\benable\b|systemctl (--now )?start|deb-systemd-invoke start", postinst), \
        "postinst must not enable or start a service"
    assert re.search(r"--check-config.*\n.*\n\s+deb-systemd-invoke try-restart ecom-fcgi", postinst), \
        "an upgrade restarts a running server only when its configuration is valid"
    assert "[ -e /etc/ecom/ecom.conf ] && return 0" in postinst, "an existing ecom.conf is never rewritten"


def test_deb_postinst_writes_a_private_config_once():
    """The postinst's config step, run against a copy of /etc: mode 0600, three distinct secrets,
    and the administrator's file left alone the second time."""
    build_deb()
    postinst = open(os.path.join(TMP, "control", "postinst")).read()
    func = re.search(r"random_hex\(\) \{.*?\n\}\n.*?write_config\(\) \{.*?\n\}\n", postinst, re.S).group(0)
    etc = os.path.join(TMP, "etc-copy")
    os.makedirs(f"{etc}/ecom", exist_ok=True)
    shutil.copy(f"{STAGED}/etc/ecom/ecom.conf.example", f"{etc}/ecom/ecom.conf.example")
    script = func.replace("/etc/ecom/", f"{etc}/ecom/").replace("chown root:root", ": ") + "write_config\n"
    for _ in range(2):
        proc = run(["sh", "-ec", script])
        assert proc.returncode == 0, ecom.describe(proc)
    conf = f"{etc}/ecom/ecom.conf"
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o600
    auth = read_ini(conf)["auth"]
    secrets = [auth[k] for k in ("confirm_token_secret", "superadmin_token_secret", "access_token_secret")]
    assert all(re.fullmatch(r"[0-9a-f]{64}", s) for s in secrets) and len(set(secrets)) == 3, secrets
    with open(conf, "a") as fh:
        fh.write("# edited\n")
    proc = run(["sh", "-ec", script])
    assert proc.returncode == 0 and open(conf).read().endswith("# edited\n"), "postinst rewrote ecom.conf"


def test_lintian_reports_no_errors():
    deb = build_deb()
    proc = run(["lintian", "--allow-root", deb], timeout=300)
    errors = [line for line in proc.stdout.splitlines() if line.startswith("E:")]
    assert not errors and proc.returncode == 0, ecom.describe(proc)
