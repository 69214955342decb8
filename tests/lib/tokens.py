"""Tokens (JWT HS256): the stack's signing secrets, encoding, decoding, forging and minting.
Standard library only.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid

from assertions import assert_problem
from processes import describe, provision
from stack_env import config_value, secrets


# Secret kind -> (secrets.env key, [auth] key of ecom.conf)
_TOKEN_SECRETS = {
    "confirm": ("ECOM_CONFIRM_TOKEN_SECRET", "confirm_token_secret"),
    "superadmin": ("ECOM_SUPERADMIN_TOKEN_SECRET", "superadmin_token_secret"),
    "access": ("ECOM_ACCESS_TOKEN_SECRET", "access_token_secret"),
}


def token_secret(kind):
    """The stack's signing secret of a kind (confirm | superadmin | access), as text.

    From $ECOM_VAR_DIR/secrets.env, else from ecom.conf's [auth] section (whose environment
    override ECOM_AUTH_<KEY> wins there)."""
    env_key, conf_key = _TOKEN_SECRETS[kind]
    try:
        value = secrets().get(env_key)
    except OSError:
        value = None
    if not value:
        value = config_value("auth", conf_key)
    if not value:
        raise AssertionError(f"no {kind} token secret ({env_key} in secrets.env, [auth] {conf_key})")
    return value


def b64url(data):
    """base64url without padding (bytes or str in, str out)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    text = text.encode("ascii") if isinstance(text, str) else text
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def _compact(obj):
    return json.dumps(obj, separators=(",", ":"))


_HMAC_ALGS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def jwt_sign(signing_input, key, alg="HS256"):
    """The base64url signature of `header.payload` with an HMAC algorithm."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    digest = hmac.new(key, signing_input.encode("ascii"), _HMAC_ALGS[alg]).digest()
    return b64url(digest)


def jwt_encode(payload, key, alg="HS256", header=None):
    """A compact JWT. key: secret text/bytes (None for alg "none": empty signature).

    header defaults to {"alg": alg, "typ": "JWT"}."""
    header = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = b64url(_compact(header)) + "." + b64url(_compact(payload))
    if alg == "none" or key is None:
        return signing_input + "."
    return signing_input + "." + jwt_sign(signing_input, key, alg)


def jwt_decode(token):
    """(header, payload) of a compact JWT, without checking the signature."""
    parts = token.split(".")
    assert len(parts) == 3, f"not a compact JWT: {token!r}"
    return json.loads(b64url_decode(parts[0])), json.loads(b64url_decode(parts[1]))


def jwt_verify(token, key, alg="HS256"):
    """True when the token's signature is the HMAC of its first two parts with key."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    return hmac.compare_digest(parts[2], jwt_sign(parts[0] + "." + parts[1], key, alg))


def forge_token(kind, claims=None, ttl=900, iat=None, alg="HS256", key=None, header=None, **extra):
    """A JWT signed with the stack's secret of `kind` (or `key`), iat = now, exp = iat + ttl.

    claims: the base claims (iat/exp are added unless present); extra: more claims."""
    now = int(time.time()) if iat is None else int(iat)
    payload = {}
    payload.update(claims or {})
    payload.update(extra)
    payload.setdefault("iat", now)
    payload.setdefault("exp", now + ttl)
    return jwt_encode(payload, key if key is not None else token_secret(kind), alg=alg, header=header)


def confirm_claims(provisioning_id, slug, ttl=900, iat=None):
    now = int(time.time()) if iat is None else int(iat)
    return {"sub": provisioning_id, "slug": slug, "typ": "provision-confirm", "iat": now,
            "exp": now + ttl, "jti": str(uuid.uuid4())}


def superadmin_claims(ttl=3600, iat=None):
    now = int(time.time()) if iat is None else int(iat)
    return {"sub": "superadmin", "role": "superadmin", "typ": "superadmin", "iat": now,
            "exp": now + ttl, "jti": str(uuid.uuid4())}


def customer_claims(tenant, sub=None, ttl=3600, iat=None):
    now = int(time.time()) if iat is None else int(iat)
    return {"sub": sub or str(uuid.uuid4()), "tenant": tenant, "role": "customer", "typ": "access",
            "iat": now, "exp": now + ttl}


def forge_confirm_token(provisioning_id, slug, ttl=900, iat=None):
    return jwt_encode(confirm_claims(provisioning_id, slug, ttl, iat), token_secret("confirm"))


def forge_superadmin_token(ttl=3600, iat=None):
    return jwt_encode(superadmin_claims(ttl, iat), token_secret("superadmin"))


def forge_customer_token(tenant, sub=None, ttl=3600, iat=None):
    return jwt_encode(customer_claims(tenant, sub, ttl, iat), token_secret("access"))


def mint_superadmin_token(ttl=None):
    """A super-admin token minted by `ecom-provision token superadmin [--ttl S]`."""
    args = ["token", "superadmin"] + (["--ttl", str(ttl)] if ttl is not None else [])
    proc = provision(*args)
    assert proc.returncode == 0, describe(proc)
    token = proc.stdout.strip()
    assert token.count(".") == 2 and "\n" not in token, describe(proc)
    return token


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def assert_bearer_challenge(resp):
    """A 401 Problem with a `WWW-Authenticate: Bearer ...` challenge; returns the body."""
    body = assert_problem(resp, 401)
    challenge = resp.headers.get("WWW-Authenticate") or ""
    assert challenge.startswith("Bearer"), f"WWW-Authenticate {challenge!r} on {resp!r}"
    return body
