"""Login and register cannot be used to burn CPU (CONTRACT §9): attempts per client address are
limited before the password hash runs (429 + Retry-After), through nginx with the stack's
defaults (auth.attempts_per_address_burst 20, 10 a minute). The client address is the
X-Forwarded-For the stack's trusted nginx passes on; every other request of the suite gets an
address of its own, so the fixed TEST-NET-2 addresses below are these tests' alone. Also: an
email too long for any account is a 400, never a 500."""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import assert_problem, q  # noqa: E402

S = None
BURST = 20        # auth.attempts_per_address_burst (default)
PER_MINUTE = 10   # auth.attempts_per_address_per_minute (default)


def setup_module():
    global S
    S = ecom.new_store("PREMIUM")


def post(path, body, address):
    return ecom.http("POST", path, headers={"X-Tenant-Slug": S, "X-Forwarded-For": address}, body=body)


def burst(path, body_of, address, n=40):
    """n attempts from one address, one after the other: (statuses, seconds each, elapsed)."""
    statuses, times = [], []
    started = time.monotonic()
    for i in range(n):
        t0 = time.monotonic()
        resp = post(path, body_of(i), address)
        times.append(time.monotonic() - t0)
        statuses.append(resp.status)
        if resp.status == 429:
            ecom.assert_429(resp, at_most=60)
    return statuses, times, time.monotonic() - started


def until_refused(path, body_of, address_of, most=60):
    """Attempts until the first 429, attempt i from address_of(i): (attempts before it, seconds taken)."""
    started = time.monotonic()
    for i in range(most):
        resp = post(path, body_of(i), address_of(i))
        if resp.status == 429:
            ecom.assert_429(resp, at_most=60)
            return i, time.monotonic() - started
        assert resp.status in (401, 201), resp
    raise AssertionError(f"no 429 after {most} attempts")


def allowance(seconds):
    """What a bucket lets through in `seconds`: its burst and what refilled meanwhile."""
    return BURST + int(seconds * PER_MINUTE / 60) + 1


def random_login(i):
    return {"email": acc.new_email("rnd"), "password": "guess 12345"}


def test_a_burst_of_logins_with_random_emails_from_one_address_is_cut_off():
    address = ecom.client_address(11)
    statuses, times, elapsed = burst(acc.LOGIN, random_login, address)
    hashed = statuses.count(401)
    refused = statuses.count(429)
    assert hashed + refused == len(statuses), statuses
    # The bucket: its burst, plus what refilled while the burst ran.
    assert BURST <= hashed <= allowance(elapsed), (hashed, elapsed, statuses)
    assert refused >= 10, statuses
    first = statuses.index(429)
    assert all(s == 401 for s in statuses[:first]), statuses
    # A refusal costs no hash: it is answered in a fraction of a hashed attempt's time.
    refusal = statistics.median(t for t, s in zip(times, statuses) if s == 429)
    hashed_time = statistics.median(t for t, s in zip(times, statuses) if s == 401)
    assert refusal < 0.5 * hashed_time, (refusal, hashed_time)
    # Another address is not affected.
    email = acc.new_email("other")
    assert post(acc.REGISTER, {"email": email, "password": acc.PASSWORD}, ecom.client_address(12)).status == 201
    assert post(acc.LOGIN, {"email": email, "password": acc.PASSWORD}, ecom.client_address(12)).status == 200
    # The limited address is refused even with the right password (the bucket refills one attempt
    # every 6 s, so one of these may just have come due).
    right = [post(acc.LOGIN, {"email": email, "password": acc.PASSWORD}, address).status for _ in range(3)]
    assert right.count(429) >= 2 and set(right) <= {200, 429}, right


def test_register_is_limited_per_address_too():
    address = ecom.client_address(13)
    tag = "burst" + ecom.unique_slug("r").split("-")[1]
    statuses, _, elapsed = burst(acc.REGISTER, lambda i: {"email": f"{tag}.{i}@example.com", "password": acc.PASSWORD},
                                 address, n=30)
    created = statuses.count(201)
    assert BURST <= created <= allowance(elapsed), statuses
    assert statuses.count(429) == len(statuses) - created, statuses
    # Nothing was stored for a refused registration.
    stored = ecom.sql_value(f"SELECT COUNT(*) FROM accounts WHERE email LIKE {q(tag + '.%')}", db=ecom.schema_of(S))
    assert int(stored) == created, (stored, created)


def test_login_and_register_share_one_allowance_per_address():
    address = ecom.client_address(14)
    n, took = until_refused(acc.LOGIN, random_login, lambda i: address)
    assert BURST <= n <= allowance(took), (n, took)
    # Registering from it at once is refused too (one may have just come due: see above).
    regs = [post(acc.REGISTER, {"email": acc.new_email("mix"), "password": acc.PASSWORD}, address).status
            for _ in range(3)]
    assert regs.count(429) >= 2 and set(regs) <= {201, 429}, regs


def test_an_ipv6_client_is_counted_by_its_64():
    # One subscriber usually holds a whole /64: changing the last 64 bits does not give a new allowance.
    n, took = until_refused(acc.LOGIN, random_login, lambda i: f"2001:db8:14:1::{i + 1:x}")
    assert BURST <= n <= allowance(took), (n, took)
    assert post(acc.LOGIN, random_login(0), "2001:db8:14:2::1").status == 401


def test_an_email_too_long_for_any_account_is_400_never_500():
    # 253 ASCII characters and an "é": 255 bytes, once cut at 254 bytes in the middle of the "é".
    address = ecom.client_address(15)
    email = "a" * 241 + "@example.com" + "é"
    assert len(email) == 254 and len(email.encode("utf-8")) == 255
    for candidate in (email, email.upper(), "  " + email + "  ", "b" * 300 + "@example.com"):
        resp = post(acc.LOGIN, {"email": candidate, "password": "whatever 1"}, address)
        body = assert_problem(resp, 400)
        assert "email" in body.get("errors", {}), body
    # At the limit (254 bytes) it is an ordinary login: 401 for an unknown email, 200 for an account.
    at_limit = "c" * 60 + "@" + "d" * 187 + ".comé"
    assert len(at_limit.encode("utf-8")) == 254
    assert post(acc.LOGIN, {"email": at_limit, "password": "whatever 1"}, address).status == 401
    assert post(acc.REGISTER, {"email": at_limit, "password": acc.PASSWORD}, address).status == 201
    assert post(acc.LOGIN, {"email": at_limit, "password": acc.PASSWORD}, address).status == 200
