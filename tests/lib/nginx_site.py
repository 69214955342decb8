"""A private nginx running the shipped production site file (conf/nginx/ecom-site.conf) in front of
the stack's ecom-fcgi. The file itself is used: only what must differ on this machine is rewritten
(listen address, the FastCGI socket of the stack under test, log, cache and error-page paths), and
a test may change it further first (e.g. uncomment the optional micro-cache). Standard library only.
"""

import http.client as httpclient
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse

import ecom

# The socket the shipped file passes to.
SHIPPED_SOCKET = "unix:/run/ecom/ecom-fcgi.sock"


def fastcgi_target():
    """The stack's FastCGI address as nginx's fastcgi_pass wants it."""
    listen = ecom.config_value("server", "listen") or os.path.join(ecom.var_dir(), "run", "ecom-fcgi.sock")
    if listen.startswith("unix:"):
        return listen
    if listen.startswith("/"):
        return "unix:" + listen
    return listen  # host:port


def is_comment(line):
    return line.lstrip().startswith("#")


def localize(lines, port, fcgi, log_dir, errors_dir, cache_dir=None, passes=3, web_dir=None):
    """The site file's lines with the machine-specific values of its active lines replaced.

    passes: how many active fastcgi_pass lines the file has (3 as shipped: /, /status, /metrics); cache_dir: where an active
    fastcgi_cache_path goes (None: there must be none); web_dir: the storefront's files (default: the
    checkout's web/). Fails (AssertionError) when the file no
    longer has the expected shape, and when an active line still names a production path."""
    out = list(lines)
    web_dir = web_dir or os.path.join(ecom.repo_dir(), "web")
    counts = {"listen": 0, "listen6": 0, "pass": 0, "access_log": 0, "error_log": 0, "cache": 0, "alias": 0,
              "root": 0}
    for i, ln in enumerate(out):
        if is_comment(ln):
            continue
        indent = ln[:len(ln) - len(ln.lstrip())]
        body = ln.strip()
        if body == "listen 80;":
            out[i] = f"{indent}listen 127.0.0.1:{port};"
            counts["listen"] += 1
        elif body == "listen [::]:80;":
            out[i] = f"{indent}# (IPv6 listener left out on this machine)"
            counts["listen6"] += 1
        elif body == f"fastcgi_pass {SHIPPED_SOCKET};":
            out[i] = f"{indent}fastcgi_pass {fcgi};"
            counts["pass"] += 1
        elif re.match(r"^access_log\s+/var/log/nginx/\S+\s+ecom;$", body):
            out[i] = f"{indent}access_log {log_dir}/ecom-access.log ecom;"
            counts["access_log"] += 1
        elif re.match(r"^error_log\s+/var/log/nginx/\S+\s+\w+;$", body):
            out[i] = f"{indent}error_log {log_dir}/ecom-error.log info;"
            counts["error_log"] += 1
        elif body.startswith("fastcgi_cache_path /var/cache/nginx/ecom ") and cache_dir:
            out[i] = ln.replace("/var/cache/nginx/ecom ", cache_dir + " ", 1)
            counts["cache"] += 1
        elif body == "alias /usr/share/ecom/nginx-errors/;":
            out[i] = f"{indent}alias {errors_dir}/;"
            counts["alias"] += 1
        elif body == "root /usr/share/ecom/web;":
            out[i] = f"{indent}root {web_dir};"
            counts["root"] += 1
    expected = {"listen": 1, "listen6": 1, "pass": passes, "access_log": 1, "error_log": 1,
                "cache": 1 if cache_dir else 0, "alias": 1, "root": 2}
    assert counts == expected, f"rewritten lines {counts}, expected {expected}"

    # Nothing active may still point at the production paths.
    for ln in out:
        if not is_comment(ln):
            assert not re.search(r"(^|[\s:])/(var/log/nginx|var/cache/nginx|run/ecom|usr/share/ecom)/", ln), \
                f"production path left in {ln!r}"
    return out


def main_conf(d, site):
    user_line = "user root;\n" if os.geteuid() == 0 else ""
    temps = "\n".join(f"    {kind}_temp_path {d}/{kind}_temp;"
                      for kind in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"))
    return (f"{user_line}worker_processes 1;\n"
            f"pid {d}/nginx.pid;\n"
            f"error_log {d}/log/error.log info;\n"
            f"events {{\n    worker_connections 256;\n}}\n"
            f"http {{\n    default_type application/octet-stream;\n{temps}\n"
            f"    include {site};\n}}\n")


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError as exc:
        return f"({exc})"


class PrivateNginx:
    """start() → the shipped site on 127.0.0.1:<free port>, answering /health; stop() → gone.

    prepare(lines, nginx) may change the shipped file's lines first and returns the keyword
    arguments of localize() it needs beyond the machine's (cache_dir, passes)."""

    def __init__(self, prefix, prepare=None):
        self.prefix = prefix
        self.prepare = prepare
        self.dir = None

    def start(self):
        d = tempfile.mkdtemp(prefix=self.prefix)
        self.dir = d
        for sub in ("log", "cache", "errors", "client_body_temp", "fastcgi_temp", "proxy_temp",
                    "uwsgi_temp", "scgi_temp"):
            os.mkdir(os.path.join(d, sub))
        errors_src = os.path.join(ecom.repo_dir(), "conf", "nginx", "errors")
        for name in os.listdir(errors_src):
            if name.endswith(".json"):
                shutil.copy(os.path.join(errors_src, name), os.path.join(d, "errors", name))
        self.port = ecom.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.site = os.path.join(d, "ecom-site.conf")
        self.conf = os.path.join(d, "nginx.conf")
        self.pid_file = os.path.join(d, "nginx.pid")
        self.access_log = os.path.join(d, "log", "ecom-access.log")
        self.error_log = os.path.join(d, "log", "ecom-error.log")

        with open(os.path.join(ecom.repo_dir(), "conf", "nginx", "ecom-site.conf"), encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        extra = self.prepare(lines, self) if self.prepare else {}
        lines = localize(lines, self.port, fastcgi_target(), os.path.join(d, "log"), os.path.join(d, "errors"),
                         **(extra or {}))
        with open(self.site, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines))
        with open(self.conf, "w", encoding="utf-8") as fh:
            fh.write(main_conf(d, self.site))

        check = subprocess.run(self.cmd("-t"), capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, f"nginx -t refused the site file:\n{check.stderr}"
        assert "test is successful" in check.stderr, check.stderr
        start = subprocess.run(self.cmd(), capture_output=True, text=True, timeout=30)
        assert start.returncode == 0, f"nginx did not start:\n{start.stderr}"
        deadline = time.monotonic() + 10
        while True:
            if self.pid():
                try:
                    if self.fetch("GET", "/health").status == 200:
                        break
                except OSError:
                    pass
            assert time.monotonic() < deadline, \
                f"the private nginx did not answer /health 200 within 10 s:\n{read(os.path.join(d, 'log', 'error.log'))}"
            time.sleep(0.1)
        return self

    def cmd(self, *extra):
        return ["nginx", "-p", self.dir + "/", "-e", os.path.join(self.dir, "log", "error.log"),
                "-c", self.conf] + list(extra)

    def pid(self):
        try:
            with open(self.pid_file, encoding="utf-8") as fh:
                pid = int(fh.read().strip())
        except (OSError, ValueError, AttributeError):
            return None
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                args = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            return None
        return pid if self.conf in args else None

    def stop(self):
        pid = self.pid() if self.dir else None
        if pid:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while os.path.exists(f"/proc/{pid}") and self.pid() == pid and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.pid() == pid:
                os.kill(pid, signal.SIGKILL)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def fetch(self, method, path, headers=(), body=None):
        """One request. headers: a dict or a list of (name, value) pairs (a list may repeat a name)."""
        base = urllib.parse.urlsplit(self.url)
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers)
        data = json.dumps(body).encode("utf-8") if body is not None else None
        conn = httpclient.HTTPConnection(base.hostname, base.port, timeout=ecom.HTTP_TIMEOUT)
        try:
            # A Host of the caller's replaces the one http.client would add.
            own_host = any(name.lower() == "host" for name, _ in pairs)
            conn.putrequest(method, path, skip_host=own_host, skip_accept_encoding=True)
            for name, value in pairs:
                conn.putheader(name, value)
            if data is not None:
                conn.putheader("Content-Type", "application/json")
                conn.putheader("Content-Length", str(len(data)))
            conn.putheader("Connection", "close")
            conn.endheaders(data)
            resp = conn.getresponse()
            raw = resp.read()
            return ecom.Response(method, path, resp.status, ecom.Headers(resp.getheaders()), raw)
        finally:
            conn.close()
