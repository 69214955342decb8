"""The operators' status page through nginx: reachable from localhost (this machine)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402


def test_status_page_through_nginx_from_localhost():
    r = ecom.http("GET", "/status")
    assert r.status == 200, r.text
    page = r.json()
    master = int(open(os.path.join(ecom.var_dir(), "run", "ecom-fcgi.pid")).read())
    import subprocess
    workers = {int(p) for p in subprocess.run(["pgrep", "-P", str(master), "-x", "ecom: worker"],
                                              capture_output=True, text=True).stdout.split()}
    assert {w["pid"] for w in page["workers"]} == workers
    assert page["acceptedRequests"] >= 1 and page["uptimeSeconds"] >= 0
    assert r.headers.get("Cache-Control") == "no-store"


def status_direct(remote_addr=None):
    """GET /status straight to the stack's FastCGI socket (no nginx), with the given REMOTE_ADDR
    (None: the parameter is not sent at all, as by a proxy on a unix socket that does not pass it)."""
    sock = os.path.join(ecom.var_dir(), "run", "ecom-fcgi.sock")
    extra = {} if remote_addr is None else {"REMOTE_ADDR": remote_addr}
    status, _, body = fcgi_client.request(sock, "GET", "/status", extra_params=extra)
    return status, body


def test_status_page_needs_an_explicit_loopback_address():
    for addr in ("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"):
        status, body = status_direct(addr)
        assert status == 200, (addr, status, body[:200])
    for addr in (None, "", " ", "localhost", "203.0.113.9", "::ffff:10.0.0.1", "0.0.0.0", "::",
                 "127.0.0.1 203.0.113.9", "127.evil", "::1x"):
        status, body = status_direct(addr)
        assert status == 403, (addr, status, body[:200])
