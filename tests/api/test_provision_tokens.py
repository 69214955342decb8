"""CONTRACT §3 confirm: every way a confirm token can be wrong is a 401 Bearer challenge.

All rejected tokens target one pending init; the last tests confirm it with a token forged
in Python (proving the rejections neither consumed it nor depend on a broken secret helper)."""

import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402
from ecom import http, assert_problem, b64url, jwt_encode, q  # noqa: E402

CONFIRM = "/provision/tenants/confirm"
PENDING = {}  # slug, id, token


def setup_module():
    slug = ecom.unique_slug("tok")
    init = ecom.provision_init(slug, plan="Basic")
    PENDING.update(slug=slug, id=init["provisioningId"], token=init["confirmToken"])


def confirm_with(headers):
    return http("POST", CONFIRM, headers=headers)


def confirm_token(token):
    return confirm_with(ecom.bearer(token))


def assert_rejected(resp, what):
    try:
        ecom.assert_bearer_challenge(resp)
    except AssertionError as exc:
        raise AssertionError(f"{what}: {exc}")


def assert_still_pending():
    assert ecom.tenant_status(PENDING["slug"]) == "PendingConfirmation", ecom.tenant_status(PENDING["slug"])
    rows = ecom.sql(f"SELECT COUNT(*) FROM provisioning_jobs WHERE tenant_id = {q(PENDING['id'])}",
                    db=ecom.control_db())
    assert rows[0][0] == "0", "a rejected confirm queued a job"


def claims(**over):
    c = ecom.confirm_claims(PENDING["id"], PENDING["slug"])
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


# --------------------------------------------------------------------------- header problems

def test_missing_authorization_is_401():
    assert_rejected(confirm_with({}), "no Authorization header")
    assert_still_pending()


def test_not_a_bearer_scheme_is_401():
    token = PENDING["token"]
    for value in (f"Basic {token}", f"Token {token}", token, "Bearer", "Bearer ", f"Bearer  {token}x",
                  f"Bearer{token}", ""):
        assert_rejected(confirm_with({"Authorization": value}), f"Authorization {value[:20]!r}")
    assert_still_pending()


def test_garbage_tokens_are_401():
    for token in ("garbage", "a.b.c", "a.b", "...", "x" * 5000, "eyJ.eyJ.sig",
                  b64url("{}") + "." + b64url("{}") + ".", PENDING["token"] + ".extra",
                  PENDING["token"].rsplit(".", 1)[0]):
        assert_rejected(confirm_token(token), f"token {token[:30]!r}")
    assert_still_pending()


def test_header_and_payload_not_json_are_401():
    sig_key = ecom.token_secret("confirm")
    for header_raw, payload_raw in (("not json", json.dumps(claims())), (json.dumps({"alg": "HS256"}), "nope"),
                                    ("[]", json.dumps(claims())), (json.dumps({"alg": "HS256"}), "[1,2]")):
        signing_input = b64url(header_raw) + "." + b64url(payload_raw)
        token = signing_input + "." + ecom.jwt_sign(signing_input, sig_key)
        assert_rejected(confirm_token(token), f"header {header_raw!r} payload {payload_raw[:20]!r}")
    assert_still_pending()


# --------------------------------------------------------------------------- algorithm / signature

def test_alg_none_is_401():
    for header in ({"alg": "none", "typ": "JWT"}, {"alg": "None", "typ": "JWT"}, {"alg": "NONE"}):
        token = jwt_encode(claims(), None, alg="none", header=header)
        assert_rejected(confirm_token(token), f"alg {header['alg']}")
        # alg none with the real HS256 signature appended
        parts = token.split(".")
        real_sig = ecom.jwt_sign(parts[0] + "." + parts[1], ecom.token_secret("confirm"))
        assert_rejected(confirm_token(parts[0] + "." + parts[1] + "." + real_sig), "alg none + signature")
    assert_still_pending()


def test_other_algorithms_are_401():
    secret = ecom.token_secret("confirm")
    for alg in ("HS512", "HS384"):
        token = jwt_encode(claims(), secret, alg=alg)
        assert_rejected(confirm_token(token), alg)
    # an HS512 signature under a header claiming HS256
    token = jwt_encode(claims(), secret, alg="HS512", header={"alg": "HS256", "typ": "JWT"})
    assert_rejected(confirm_token(token), "HS256 header, HS512 signature")
    # RS256 header with an HMAC signature (key confusion)
    token = jwt_encode(claims(), secret, header={"alg": "RS256", "typ": "JWT"})
    assert_rejected(confirm_token(token), "RS256")
    # header without alg
    token = jwt_encode(claims(), secret, header={"typ": "JWT"})
    assert_rejected(confirm_token(token), "no alg")
    assert_still_pending()


def test_wrong_key_is_401():
    for key in ("wrong-key", ecom.token_secret("confirm") + "x", ecom.token_secret("superadmin"),
                ecom.token_secret("access"), ""):
        token = jwt_encode(claims(), key)
        assert_rejected(confirm_token(token), f"key {key[:10]!r}")
    assert_still_pending()


def test_tampered_payload_is_401():
    header, payload, sig = PENDING["token"].split(".")
    body = json.loads(ecom.b64url_decode(payload))
    for change in ({"slug": "someone-else"}, {"exp": body["exp"] + 3600}, {"sub": str(uuid.uuid4())},
                   {"typ": "provision-confirm", "extra": 1}):
        tampered = dict(body)
        tampered.update(change)
        token = header + "." + b64url(json.dumps(tampered, separators=(",", ":"))) + "." + sig
        assert_rejected(confirm_token(token), f"tampered {change}")
    # a flipped signature character
    flipped = sig[:-2] + ("A" if sig[-2] != "A" else "B") + sig[-1]
    assert_rejected(confirm_token(header + "." + payload + "." + flipped), "flipped signature")
    assert_still_pending()


# --------------------------------------------------------------------------- time / type

def test_expired_token_is_401():
    now = int(time.time())
    for iat, exp in ((now - 1000, now - 100), (now - 901, now - 1), (now - 3600, now - 2700)):
        token = jwt_encode(claims(iat=iat, exp=exp), ecom.token_secret("confirm"))
        assert_rejected(confirm_token(token), f"exp {exp - now:+d} s")
    assert_still_pending()


def test_exp_of_the_wrong_type_is_401():
    far = int(time.time()) + 3600
    for exp in (str(far), [far], {"t": far}, True):
        token = jwt_encode(claims(exp=exp), ecom.token_secret("confirm"))
        assert_rejected(confirm_token(token), f"exp {exp!r}")
    assert_still_pending()


def test_token_without_exp_is_401():
    token = jwt_encode(claims(exp=None), ecom.token_secret("confirm"))
    assert "exp" not in ecom.jwt_decode(token)[1]
    assert_rejected(confirm_token(token), "no exp")
    assert_still_pending()


def test_wrong_typ_is_401():
    secret = ecom.token_secret("confirm")
    # a real super-admin token
    assert_rejected(confirm_token(ecom.forge_superadmin_token()), "super-admin token")
    # a customer token
    assert_rejected(confirm_token(ecom.forge_customer_token(PENDING["slug"])), "customer token")
    # correctly signed with the confirm secret, other typ values
    for typ in ("access", "superadmin", "provision", "PROVISION-CONFIRM", None):
        token = jwt_encode(claims(typ=typ), secret)
        assert_rejected(confirm_token(token), f"typ {typ!r}")
    # the super-admin claims signed with the confirm secret
    sa = ecom.superadmin_claims()
    sa["sub"] = PENDING["id"]
    assert_rejected(confirm_token(jwt_encode(sa, secret)), "super-admin claims, confirm key")
    assert_still_pending()


# --------------------------------------------------------------------------- unknown tenant, then the real thing

def test_unknown_provisioning_id_is_404():
    for sub in (str(uuid.uuid4()), str(uuid.uuid4())):
        token = ecom.forge_confirm_token(sub, ecom.unique_slug("ghost"))
        assert_problem(confirm_token(token), 404)
    assert_still_pending()


def test_forged_valid_token_confirms():
    token = ecom.forge_confirm_token(PENDING["id"], PENDING["slug"])
    resp = confirm_token(token)
    assert resp.status == 200, resp
    body = resp.json()
    assert body["provisioningId"] == PENDING["id"] and body["status"] == "QUEUED", body
    assert body["statusEndpoint"] == f"/provision/tenants/{PENDING['id']}/status", body


def test_original_token_after_confirm_is_400():
    # The original token is still correctly signed and unexpired: the tenant is no longer pending.
    body = assert_problem(confirm_token(PENDING["token"]), 400)
    assert body["detail"], body


def test_confirmed_store_becomes_ready():
    body = ecom.wait_status(PENDING["id"], timeout=15)
    assert body["tenantSlug"] == PENDING["slug"], body
