"""The operators' status page through nginx: reachable from localhost (this machine)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402


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
