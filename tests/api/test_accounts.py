"""Customer accounts (CONTRACT §9): register, login, the access token, GET /api/auth/me and
every way a forged or misplaced token is refused."""

import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
import accounts as acc  # noqa: E402
import shop  # noqa: E402
from ecom import http, assert_problem  # noqa: E402
from accounts import assert_401, assert_field_error, h  # noqa: E402

S = None          # the store under test
OTHER = None      # a second store (tokens must not cross)
ALICE = None      # registered in setup: {email (as typed), password, account, token}


def setup_module():
    global S, OTHER, ALICE
    S = ecom.new_store("PREMIUM")
    OTHER = ecom.new_store("PREMIUM")
    email = "Alice." + uuid.uuid4().hex[:8] + "@Example.COM"
    resp = acc.register(S, email, acc.PASSWORD, "  Alice Liddell  ")
    assert resp.status == 201, resp
    ALICE = {"email": email, "password": acc.PASSWORD, "resp": resp, "account": resp.json()}
    ALICE["token"] = acc.login_token(S, email.lower())


# --------------------------------------------------------------------------- register

def test_register_201_with_the_account():
    resp = ALICE["resp"]
    body = ALICE["account"]
    assert set(body) == acc.ACCOUNT_KEYS, body
    assert ecom.UUID_V4_RE.match(body["id"]), body
    assert body["email"] == ALICE["email"].lower(), body
    assert body["name"] == "Alice Liddell", body
    assert body["role"] == "customer", body
    ecom.assert_iso_utc(body["createdAt"], "createdAt")
    assert resp.headers.get("Location"), f"no Location: {resp.headers!r}"
    assert "application/json" in (resp.headers.get("Content-Type") or ""), resp.headers
    ecom.assert_request_id(resp)
    assert "password" not in resp.text and acc.PASSWORD not in resp.text, resp.text


def test_register_without_name_has_null_name_and_8_char_password_is_enough():
    email = acc.new_email("noname")
    body = acc.register_ok(S, email, "12345678")
    assert body["name"] is None and body["email"] == email and body["role"] == "customer", body
    assert acc.login(S, email, "12345678").status == 200


def test_email_taken_is_409_case_insensitively():
    for email in (ALICE["email"], ALICE["email"].lower(), ALICE["email"].upper()):
        resp = acc.register(S, email, "another password")
        assert_problem(resp, 409)
    # the same email is free in another store
    other = acc.register(OTHER, ALICE["email"], "another password")
    assert other.status == 201, other


def test_concurrent_registrations_of_one_email_exactly_one_wins():
    email = acc.new_email("race")
    results = shop.parallel([lambda i=i: acc.register(S, email.upper() if i % 2 else email, f"password-{i}")
                             for i in range(4)])
    codes = sorted(shop.statuses(results))
    assert codes == [201, 409, 409, 409], codes
    rows = ecom.sql(f"SELECT COUNT(*) FROM accounts WHERE email = {ecom.q(email)}", db=ecom.schema_of(S))
    assert rows[0][0] == "1", rows


def test_password_length_rules():
    for pw in ("", "1234567", "seven77", "x" * 129):
        resp = acc.register(S, acc.new_email("pw"), pw)
        assert_field_error(resp, "password")
    for body in ({"email": acc.new_email("pw")}, {"email": acc.new_email("pw"), "password": 12345678},
                 {"email": acc.new_email("pw"), "password": None}):
        assert_field_error(acc.register(S, None, body=body), "password")
    # 128 characters are fine
    email = acc.new_email("long")
    assert acc.register(S, email, "p" * 128).status == 201


def test_invalid_email_is_400():
    email255 = "a" * 64 + "@" + "b" * 61 + "." + "c" * 60 + "." + "d" * 63 + ".com"
    assert len(email255) == 255
    for email in ("", "plainaddress", "@example.com", "user@", "a b@example.com", "a@@example.com",
                  "user@host", email255, 12345, True, None):
        body = {"password": acc.PASSWORD}
        if email is not None:
            body["email"] = email
        assert_field_error(acc.register(S, None, body=body), "email")


def test_invalid_name_is_400():
    for name in ("", "   ", "n" * 201, 42, ["Bob"]):
        resp = acc.register(S, acc.new_email("name"), body={"email": acc.new_email("name"),
                                                           "password": acc.PASSWORD, "name": name})
        assert_field_error(resp, "name")


def test_register_bad_bodies_and_tenant():
    hdr = h(S, **{"Content-Type": "application/json"})
    for raw in ("{", "[]", "\"x\"", ""):
        assert_problem(http("POST", acc.REGISTER, headers=hdr, raw_body=raw), 400)
    hdr["Content-Type"] = "text/plain"
    assert_problem(http("POST", acc.REGISTER, headers=hdr,
                        raw_body='{"email":"a@example.com","password":"12345678"}'), 415)
    resp = http("POST", acc.REGISTER, body={"email": acc.new_email(), "password": acc.PASSWORD})
    assert assert_problem(resp, 409)["title"] == "Tenant not resolved"
    assert_problem(http("GET", acc.REGISTER, headers=h(S)), 405)


def test_nothing_is_stored_for_a_rejected_registration():
    email = acc.new_email("rejected")
    assert acc.register(S, email, "short").status == 400
    assert acc.register(S, email, acc.PASSWORD, name="").status == 400
    rows = ecom.sql(f"SELECT COUNT(*) FROM accounts WHERE email = {ecom.q(email)}", db=ecom.schema_of(S))
    assert rows[0][0] == "0", rows


def test_password_is_stored_hashed():
    rows = ecom.sql(f"SELECT password_hash FROM accounts WHERE id = {ecom.q(ALICE['account']['id'])}",
                    db=ecom.schema_of(S))
    stored = rows[0][0]
    assert stored and acc.PASSWORD not in stored, stored


# --------------------------------------------------------------------------- login

def test_login_200_with_a_bearer_token():
    resp = acc.login(S, ALICE["email"].upper())       # email is case-insensitive
    assert resp.status == 200, resp
    body = resp.json()
    assert set(body) == acc.LOGIN_KEYS, body
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == 3600, body
    assert isinstance(body["accessToken"], str) and body["accessToken"].count(".") == 2, body


def test_access_token_is_hs256_with_the_documented_claims():
    before = int(time.time())
    token = acc.login_token(S, ALICE["email"])
    after = int(time.time())
    header, payload = ecom.jwt_decode(token)
    assert header.get("alg") == "HS256", header
    assert ecom.jwt_verify(token, ecom.token_secret("access")), "not signed with the access secret"
    assert payload.get("sub") == ALICE["account"]["id"], payload
    assert payload.get("tenant") == S, payload
    assert payload.get("role") == "customer", payload
    assert payload.get("typ") == "access", payload
    assert isinstance(payload.get("iat"), int) and before - 2 <= payload["iat"] <= after + 2, payload
    assert payload.get("exp") == payload["iat"] + 3600, payload


def test_wrong_password_and_unknown_email_are_the_same_401():
    wrong = acc.login(S, ALICE["email"], "not the password")
    unknown = acc.login(S, acc.new_email("ghost"), "not the password")
    b1, b2 = assert_401(wrong), assert_401(unknown)
    assert b1["detail"] == b2["detail"] and b1["title"] == b2["title"], (b1, b2)
    assert "accessToken" not in wrong.text
    # the right password still works afterwards (a couple of failures do not lock the account)
    assert acc.login(S, ALICE["email"]).status == 200


def test_login_in_another_store_is_401():
    # ALICE exists only in S (OTHER has a different account with her email and another password)
    assert_401(acc.login(OTHER, ALICE["email"], ALICE["password"]))


def test_login_validation():
    for body in ({}, {"email": ALICE["email"]}, {"password": acc.PASSWORD}, {"email": 5, "password": acc.PASSWORD},
                 {"email": ALICE["email"], "password": 12345678}):
        assert_problem(acc.login(S, None, body=body), 400)
    resp = http("POST", acc.LOGIN, headers=h(S, **{"Content-Type": "application/json"}), raw_body="{")
    assert_problem(resp, 400)


# --------------------------------------------------------------------------- me

def test_me_returns_the_account():
    resp = acc.me(S, ALICE["token"])
    assert resp.status == 200, resp
    body = resp.json()
    assert body == ALICE["account"], (body, ALICE["account"])


def test_me_without_or_with_a_malformed_authorization_is_401():
    assert_401(http("GET", acc.ME, headers=h(S)))
    for value in ("", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", f"Token {ALICE['token']}",
                  "Bearer not-a-jwt", "Bearer a.b.c", f"Bearer {ALICE['token']}x"):
        resp = http("GET", acc.ME, headers={"X-Tenant-Slug": S, "Authorization": value})
        assert_401(resp)


def test_token_of_one_store_is_401_on_another():
    assert_401(acc.me(OTHER, ALICE["token"]))
    # even signed with the real secret: tenant claim of S, used on OTHER
    forged = acc.forge_access(S, ALICE["account"]["id"])
    assert acc.me(S, forged).status == 200        # control: the forging helper is right
    assert_401(acc.me(OTHER, forged))


def test_forged_tokens_are_401():
    sub = ALICE["account"]["id"]
    good = ALICE["token"]
    _, claims = ecom.jwt_decode(good)
    header_none = ecom.b64url(ecom._compact({"alg": "none", "typ": "JWT"}))
    body_part = good.split(".")[1]
    cases = {
        "alg none": acc.forge_access(S, sub, alg="none"),
        "alg none with the real payload": header_none + "." + body_part + ".",
        "alg none with the real signature": header_none + "." + body_part + "." + good.split(".")[2],
        "wrong key": acc.forge_access(S, sub, key="x" * 64),
        "HS512 with the real key": acc.forge_access(S, sub, alg="HS512"),
        "tampered role": acc.tamper_payload(good, role="admin"),
        "tampered sub": acc.tamper_payload(good, sub=str(uuid.uuid4())),
        "tampered tenant": acc.tamper_payload(good, tenant=OTHER),
        "tampered exp": acc.tamper_payload(good, exp=claims["exp"] + 86400),
        "expired": acc.forge_access(S, sub, iat=int(time.time()) - 7200, ttl=3600),
        "super-admin token": ecom.forge_superadmin_token(),
        "super-admin token minted by the CLI": ecom.mint_superadmin_token(),
        "confirm token": ecom.forge_confirm_token(str(uuid.uuid4()), S),
        "access claims signed with the super-admin secret":
            acc.forge_access(S, sub, key=ecom.token_secret("superadmin")),
        "access claims signed with the confirm secret":
            acc.forge_access(S, sub, key=ecom.token_secret("confirm")),
        "wrong typ": acc.forge_access(S, sub, typ="provision-confirm"),
        "no tenant": acc.forge_access(None, sub),
        "unknown role": acc.forge_access(S, sub, role="superadmin"),
        "sub not an account": acc.forge_access(S, str(uuid.uuid4())),
        "no exp": ecom.jwt_encode({"sub": sub, "tenant": S, "role": "customer", "typ": "access",
                                   "iat": int(time.time())}, ecom.token_secret("access")),
        "exp as a string": acc.forge_access(S, sub, exp=str(int(time.time()) + 600)),
    }
    for what, token in cases.items():
        resp = acc.me(S, token)
        assert resp.status == 401, f"{what}: {resp!r}"
        assert_401(resp)
    # control: a correct forgery with the real secret is accepted
    assert acc.me(S, acc.forge_access(S, sub)).status == 200


def test_me_is_tenant_scoped():
    resp = http("GET", acc.ME, headers={"Authorization": f"Bearer {ALICE['token']}"})
    assert assert_problem(resp, 409)["title"] == "Tenant not resolved"
    assert_problem(http("POST", acc.ME, headers=h(S, ALICE["token"]), body={}), 405)
