"""Assertions shared by the black-box tests: Problem responses, request ids, timestamps, money.
Standard library only.
"""

import re
from decimal import Decimal, ROUND_HALF_UP

UUID_V4_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO_UTC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def assert_problem(resp, status):
    """Checks an RFC 9457 Problem response and returns its body."""
    assert resp.status == status, f"expected status {status}, got {resp!r}"
    ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    assert ctype == "application/problem+json", \
        f"expected Content-Type application/problem+json, got {resp.headers.get('Content-Type')!r}: {resp!r}"
    body = resp.json()
    assert isinstance(body, dict), f"problem body is not an object: {resp!r}"
    assert isinstance(body.get("title"), str) and body["title"], f"problem without title: {body!r}"
    assert body.get("status") == status, f"problem status {body.get('status')!r} != {status}: {body!r}"
    assert isinstance(body.get("detail"), str), f"problem without detail: {body!r}"
    assert body.get("instance") == resp.request_path, \
        f"problem instance {body.get('instance')!r} != {resp.request_path!r}: {body!r}"
    return body


def assert_request_id(resp, expected=None):
    rid = resp.headers.get("X-Request-Id")
    assert rid, f"no X-Request-Id on {resp!r} (headers {resp.headers!r})"
    if expected is not None:
        assert rid == expected, f"X-Request-Id {rid!r} != {expected!r}"
    return rid


def assert_iso_utc(value, what="timestamp"):
    assert isinstance(value, str) and ISO_UTC_RE.match(value), f"{what} not YYYY-MM-DDTHH:MM:SSZ: {value!r}"


def round2(value):
    """Half away from zero to 2 places (Decimal's ROUND_HALF_UP rounds away from zero)."""
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def dec(value):
    """A JSON number (int/float/Decimal) or SQL text as a Decimal with 2 places."""
    if isinstance(value, bool):
        raise AssertionError(f"expected a number, got a boolean {value!r}")
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value)).quantize(Decimal("0.01"))


def assert_validation(resp, *fields, status=400, only=False):
    """A Problem (400 unless `status`) whose `errors` object names every given field, each with a
    non-empty list of non-empty messages; only=True: no other field. Returns the body."""
    body = assert_problem(resp, status)
    errors = body.get("errors")
    assert isinstance(errors, dict) and errors, f"no errors object: {body!r}"
    for field in fields:
        assert field in errors, f"errors lacks {field!r}: {body!r}"
        msgs = errors[field]
        assert isinstance(msgs, list) and msgs and all(isinstance(m, str) and m for m in msgs), body
    if only:
        assert set(errors) == set(fields), f"only {sorted(fields)!r} expected: {body!r}"
    return body


def assert_429(resp, at_most=3600):
    """A 429 Problem whose Retry-After is whole seconds, 1 to `at_most`; returns (body, seconds)."""
    body = assert_problem(resp, 429)
    ra = resp.headers.get("Retry-After")
    assert ra is not None and ra.isdigit() and 1 <= int(ra) <= at_most, \
        f"Retry-After {ra!r} not whole seconds in 1..{at_most}: {resp!r}"
    return body, int(ra)
