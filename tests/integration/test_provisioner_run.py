"""`ecom-provision run` (CONTRACT §3): the job queue, overlapping runners, dead runners, leases,
failed steps and repair.

The stack's own provisioner loop would race with the runs started here: setup_module stops it
(by the pid in $ECOM_VAR_DIR/run/provision.pid) and teardown_module starts it again
(`scripts/stack.sh start` restarts a dead loop)."""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import provision, describe, sql, q, schema_of  # noqa: E402

STEPS = ["CreateDatabase", "ApplyMigrations", "SeedData"]
LEASE_ENV = {"ECOM_PROVISIONING_LEASE_SECONDS": "5"}
BROKEN_NAME = "0098_test_broken.sql"
BROKEN_SQL = "CREATE TABLE broken_thing (id INT PRIMARY KEY,, oops);\n"

BROKEN_DIR = None
REF_COUNTS = None   # (products, categories, images) of one seed


def setup_module():
    global BROKEN_DIR, REF_COUNTS
    ecom.stop_provision_loop()
    assert not ecom.provision_loop_running(), "the stack's provisioner loop is still running"
    # whatever is still queued from earlier suites is processed now, not in the middle of a test
    provision("run")
    BROKEN_DIR = tempfile.mkdtemp(prefix="ecom-run-broken-")
    for path in sorted(glob.glob(os.path.join(ecom.repo_dir(), "sql", "tenant", "*"))):
        if os.path.isfile(path):
            shutil.copy2(path, BROKEN_DIR)
    with open(os.path.join(BROKEN_DIR, BROKEN_NAME), "w", encoding="utf-8") as fh:
        fh.write(BROKEN_SQL)
    REF_COUNTS = counts(ecom.new_store("BASIC"))


def teardown_module():
    if BROKEN_DIR:
        shutil.rmtree(BROKEN_DIR, ignore_errors=True)
    ecom.start_provision_loop()
    assert ecom.provision_loop_running(), "the stack's provisioner loop did not come back"


# --------------------------------------------------------------------------- helpers

def counts(slug):
    s = schema_of(slug)
    return tuple(int(ecom.sql_value(f"SELECT COUNT(*) FROM {t}", db=s))
                 for t in ("products", "categories", "product_images"))


def jobs_of(tenant_id):
    return sql("SELECT status, attempts, lease_owner FROM provisioning_jobs "
               f"WHERE tenant_id = {q(tenant_id)}", db=ecom.control_db())


def steps_of(tenant_id):
    return sql("SELECT step, status FROM provisioning_steps "
               f"WHERE tenant_id = {q(tenant_id)} ORDER BY position", db=ecom.control_db())


def run_json(env=None, expect_rc=0):
    proc = provision("run", "--json", env=env)
    assert proc.returncode == expect_rc, describe(proc)
    try:
        body = json.loads(proc.stdout)
    except ValueError as exc:
        raise AssertionError(f"run --json printed no JSON ({exc}):\n{describe(proc)}")
    assert set(body) >= {"provisioned", "failed"}, body
    return body


def tally(body):
    return (body["provisioned"], body["failed"])


def run_cmd(json_out=True):
    cmd = [os.path.join(ecom.bin_dir(), "ecom-provision"), "--config", ecom.config_path(), "run"]
    return cmd + (["--json"] if json_out else [])


def assert_ready(slug, tenant_id, attempts=1):
    assert ecom.tenant_status(slug) == "Ready", (slug, ecom.tenant_status(slug))
    jobs = jobs_of(tenant_id)
    assert len(jobs) == 1, f"{slug}: jobs {jobs}"
    assert jobs[0][0] == "Done" and int(jobs[0][1]) == attempts, f"{slug}: job {jobs[0]}"
    assert [r[1] for r in steps_of(tenant_id)] == ["Success"] * 3, steps_of(tenant_id)
    assert counts(slug) == REF_COUNTS, f"{slug}: {counts(slug)} != one seed {REF_COUNTS} (seeded twice?)"


def wait_lease_expired(tenant_id, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        expired = ecom.sql_value("SELECT COALESCE(MAX(lease_until < UTC_TIMESTAMP()), 1) FROM provisioning_jobs "
                                 f"WHERE tenant_id = {q(tenant_id)}", db=ecom.control_db())
        if expired == "1":
            return
        assert time.monotonic() < deadline, "lease did not expire"
        time.sleep(0.2)


# --------------------------------------------------------------------------- basics

def test_run_with_empty_queue():
    assert tally(run_json()) == (0, 0)
    proc = provision("run")
    assert proc.returncode == 0, describe(proc)


def test_run_usage_errors_are_2():
    for args in (("run", "--bogus"), ("run", "--loop", "0"), ("run", "--loop", "abc"), ("run", "--loop")):
        proc = provision(*args, timeout=10)
        assert proc.returncode == 2, describe(proc)


def test_confirmed_store_waits_queued_then_run_provisions_it():
    slug, tid = ecom.init_and_confirm(plan="Premium")
    assert ecom.tenant_status(slug) == "Queued"
    jobs = jobs_of(tid)
    assert len(jobs) == 1 and jobs[0][0] == "Queued" and int(jobs[0][1]) == 0, jobs
    status = ecom.provision_status(tid).json()
    assert status["status"] == "Pending" and status["tenantSlug"] is None and status["dbName"] is None, status
    assert [(s["step"], s["status"], s["startedAt"]) for s in status["steps"]] == \
        [(n, "Pending", None) for n in STEPS], status
    resp = ecom.http("GET", "/api/features", headers=ecom.tenant_headers(slug))
    assert ecom.assert_problem(resp, 409)["title"] == "Tenant not ready"

    start = time.monotonic()
    assert tally(run_json()) == (1, 0)
    took = time.monotonic() - start
    assert_ready(slug, tid)
    assert took < 10, f"provisioning one store took {took:.1f} s"
    status = ecom.provision_status(tid).json()
    assert status["status"] == "Ready" and status["tenantSlug"] == slug and status["dbName"] == schema_of(slug)
    # nothing left to do
    assert tally(run_json()) == (0, 0)


def test_run_json_counts_exactly():
    stores = [ecom.init_and_confirm(plan="Basic") for _ in range(2)]
    body = run_json()
    assert body["provisioned"] == 2 and body["failed"] == 0, body
    for slug, tid in stores:
        assert_ready(slug, tid)


# --------------------------------------------------------------------------- overlapping runners

def test_two_runs_over_ten_stores_provision_each_once():
    stores = [ecom.init_and_confirm(plan="Basic") for _ in range(10)]
    for slug, _ in stores:
        assert ecom.tenant_status(slug) == "Queued"
    procs = [subprocess.Popen(run_cmd(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=150) for p in procs]
    results = []
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, f"run exited {p.returncode}\n{out}\n{err}"
        results.append(json.loads(out))
    assert sum(r["provisioned"] for r in results) == 10, results
    assert sum(r["failed"] for r in results) == 0, results
    for slug, tid in stores:
        assert_ready(slug, tid, attempts=1)


# --------------------------------------------------------------------------- dead runners and leases

def test_run_killed_mid_job_is_taken_over_after_the_lease():
    env = dict(os.environ)
    env.update(LEASE_ENV)
    caught = None
    for _ in range(5):
        slug, tid = ecom.init_and_confirm(plan="Basic")
        proc = subprocess.Popen(run_cmd(json_out=False), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env)
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                if ecom.tenant_status(slug) == "Provisioning":
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.01)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        jobs = jobs_of(tid)
        if ecom.tenant_status(slug) == "Provisioning" and jobs and jobs[0][0] == "Running":
            caught = (slug, tid)
            break
        # too late (the run had finished the store's steps): it ends Ready; try again with another store
        if jobs and jobs[0][0] == "Running":   # killed between the last step and finishing the job
            wait_lease_expired(tid)
            run_json(env=LEASE_ENV)
            assert_ready(slug, tid, attempts=2)
        else:
            assert_ready(slug, tid)
    assert caught, "could not kill a run in the middle of a job in 5 attempts"
    slug, tid = caught
    assert int(jobs_of(tid)[0][1]) == 1, jobs_of(tid)

    # the dead runner's lease still holds: nobody takes the job
    body = run_json(env=LEASE_ENV)
    if ecom.sql_value(f"SELECT lease_until > UTC_TIMESTAMP() FROM provisioning_jobs WHERE tenant_id = {q(tid)}",
                      db=ecom.control_db()) == "1":
        assert tally(body) == (0, 0), body
        assert ecom.tenant_status(slug) == "Provisioning"

    wait_lease_expired(tid)
    body = run_json(env=LEASE_ENV)
    assert tally(body) == (1, 0), body
    assert_ready(slug, tid, attempts=2)
    resp = ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(slug))
    assert resp.status == 200 and resp.json()["items"], resp


def simulate_dead_runner(tid, slug, lease_sql):
    sql(f"UPDATE provisioning_jobs SET status = 'Running', lease_owner = 'dead', attempts = 1, "
        f"lease_until = {lease_sql} WHERE tenant_id = {q(tid)};\n"
        f"UPDATE tenants SET status = 'Provisioning' WHERE id = {q(tid)};\n"
        "INSERT INTO provisioning_steps (tenant_id, step, position, status, started_at) "
        f"VALUES ({q(tid)}, 'CreateDatabase', 0, 'InProgress', UTC_TIMESTAMP()) "
        "ON DUPLICATE KEY UPDATE status = 'InProgress', started_at = UTC_TIMESTAMP()", db=ecom.control_db())
    # the dead runner got as far as creating the schema
    sql(f"CREATE DATABASE IF NOT EXISTS `{schema_of(slug)}`")


def test_job_of_dead_runner_with_expired_lease_is_taken():
    slug, tid = ecom.init_and_confirm(plan="Premium")
    simulate_dead_runner(tid, slug, "UTC_TIMESTAMP() - INTERVAL 1 MINUTE")
    status = ecom.provision_status(tid).json()
    assert status["status"] == "Seeding", status
    assert status["steps"][0]["status"] == "InProgress", status
    ecom.assert_iso_utc(status["steps"][0]["startedAt"])
    body = run_json()
    assert tally(body) == (1, 0), body
    assert_ready(slug, tid, attempts=2)
    assert ecom.provision_status(tid).json()["status"] == "Ready"


def test_job_with_unexpired_lease_is_not_taken():
    slug, tid = ecom.init_and_confirm(plan="Premium")
    simulate_dead_runner(tid, slug, "UTC_TIMESTAMP() + INTERVAL 1 HOUR")
    body = run_json()
    assert tally(body) == (0, 0), body
    assert ecom.tenant_status(slug) == "Provisioning"
    jobs = jobs_of(tid)
    assert jobs[0][0] == "Running" and jobs[0][2] == "dead" and int(jobs[0][1]) == 1, jobs
    # once the lease has run out, the next run takes it
    sql(f"UPDATE provisioning_jobs SET lease_until = UTC_TIMESTAMP() - INTERVAL 1 SECOND "
        f"WHERE tenant_id = {q(tid)}", db=ecom.control_db())
    body = run_json()
    assert tally(body) == (1, 0), body
    assert_ready(slug, tid, attempts=2)


# --------------------------------------------------------------------------- failed step, then repair

def test_failing_step_leaves_store_failed_then_repair():
    slug, tid = ecom.init_and_confirm(plan="Premium")
    body = run_json(env={"ECOM_PATHS_TENANT_MIGRATIONS": BROKEN_DIR}, expect_rc=1)
    assert tally(body) == (0, 1), body
    assert ecom.tenant_status(slug) == "Failed"
    jobs = jobs_of(tid)
    assert len(jobs) == 1 and jobs[0][0] == "Failed", jobs

    resp = ecom.provision_status(tid)
    assert resp.status == 200, resp
    status = resp.json()
    assert status["status"] == "Failed", status
    assert status["tenantSlug"] is None and status["dbName"] is None, status
    create, migrate, seed = status["steps"]
    assert [s["step"] for s in status["steps"]] == STEPS, status
    assert create["status"] == "Success" and create["errorMessage"] is None, create
    assert migrate["status"] == "Failed", migrate
    assert isinstance(migrate["errorMessage"], str) and migrate["errorMessage"], migrate
    # anyone holding the provisioning id learns that the step failed, not the database's words
    assert BROKEN_NAME not in migrate["errorMessage"] and "SQL" not in migrate["errorMessage"], migrate
    assert "operators" in migrate["errorMessage"], migrate
    ecom.assert_iso_utc(migrate["startedAt"], "startedAt of the failed step")
    # the super admin and ecom-provision see the real error
    resp = ecom.http("GET", f"/superadmin/tenants/{slug}", headers=ecom.bearer(ecom.mint_superadmin_token()))
    assert resp.status == 200, resp
    detail = {s["step"]: s for s in resp.json()["steps"]}["ApplyMigrations"]
    assert detail["status"] == "Failed" and BROKEN_NAME in detail["errorMessage"], detail
    assert resp.json()["provisioningStatus"] == "Failed" and resp.json()["suspended"] is False, resp
    cli = json.loads(provision("--json", "status", slug).stdout)
    assert BROKEN_NAME in {s["step"]: s for s in cli["steps"]}["ApplyMigrations"]["errorMessage"], cli
    assert seed["status"] == "Pending" and seed["startedAt"] is None, seed

    resp = ecom.http("GET", "/api/features", headers=ecom.tenant_headers(slug))
    assert ecom.assert_problem(resp, 409)["title"] == "Tenant not ready"

    # a failed job is not retried by the next run
    assert tally(run_json()) == (0, 0)
    assert ecom.tenant_status(slug) == "Failed"

    proc = provision("repair", slug)
    assert proc.returncode == 0, describe(proc)
    assert ecom.tenant_status(slug) == "Ready"
    assert counts(slug) == REF_COUNTS
    status = ecom.provision_status(tid).json()
    assert status["status"] == "Ready" and status["tenantSlug"] == slug, status
    for s in status["steps"]:
        assert s["status"] == "Success" and s["errorMessage"] is None, s
    ecom.wait_tenant_cache()   # the workers cached the store as Failed above
    resp = ecom.http("GET", "/api/catalog/products", headers=ecom.tenant_headers(slug))
    assert resp.status == 200 and resp.json()["items"], resp
