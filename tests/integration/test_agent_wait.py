"""The super admin's create and repair never outlive server.request_timeout: a worker waits for
the provisioning agent at most request_timeout - 2 s, then answers 202 with the store's own
resource as the status endpoint, and the agent finishes the work. The master never kills the
worker half-way (no request timeout is counted)."""

import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import ecom  # noqa: E402
import fcgi_client  # noqa: E402
from test_master import Master  # noqa: E402


class RowLock:
    """Holds an exclusive row lock in an open transaction until release(). By default the default
    database server's row: a store's INSERT (its foreign key reads that row) waits for it."""

    def __init__(self, query="SELECT id FROM db_servers WHERE is_default = 1 FOR UPDATE"):
        user, password = ecom.superuser()
        cmd = ["mariadb", f"--socket={ecom.mysql_socket()}", f"-u{user}", "-N", "-B", "--unbuffered",
               f"--database={ecom.control_db()}"]
        if password:
            cmd.append(f"-p{password}")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proc.stdin.write(f"BEGIN; {query}; SELECT 'locked';\n")
        self.proc.stdin.flush()
        lines = []
        while "locked" not in lines:
            lines.append(self.proc.stdout.readline().strip())

    def release(self):
        self.proc.stdin.write("ROLLBACK;\n")
        self.proc.stdin.close()
        self.proc.wait(10)


def call(m, method, path, body, token):
    started = time.monotonic()
    status, headers, raw = fcgi_client.request(m.sock, method, path, body=body.encode(),
                                               content_type="application/json",
                                               headers={"Authorization": "Bearer " + token})
    return status, headers, raw, time.monotonic() - started


def get_store(m, slug, token):
    status, _, raw = fcgi_client.request(m.sock, "GET", f"/superadmin/tenants/{slug}",
                                         headers={"Authorization": "Bearer " + token})
    return status, raw


def wait_ready(m, slug, token, seconds=30):
    """Until GET /superadmin/tenants/{slug} says Ready (the agent finished what it was given)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        code, body = get_store(m, slug, token)
        if code == 200 and b'"status":"Ready"' in body:
            return
        time.sleep(0.2)
    raise AssertionError(f"{slug} never became Ready: {code} {body!r}")


def test_a_create_longer_than_the_request_timeout_answers_202_and_completes():
    token = ecom.mint_superadmin_token()
    m = Master(workers=1, request_timeout=3)
    lock = None
    try:
        slug = ecom.unique_slug("slow")
        lock = RowLock()
        status, headers, raw, took = call(m, "POST", "/superadmin/tenants",
                                          '{"slug":"%s","name":"Slow Store","planCode":"BASIC"}' % slug, token)
        assert status == 202, raw
        assert took < 3, f"answered after {took:.1f} s, past request_timeout"
        assert headers["location"] == f"/superadmin/tenants/{slug}", headers
        assert b'"statusEndpoint":"/superadmin/tenants/' + slug.encode() + b'"' in raw, raw
        lock.release()
        lock = None
        wait_ready(m, slug, token)
        assert "exceeded request_timeout" not in m.read_log(), m.read_log()
        # and it serves
        status, _, _ = fcgi_client.request(m.sock, "GET", "/api/features", headers={"X-Tenant-Slug": slug})
        assert status == 200
        # a repair held up the same way (its first write waits on the store's row) answers 202 too
        ecom.sql(f"UPDATE tenants SET status = 'Failed' WHERE slug = {ecom.q(slug)}", db=ecom.control_db())
        lock = RowLock(f"SELECT id FROM tenants WHERE slug = {ecom.q(slug)} FOR UPDATE")
        status, _, raw, took = call(m, "POST", "/superadmin/tenants/repair", '{"tenant":"%s"}' % slug, token)
        assert status == 202 and took < 3, (status, raw, took)
        assert b'"tenant":"' + slug.encode() + b'"' in raw, raw
        lock.release()
        lock = None
        wait_ready(m, slug, token)
        assert "exceeded request_timeout" not in m.read_log(), m.read_log()
    finally:
        if lock:
            lock.release()
        m.stop()
