"""Self-service sign-up cannot flood the platform (CONTRACT §9): inits and confirms per client
address and per hour in total, and the stores waiting in the queue, are limited (429 +
Retry-After, nothing created); operators' creates never are.

Per-address limits run through the stack's nginx with their defaults (10 inits, 5 confirms an
hour), the client named by X-Forwarded-For (the stack trusts its nginx on 127.0.0.1). The global
limits, which the stack raises for the suite, run on private masters sharing the stack's database,
with limits set just above what the window already holds."""

import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import fcgi_client  # noqa: E402
from ecom import q, sql_value  # noqa: E402
from test_master import Master  # noqa: E402

INIT = "/provision/tenants/init"
CONFIRM = "/provision/tenants/confirm"


# --------------------------------------------------------------------------- helpers

def control(query):
    return ecom.sql(query, db=ecom.control_db())


def in_window(kind):
    return int(sql_value(f"SELECT COUNT(*) FROM signup_events WHERE kind = {q(kind)} "
                         "AND created_at > UTC_TIMESTAMP(3) - INTERVAL 1 HOUR", db=ecom.control_db()))


def queued():
    return int(sql_value("SELECT COUNT(*) FROM tenants WHERE status IN ('Queued', 'Provisioning')",
                         db=ecom.control_db()))


# what ecom.tenant_row() reads of a store's row in tenants
TENANT_COLUMNS = "status, created_by, signup_client"


def init_body(slug):
    return {"slug": slug, "name": f"Store {slug}", "plan": "Basic"}


def stack_init(slug, address):
    return ecom.http("POST", INIT, headers={"X-Forwarded-For": address}, body=init_body(slug))


def stack_confirm(token, address):
    return ecom.http("POST", CONFIRM, headers={"X-Forwarded-For": address, **ecom.bearer(token)})


class Direct:
    """Requests straight to a private master, REMOTE_ADDR chosen per request."""

    def __init__(self, m):
        self.m = m

    def __call__(self, method, path, remote, body=None, headers=None):
        status, hdrs, raw = fcgi_client.call(self.m.sock, method, path, body, headers=headers, remote=remote)
        return ecom.Response(method, path, status, ecom.Headers(hdrs.items()), raw)

    def init(self, slug, remote):
        return self("POST", INIT, remote, init_body(slug))

    def confirm(self, token, remote):
        return self("POST", CONFIRM, remote, headers=ecom.bearer(token))


def limited_master(**signup):
    """A private master with [signup] keys set (ECOM_SIGNUP_<KEY>) and no trusted proxies."""
    env = {"ECOM_SIGNUP_" + k.upper(): v for k, v in signup.items()}
    m = Master(workers=4, trusted_proxies="", env=env)
    return m, Direct(m)


def pending_token(address=None):
    """A fresh PendingConfirmation sign-up made through the stack: (slug, confirmToken)."""
    slug = ecom.unique_slug("sl")
    resp = stack_init(slug, address or ecom.random_client_address())
    assert resp.status == 200, resp
    return slug, resp.json()["confirmToken"]


# --------------------------------------------------------------------------- per address (stack defaults)

def test_a_person_can_sign_up_a_few_stores_from_one_address():
    address = ecom.client_address(21)
    ids = []
    for _ in range(3):
        slug = ecom.unique_slug("few")
        init = stack_init(slug, address)
        assert init.status == 200, init
        assert stack_confirm(init.json()["confirmToken"], address).status == 200
        ids.append(init.json()["provisioningId"])
        assert ecom.tenant_row(slug, TENANT_COLUMNS)[1:] == ["signup", address]
    for pid in ids:
        ecom.wait_status(pid)


def test_inits_over_the_per_address_limit_are_429_and_create_nothing():
    address = ecom.client_address(22)
    for i in range(10):
        assert stack_init(ecom.unique_slug("pa"), address).status == 200, i
    slug = ecom.unique_slug("pa")
    body, _ = ecom.assert_429(stack_init(slug, address))
    assert "address" in body["detail"], body
    assert ecom.tenant_row(slug, TENANT_COLUMNS) is None, "a refused init created a tenant"
    count = int(sql_value(f"SELECT COUNT(*) FROM signup_events WHERE client = {q(address)}", db=ecom.control_db()))
    assert count == 10, f"{count} events for {address}: a refused init must not be counted"
    # Another address is not affected.
    assert stack_init(ecom.unique_slug("pa"), ecom.client_address(23)).status == 200


def test_attempts_that_create_nothing_do_not_count():
    address = ecom.client_address(24)
    taken = ecom.unique_slug("tk")
    assert stack_init(taken, address).status == 200
    for _ in range(12):
        assert stack_init(taken, address).status == 409          # slug taken: nothing created
        assert ecom.http("POST", INIT, headers={"X-Forwarded-For": address},
                         body={"slug": "x", "name": "", "plan": "Gold"}).status == 400
    assert stack_init(ecom.unique_slug("tk"), address).status == 200


def test_confirms_over_the_per_address_limit_are_429_and_queue_nothing():
    address = ecom.client_address(25)
    tokens = [pending_token() for _ in range(6)]
    for slug, token in tokens[:5]:
        assert stack_confirm(token, address).status == 200, slug
    slug, token = tokens[5]
    ecom.assert_429(stack_confirm(token, address))
    assert ecom.tenant_row(slug, TENANT_COLUMNS)[0] == "PendingConfirmation"
    tid = ecom.tenant_id(slug)
    assert sql_value(f"SELECT COUNT(*) FROM provisioning_jobs WHERE tenant_id = {q(tid)}", db=ecom.control_db()) == "0"
    # The same token works from another address (it is the address that is limited).
    assert stack_confirm(token, ecom.client_address(26)).status == 200


# --------------------------------------------------------------------------- the client address

def test_the_client_address_is_the_peer_unless_the_peer_is_a_trusted_proxy():
    # Through the stack's nginx (127.0.0.1, trusted): the X-Forwarded-For it passes on.
    slug = ecom.unique_slug("ca")
    assert stack_init(slug, "198.51.100.200").status == 200
    assert ecom.tenant_row(slug, TENANT_COLUMNS)[2] == "198.51.100.200"
    m = Master(workers=1, trusted_proxies="10.0.0.0/8, 2001:db8:ffff::/48")
    try:
        d = Direct(m)
        cases = [
            ("198.51.100.7", {"X-Forwarded-For": "203.0.113.5"}, "198.51.100.7"),    # untrusted peer
            ("10.1.1.1", {"X-Forwarded-For": "203.0.113.5, 10.2.2.2"}, "203.0.113.5"),
            ("10.1.1.1", {"X-Forwarded-For": "198.51.100.9, 203.0.113.6, 10.2.2.2"}, "203.0.113.6"),
            ("10.1.1.1", {"X-Real-IP": "203.0.113.8"}, "203.0.113.8"),
            ("10.1.1.1", {}, "10.1.1.1"),
            ("2001:db8:ffff::1", {"X-Forwarded-For": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::/64"),
        ]
        for remote, headers, expected in cases:
            slug = ecom.unique_slug("ca")
            resp = d("POST", INIT, remote, init_body(slug), headers=headers)
            assert resp.status == 200, resp
            assert ecom.tenant_row(slug, TENANT_COLUMNS)[2] == expected, (remote, headers, ecom.tenant_row(slug, TENANT_COLUMNS))
    finally:
        m.stop()


# --------------------------------------------------------------------------- global limits (private masters)
# The private masters' clients come from the IPv6 documentation prefix 2001:db8::/32, a /64 of
# their own each (the application counts an IPv6 client by its /64), under a /48 drawn once per
# run. Requests that name no address get one of 192.0.2.0/24 or 203.0.113.0/24 at random
# (http_client.random_client_address), and a sign-up one of them made from the same address
# within the hour would count against these tests' per-address limits.
_RUN_PREFIX = f"2001:db8:{random.randrange(1, 0x10000):x}"


def private_client(n):
    return f"{_RUN_PREFIX}:{n:x}::1"


def test_refused_attempts_do_not_fill_the_global_window():
    """One address hammering at its own limit leaves the hour's total to everyone else."""
    m, d = limited_master(inits_per_address_per_hour=2, inits_per_hour=in_window("init") + 4)
    try:
        abuser = [d.init(ecom.unique_slug("ab"), private_client(31)).status for _ in range(12)]
        assert abuser.count(200) == 2 and abuser.count(429) == 10, abuser
        assert d.init(ecom.unique_slug("ok"), private_client(32)).status == 200
        assert d.init(ecom.unique_slug("ok"), private_client(33)).status == 200
        slug = ecom.unique_slug("gl")
        body, _ = ecom.assert_429(d.init(slug, private_client(34)))
        assert "this hour" in body["detail"], body
        assert ecom.tenant_row(slug, TENANT_COLUMNS) is None
    finally:
        m.stop()


def test_the_global_confirm_limit():
    m, d = limited_master(confirms_per_hour=in_window("confirm") + 1)
    try:
        (s1, t1), (s2, t2) = pending_token(), pending_token()
        assert d.confirm(t1, private_client(41)).status == 200
        ecom.assert_429(d.confirm(t2, private_client(42)))
        assert ecom.tenant_row(s2, TENANT_COLUMNS)[0] == "PendingConfirmation"
    finally:
        m.stop()


def test_the_queue_cap_holds_under_parallel_confirms():
    ecom.stop_provision_loop()
    try:
        m, d = limited_master(max_queued=queued() + 3)
        try:
            tokens = [pending_token() for _ in range(8)]
            results = [None] * len(tokens)

            def confirm(i):
                results[i] = d.confirm(tokens[i][1], private_client(50 + i))

            threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(tokens))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            statuses = [r.status for r in results]
            assert statuses.count(200) == 3 and statuses.count(429) == 5, statuses
            for (slug, _), resp in zip(tokens, results):
                if resp.status == 429:
                    ecom.assert_429(resp, at_most=60)
                    assert ecom.tenant_row(slug, TENANT_COLUMNS)[0] == "PendingConfirmation"
        finally:
            m.stop()
    finally:
        ecom.start_provision_loop()


def test_operators_are_never_limited():
    m, d = limited_master(inits_per_address_per_hour=1, confirms_per_address_per_hour=1,
                          inits_per_hour=1, confirms_per_hour=1, max_queued=1)
    try:
        d.init(ecom.unique_slug("no"), private_client(60))  # uses up the allowance of 1 (unless the hour has)
        ecom.assert_429(d.init(ecom.unique_slug("no"), private_client(60)))  # the limits are on
        token = ecom.mint_superadmin_token()
        for _ in range(2):
            slug = ecom.unique_slug("op")
            resp = d("POST", "/superadmin/tenants", private_client(60), {"slug": slug, "name": "Op", "planCode": "BASIC"},
                     headers=ecom.bearer(token))
            assert resp.status == 201, resp
            assert ecom.tenant_row(slug, TENANT_COLUMNS)[:2] == ["Ready", "operator"]
        slug = ecom.new_store("BASIC")
        assert ecom.tenant_row(slug, TENANT_COLUMNS)[:2] == ["Ready", "operator"]
    finally:
        m.stop()
