"""A change to a store made on this host is seen by the very next request on every worker: the
super admin's PATCH (suspend/resume, each feature, each limit, the plan), repair, and
`ecom-provision` (create, repair, and the provisioner building a sign-up). Workers cache stores
for tenancy.cache_ttl_ms (2 s in the stack); each test first makes every worker cache the old
state, then asserts on a burst of concurrent requests, more than there are workers, that every
worker answered (per-worker request counts on /status), all with the new state."""

import concurrent.futures
import json
import re
import subprocess
import tempfile
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, tenant_headers  # noqa: E402

TENANTS = "/superadmin/tenants"
FEATURES = ["catalog", "cart", "checkout", "guestCheckout", "categories", "push"]
SA = None   # requests with a minted super-admin token
STORE = None


def setup_module():
    global SA, STORE
    SA = ecom.SuperAdmin()
    STORE = ecom.new_store("PREMIUM")


def teardown_module():
    if STORE:
        ecom.set_tenant_status(STORE, "Ready")
        ecom.clear_feature_overrides(STORE)
        ecom.clear_limit_overrides(STORE)


def worker_requests():
    """pid -> requests served, from the status page."""
    resp = http("GET", "/status")
    assert resp.status == 200, resp
    return {w["pid"]: w["requests"] for w in resp.json()["workers"]}


def burst(slug, path="/api/features", attempts=8):
    """Concurrent GETs (4 per worker) until one burst was served by every worker; returns its
    responses."""
    before = worker_requests()
    n = 4 * max(2, len(before))
    for _ in range(attempts):
        before = worker_requests()
        with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
            responses = list(pool.map(lambda _: http("GET", path, headers=tenant_headers(slug)), range(n)))
        after = worker_requests()
        # the /status request itself is served by one worker too: ask for more than one
        if all(after.get(pid, 0) - count >= 2 for pid, count in before.items()):
            return responses
    raise AssertionError(f"no burst of {n} requests reached every worker in {attempts} attempts")


def features_of(resp):
    assert resp.status == 200, resp
    return resp.json()


def test_suspend_and_resume_are_seen_at_once_by_every_worker():
    for resp in burst(STORE):  # every worker caches the store as Ready
        assert resp.status == 200, resp
    SA.patch_ok(STORE, {"status": "Suspended"})
    for resp in burst(STORE):
        body = assert_problem(resp, 423)
        assert body["title"] == "Tenant locked", body
    SA.patch_ok(STORE, {"status": "Ready"})
    for resp in burst(STORE):
        assert resp.status == 200, resp


def test_each_feature_change_is_seen_at_once_by_every_worker():
    for feature in FEATURES:
        current = features_of(burst(STORE)[0])["features"][feature]
        SA.patch_ok(STORE, {"features": {feature: not current}})
        for resp in burst(STORE):
            assert features_of(resp)["features"][feature] is (not current), (feature, resp)
        SA.patch_ok(STORE, {"features": {feature: None}})
        for resp in burst(STORE):
            assert features_of(resp)["features"][feature] is current, (feature, resp)


def test_each_limit_change_is_seen_at_once_by_every_worker():
    for limit, value in (("maxCartItems", 7), ("maxProductsPerOrder", 3)):
        before = features_of(burst(STORE)[0])["limits"][limit]
        assert before != value
        SA.patch_ok(STORE, {"limits": {limit: value}})
        for resp in burst(STORE):
            assert features_of(resp)["limits"][limit] == value, (limit, resp)
        SA.patch_ok(STORE, {"limits": {limit: None}})
        for resp in burst(STORE):
            assert features_of(resp)["limits"][limit] == before, (limit, resp)


def test_plan_change_is_seen_at_once_by_every_worker():
    slug = ecom.new_store("PREMIUM")
    for resp in burst(slug):
        assert features_of(resp)["limits"]["maxCartItems"] == 100
    SA.patch_ok(slug, {"planCode": "BASIC"})
    for resp in burst(slug):
        assert features_of(resp)["limits"] == {"maxCartItems": 20, "maxProductsPerOrder": 10}, resp
    SA.patch_ok(slug, {"planCode": "ENTERPRISE"})
    for resp in burst(slug):
        body = features_of(resp)
        assert body["limits"]["maxCartItems"] == 500 and body["features"]["push"] is True, resp


def test_super_admin_repair_is_seen_at_once_by_every_worker():
    slug = ecom.new_store("PREMIUM")
    ecom.set_tenant_status(slug, "Failed")  # operator's SQL: seen within the cache time
    ecom.wait_tenant_cache()
    for resp in burst(slug):
        assert assert_problem(resp, 409)["title"] == "Tenant not ready"
    resp = SA("POST", f"{TENANTS}/repair", body={"tenant": slug})
    assert resp.status == 200 and resp.json()["status"] == "Ready", resp
    for resp in burst(slug):
        assert resp.status == 200, resp


def test_ecom_provision_create_and_repair_are_seen_at_once_by_every_worker():
    slug = ecom.unique_slug("cli")
    for resp in burst(slug):  # every worker caches "no such store"
        assert assert_problem(resp, 409)["title"] == "Tenant not resolved"
    proc = ecom.provision("create", slug, "CLI Store", "BASIC")
    assert proc.returncode == 0, ecom.describe(proc)
    assert "cannot tell" not in proc.stderr, proc.stderr  # the master answered
    for resp in burst(slug):
        assert resp.status == 200, resp

    ecom.set_tenant_status(slug, "Failed")
    ecom.wait_tenant_cache()
    for resp in burst(slug):
        assert assert_problem(resp, 409)["title"] == "Tenant not ready"
    proc = ecom.provision("repair", slug)
    assert proc.returncode == 0, ecom.describe(proc)
    for resp in burst(slug):
        assert resp.status == 200, resp


def test_a_sign_up_built_by_the_provisioner_is_served_at_once_by_every_worker():
    ecom.stop_provision_loop()
    try:
        slug, _ = ecom.init_and_confirm(plan="Basic")
        for resp in burst(slug):  # Queued: every worker caches "not ready"
            assert assert_problem(resp, 409)["title"] == "Tenant not ready"
        proc = ecom.provision("run")
        assert proc.returncode == 0, ecom.describe(proc)
        for resp in burst(slug):
            assert resp.status == 200, resp
    finally:
        ecom.start_provision_loop()


def test_a_plain_usr2_is_not_answered_and_a_stale_pid_file_is_not_signalled():
    import subprocess
    import tempfile
    import time
    master = ecom.stack_pid("ecom-fcgi")
    # an operator's `kill -USR2` from a shell: the stores are read again, the shell is not signalled
    proc = subprocess.run(["bash", "-c", f"kill -USR2 {master}; sleep 0.3; echo alive"],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode == 0 and proc.stdout.strip() == "alive", ecom.describe(proc)
    assert os.path.exists(f"/proc/{master}")
    # a pid file naming some other process: ecom-provision leaves it alone
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".pid", delete=False) as fh:
            fh.write(f"{sleeper.pid}\n")
        proc = ecom.provision("repair", STORE, env={"ECOM_SERVER_PID_FILE": fh.name})
        assert proc.returncode == 0, ecom.describe(proc)
        time.sleep(0.2)  # a signal that must not come: give it time to arrive, then look
        assert sleeper.poll() is None, "ecom-provision signalled a process that is not ecom-fcgi"
    finally:
        sleeper.kill()
        sleeper.wait()
        os.unlink(fh.name)


def test_ecom_provision_refresh_makes_every_worker_see_a_change_made_by_sql():
    slug = ecom.new_store("PREMIUM")
    for resp in burst(slug):  # every worker caches the store as Ready
        assert resp.status == 200, resp
    ecom.set_tenant_status(slug, "Suspended")  # by hand: nobody told the workers
    stale = [resp.status for resp in burst(slug)]
    assert 200 in stale, "the workers' cached lookups should still serve the store"
    proc = ecom.provision("refresh")
    assert proc.returncode == 0 and "ecom-fcgi told" in proc.stdout, ecom.describe(proc)
    for resp in burst(slug):
        assert assert_problem(resp, 423)["title"] == "Tenant locked"
    ecom.set_tenant_status(slug, "Ready")
    proc = ecom.provision("--json", "refresh")
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"told": True}, ecom.describe(proc)
    for resp in burst(slug):
        assert resp.status == 200, resp


def test_ecom_provision_refresh_with_no_server_running_has_nothing_to_tell():
    conf = os.path.join(tempfile.mkdtemp(prefix="refresh-"), "ecom.conf")
    with open(ecom.config_path()) as f:
        text = f.read()
    pid_file = os.path.join(os.path.dirname(conf), "ecom-fcgi.pid")
    text = re.sub(r"(?m)^pid_file\s*=.*$", f"pid_file={pid_file}", text)
    assert f"pid_file={pid_file}" in text, "the stack's config has no server.pid_file to replace"
    with open(conf, "w") as f:
        f.write(text)
    os.chmod(conf, 0o600)
    proc = subprocess.run([os.path.join(ecom.bin_dir(), "ecom-provision"), "--config", conf, "refresh"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and "nothing to tell" in proc.stdout, ecom.describe(proc)
