"""The document's "Example 2: Tenant Provisioning", run as tests/examples/example2_provisioning.sh."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "example2_provisioning.sh")


def run_script(*args, base_url=None, timeout=90):
    env = dict(os.environ)
    env["ECOM_BASE_URL"] = base_url or ecom.base_url()
    return subprocess.run(["bash", SCRIPT, *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_example2_provisions_a_store():
    proc = run_script()
    assert proc.returncode == 0, ecom.describe(proc)
    m = re.search(r"Tenant ready! (\S+)", proc.stdout)
    assert m, ecom.describe(proc)
    slug = m.group(1)
    assert ecom.tenant_status(slug) == "Ready", slug
    resp = ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(slug))
    assert resp.status == 200 and resp.json()["items"], resp


def test_example2_with_given_slug_then_taken():
    slug = ecom.unique_slug("ex2")
    proc = run_script(slug)
    assert proc.returncode == 0, ecom.describe(proc)
    assert f"Tenant ready! {slug}" in proc.stdout, ecom.describe(proc)
    # the same slug again: init answers 409, the script fails
    proc = run_script(slug)
    assert proc.returncode != 0, ecom.describe(proc)
    assert "409" in proc.stderr, ecom.describe(proc)


def test_example2_fails_without_a_server():
    port = ecom.free_port()  # nothing listens there
    proc = run_script(base_url=f"http://127.0.0.1:{port}", timeout=30)
    assert proc.returncode != 0, ecom.describe(proc)
