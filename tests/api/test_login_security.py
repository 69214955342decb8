"""Login hardening (CONTRACT §9): unknown emails cost about as much as wrong passwords, and more
than 10 failed logins for one email within 15 minutes lock that email out (429 + Retry-After)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import accounts as acc  # noqa: E402
from ecom import q  # noqa: E402
from accounts import assert_401  # noqa: E402

S = None
TIMED = None      # account used for the timing test
VICTIM = None     # account locked out by the throttling test
BYSTANDER = None  # another account of the same store


def setup_module():
    global S, TIMED, VICTIM, BYSTANDER
    S = ecom.new_store("PREMIUM")
    TIMED = acc.new_email("timed")
    VICTIM = acc.new_email("victim")
    BYSTANDER = acc.new_email("bystander")
    for email in (TIMED, VICTIM, BYSTANDER):
        acc.register_ok(S, email)


def assert_429(resp):
    """A login refused by the lock-out: Retry-After up to 15 minutes, and no token."""
    _, retry = ecom.assert_429(resp, at_most=15 * 60)
    assert "accessToken" not in resp.text
    return retry


def test_unknown_email_takes_about_as_long_as_a_wrong_password():
    # warm both paths once (connection set-up, caches)
    acc.login(S, TIMED, "wrong password 0")
    acc.login(S, acc.new_email("nobody"), "wrong password 0")

    def wrong_password():
        assert acc.login(S, TIMED, "wrong password 1").status == 401

    def unknown_email():
        assert acc.login(S, acc.new_email("nobody"), "wrong password 1").status == 401

    t_wrong = acc.median_seconds(wrong_password, 3)
    t_unknown = acc.median_seconds(unknown_email, 3)
    assert t_unknown >= 0.4 * t_wrong, \
        f"unknown email {t_unknown * 1000:.0f} ms vs wrong password {t_wrong * 1000:.0f} ms: timing tells them apart"
    # the account still signs in (5 failures are below the limit); success clears the count
    assert acc.login(S, TIMED).status == 200


def test_more_than_10_failures_lock_the_email():
    for i in range(10):
        # the email is case-insensitive for counting too
        email = VICTIM.upper() if i % 2 else VICTIM
        assert_401(acc.login(S, email, f"wrong password {i}"))
    # the 11th attempt, even with the right password, is refused
    retry = assert_429(acc.login(S, VICTIM))
    assert retry <= 900
    assert_429(acc.login(S, VICTIM.upper(), "still wrong"))
    assert_429(acc.login(S, VICTIM))
    # another email of the same store is unaffected
    assert acc.login(S, BYSTANDER).status == 200


def test_lock_ends_when_the_failures_are_older_than_15_minutes():
    s = ecom.schema_of(S)
    rows = ecom.sql(f"SELECT COUNT(*) FROM login_failures WHERE email = {q(VICTIM)}", db=s)
    assert int(rows[0][0]) >= 10, rows
    assert_429(acc.login(S, VICTIM))
    # age the failures: the window is 15 minutes
    ecom.sql(f"UPDATE login_failures SET failed_at = failed_at - INTERVAL 16 MINUTE WHERE email = {q(VICTIM)}", db=s)
    resp = acc.login(S, VICTIM)
    assert resp.status == 200, resp


def test_failures_of_unknown_emails_are_throttled_too():
    # 10 failures recorded for an email that has no account: the 11th attempt is 429 as well,
    # so the 429 does not reveal whether the account exists.
    ghost = acc.new_email("ghost")
    s = ecom.schema_of(S)
    ecom.sql(";".join([f"INSERT INTO login_failures (email) VALUES ({q(ghost)})"] * 10), db=s)
    assert_429(acc.login(S, ghost, "whatever1"))
    ecom.sql(f"DELETE FROM login_failures WHERE email = {q(ghost)}", db=s)
