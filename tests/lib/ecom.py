"""Helpers for the black-box tests: HTTP client, provisioner, SQL, fixtures, assertions.

Environment (set by the caller):
  ECOM_BASE_URL   e.g. http://127.0.0.1:18123 (nginx of the stack under test)
  ECOM_VAR_DIR    the stack's var dir (mysql/mysqld.sock, secrets.env, run/ecom-fcgi.pid)
  ECOM_CONFIG     the stack's config file ($ECOM_VAR_DIR/ecom.conf by default)
  ECOM_BIN_DIR    where ecom-fcgi and ecom-provision are
  ECOM_REPO_DIR   the repository (sql/tenant, ...)
Standard library only.
"""

import base64
import hashlib
import hmac
import http.client as httpclient
import json
import os
import random
import re
import subprocess
import time
import urllib.parse
import uuid
from decimal import Decimal, ROUND_HALF_UP

HTTP_TIMEOUT = 10.0
TENANT_CACHE_WAIT = 2.2

UUID_V4_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO_UTC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


# --------------------------------------------------------------------------- environment

def _env(name, default=None):
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def base_url():
    return _env("ECOM_BASE_URL").rstrip("/")


def var_dir():
    return _env("ECOM_VAR_DIR")


def config_path():
    return os.environ.get("ECOM_CONFIG") or os.path.join(var_dir(), "ecom.conf")


def bin_dir():
    return _env("ECOM_BIN_DIR")


def repo_dir():
    return _env("ECOM_REPO_DIR")


def _read_kv_file(path):
    values = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            if line.startswith("export "):
                line = line[len("export "):].strip()
            key, _, value = line.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key.strip()] = value
    return values


def secrets():
    """The stack's secrets.env as a dict (ECOM_DB_ADMIN_PASSWORD, ECOM_DB_APP_PASSWORD, ...)."""
    return _read_kv_file(os.path.join(var_dir(), "secrets.env"))


def config_value(section, key, default=None):
    """A value of the stack's INI config (environment override ECOM_<SECTION>_<KEY> wins)."""
    env_name = f"ECOM_{section}_{key}".upper()
    if os.environ.get(env_name):
        return os.environ[env_name]
    try:
        current = None
        with open(config_path(), encoding="utf-8") as fh:
            for line in fh:
                line = line.split("#", 1)[0].split(";", 1)[0].strip()
                if not line:
                    continue
                if line.startswith("[") and line.endswith("]"):
                    current = line[1:-1].strip()
                    continue
                if current == section and "=" in line:
                    k, _, v = line.partition("=")
                    if k.strip() == key:
                        v = v.strip()
                        if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
                            v = v[1:-1]
                        return v
    except OSError:
        pass
    return default


def control_db():
    return config_value("database", "control_schema", "ecom_control") or "ecom_control"


def mysql_socket():
    return os.path.join(var_dir(), "mysql", "mysqld.sock")


# --------------------------------------------------------------------------- HTTP

class Headers:
    """Case-insensitive, read-only view of response headers."""

    def __init__(self, pairs):
        self._pairs = list(pairs)

    def get(self, name, default=None):
        lname = name.lower()
        for k, v in self._pairs:
            if k.lower() == lname:
                return v
        return default

    def get_all(self, name):
        lname = name.lower()
        return [v for k, v in self._pairs if k.lower() == lname]

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return self.get(name) is not None

    def items(self):
        return list(self._pairs)

    def __repr__(self):
        return f"Headers({self._pairs!r})"


class Response:
    def __init__(self, method, path, status, headers, raw):
        self.method = method
        self.path = path
        self.request_path = urllib.parse.urlsplit(path).path
        self.status = status
        self.headers = headers
        self.raw = raw
        self.text = raw.decode("utf-8", errors="replace")
        self._json = None

    def json(self, decimal=False):
        """The body parsed as JSON; decimal=True parses non-integer numbers as Decimal."""
        if decimal:
            return json.loads(self.text, parse_float=Decimal)
        if self._json is None:
            try:
                self._json = json.loads(self.text)
            except ValueError as exc:
                raise AssertionError(
                    f"{self.method} {self.path}: body is not JSON ({exc}): {self.text[:500]!r}")
        return self._json

    def __repr__(self):
        return f"<Response {self.method} {self.path} -> {self.status} {self.text[:300]!r}>"


# The stack trusts its nginx on 127.0.0.1 as a proxy (server.trusted_proxies), so the application
# counts per-address limits by the X-Forwarded-For a request carries. Each request gets an address
# of its own from TEST-NET-1 or TEST-NET-3 unless it names one, so that the many sign-ups, logins
# and registrations of the suite never add up to one client's limit. TEST-NET-2 (198.51.100.0/24)
# is left to tests that want a fixed address (see client_address()).
_RANDOM_CLIENT_NETS = ("192.0.2.", "203.0.113.")


def random_client_address():
    return random.choice(_RANDOM_CLIENT_NETS) + str(random.randint(1, 254))


def client_address(n=None):
    """A fixed client address of TEST-NET-2 that no request gets by chance (random when n is None)."""
    return "198.51.100." + str(random.randint(1, 254) if n is None else n)


def http(method, path, headers=None, body=None, raw_body=None, timeout=HTTP_TIMEOUT):
    """One HTTP request to the stack (new connection each time). Returns a Response.

    body: any JSON value, sent as application/json. raw_body: bytes/str sent as is.
    Without an X-Forwarded-For header the request gets a random client address (see above).
    """
    base = urllib.parse.urlsplit(base_url())
    hdrs = dict(headers or {})
    if not any(k.lower() == "x-forwarded-for" for k in hdrs):
        hdrs["X-Forwarded-For"] = random_client_address()
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    elif raw_body is not None:
        data = raw_body.encode("utf-8") if isinstance(raw_body, str) else raw_body
    if data is not None and not any(k.lower() == "content-length" for k in hdrs):
        hdrs["Content-Length"] = str(len(data))
    hdrs.setdefault("Connection", "close")

    conn = httpclient.HTTPConnection(base.hostname, base.port or 80, timeout=timeout)
    try:
        send_error = None
        try:
            conn.request(method, path, body=data, headers=hdrs)
        except (BrokenPipeError, ConnectionResetError) as exc:
            # The server may answer (e.g. 413) and close before the whole body is sent.
            send_error = exc
        try:
            resp = conn.getresponse()
            raw = resp.read()
        except Exception:
            if send_error is not None:
                raise send_error
            raise
        return Response(method, path, resp.status, Headers(resp.getheaders()), raw)
    finally:
        conn.close()


def url(path, **params):
    """path?query with the given parameters URL-encoded (None values are left out)."""
    params = {k: v for k, v in params.items() if v is not None}
    if not params:
        return path
    return path + "?" + urllib.parse.urlencode(params)


def tenant_headers(slug, **extra):
    h = {"X-Tenant-Slug": slug}
    h.update(extra)
    return h


def get(path, slug=None, headers=None):
    h = dict(headers or {})
    if slug is not None:
        h["X-Tenant-Slug"] = slug
    return http("GET", path, headers=h)


def get_json(path, slug=None, status=200):
    resp = get(path, slug)
    assert resp.status == status, f"expected {status}: {resp!r}"
    return resp.json()


# --------------------------------------------------------------------------- assertions

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


# --------------------------------------------------------------------------- processes

def provision(*args, env=None, timeout=120):
    """Runs `$ECOM_BIN_DIR/ecom-provision --config $ECOM_CONFIG ARGS...`."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    cmd = [os.path.join(bin_dir(), "ecom-provision"), "--config", config_path()] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout)


def describe(proc):
    return (f"command {proc.args!r} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n"
            f"--- stderr\n{proc.stderr}")


def _unescape_batch(value):
    if value == "NULL":
        return None
    if "\\" not in value:
        return value
    out = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            n = value[i + 1]
            out.append({"t": "\t", "n": "\n", "\\": "\\", "0": "\0"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def mariadb(query, user, password, db=None, timeout=60):
    """Runs one query batch with the mariadb CLI as the given user; returns CompletedProcess."""
    cmd = ["mariadb", f"--socket={mysql_socket()}", f"-u{user}", "-N", "-B"]
    if password:
        cmd.append(f"-p{password}")
    if db:
        cmd.append(f"--database={db}")
    cmd += ["-e", query]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


_SUPERUSER = []


def superuser():
    """(user, password) of the database superuser the tests act as (the operator's own SQL):
    root over the socket where the stack's server allows it, else the administrative account
    (which can do everything on the control and store schemas, nothing elsewhere)."""
    if not _SUPERUSER:
        import getpass
        for user in ("root", getpass.getuser()):
            if mariadb("SELECT 1", user, "").returncode == 0:
                _SUPERUSER.append((user, ""))
                break
        else:
            _SUPERUSER.append(("ecom_admin", secrets()["ECOM_DB_ADMIN_PASSWORD"]))
    return _SUPERUSER[0]


def sql(query, db=None):
    """Runs SQL as the database superuser; returns a list of rows (lists of str, None for NULL)."""
    proc = mariadb(query, *superuser(), db=db)
    if proc.returncode != 0:
        raise AssertionError(f"SQL failed: {query!r}\n{proc.stderr}")
    rows = []
    for line in proc.stdout.split("\n"):
        if line == "":
            continue
        rows.append([_unescape_batch(v) for v in line.split("\t")])
    return rows


def sql_script(statements, db=None, timeout=120):
    """Runs many SQL statements as the admin account, fed on stdin (no command-line limit)."""
    cmd = ["mariadb", f"--socket={mysql_socket()}", "-uecom_admin", f"-p{secrets()['ECOM_DB_ADMIN_PASSWORD']}"]
    if db:
        cmd.append(f"--database={db}")
    proc = subprocess.run(cmd, input=";\n".join(statements) + ";\n", capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"SQL script failed: {proc.stderr[:2000]}")


def sql_value(query, db=None):
    rows = sql(query, db)
    assert rows, f"no row for {query!r}"
    return rows[0][0]


def q(value):
    """A SQL string literal (or NULL)."""
    if value is None:
        return "NULL"
    s = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{s}'"


# --------------------------------------------------------------------------- stores

def schema_of(slug):
    return "ecom_tenant_" + slug.replace("-", "_")


def unique_slug(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_store(plan="PREMIUM", name=None, slug=None):
    """Creates a Ready store with `ecom-provision create`; returns its slug."""
    slug = slug or unique_slug()
    name = name or f"Store {slug}"
    proc = provision("create", slug, name, plan)
    assert proc.returncode == 0, describe(proc)
    return slug


def wait_tenant_cache():
    time.sleep(TENANT_CACHE_WAIT)


def tenant_id(slug):
    rows = sql(f"SELECT id FROM tenants WHERE slug = {q(slug)}", db=control_db())
    assert rows, f"no tenant {slug}"
    return rows[0][0]


def tenant_status(slug):
    """The status the store shows: Suspended while the super admin's flag is set, else its
    provisioning status."""
    return sql_value(f"SELECT IF(suspended, 'Suspended', status) FROM tenants WHERE slug = {q(slug)}",
                     db=control_db())


def set_tenant_status(slug, status):
    """Operator's SQL: "Suspended" sets the suspension flag; any other status is the provisioning
    status, with the flag cleared."""
    if status == "Suspended":
        sql(f"UPDATE tenants SET suspended = 1 WHERE slug = {q(slug)}", db=control_db())
    else:
        sql(f"UPDATE tenants SET status = {q(status)}, suspended = 0 WHERE slug = {q(slug)}", db=control_db())


def set_feature_override(slug, feature, enabled):
    tid = tenant_id(slug)
    sql(f"REPLACE INTO tenant_feature_overrides (tenant_id, feature, enabled) "
        f"VALUES ({q(tid)}, {q(feature)}, {1 if enabled else 0})", db=control_db())


def clear_feature_overrides(slug):
    sql(f"DELETE FROM tenant_feature_overrides WHERE tenant_id = {q(tenant_id(slug))}", db=control_db())


def set_limit_override(slug, limit_code, value):
    tid = tenant_id(slug)
    sql(f"REPLACE INTO tenant_limit_overrides (tenant_id, limit_code, value) "
        f"VALUES ({q(tid)}, {q(limit_code)}, {int(value)})", db=control_db())


def clear_limit_overrides(slug):
    sql(f"DELETE FROM tenant_limit_overrides WHERE tenant_id = {q(tenant_id(slug))}", db=control_db())


def insert_category(slug, name, description="", active=True):
    cid = str(uuid.uuid4())
    sql(f"INSERT INTO categories (id, name, description, is_active) "
        f"VALUES ({q(cid)}, {q(name)}, {q(description)}, {1 if active else 0})", db=schema_of(slug))
    return cid


def insert_product(slug, name, price, discount="0", stock=10, active=True, description=None,
                   images=(), categories=(), attributes=None, created_at=None):
    """Inserts a product (fresh UUID) with its images (stored order = list order) and category links."""
    pid = str(uuid.uuid4())
    attrs = json.dumps(attributes if attributes is not None else {})
    description = description if description is not None else f"Description of {name}"
    cols = "id, name, description, price, discount, stock, is_active, attributes"
    vals = (f"{q(pid)}, {q(name)}, {q(description)}, {price}, {discount}, {int(stock)}, "
            f"{1 if active else 0}, {q(attrs)}")
    if created_at is not None:
        cols += ", created_at"
        vals += f", {q(created_at)}"
    stmts = [f"INSERT INTO products ({cols}) VALUES ({vals})"]
    # Inserted in reverse so that the physical insertion order differs from the stored position.
    for pos in reversed(range(len(images))):
        stmts.append(f"INSERT INTO product_images (product_id, position, url) "
                     f"VALUES ({q(pid)}, {pos}, {q(images[pos])})")
    for cid in categories:
        stmts.append(f"INSERT INTO product_categories (product_id, category_id) VALUES ({q(pid)}, {q(cid)})")
    sql(";\n".join(stmts), db=schema_of(slug))
    return pid


def active_products(slug):
    """Active products of a store from SQL, ordered by name then id (the database's collation)."""
    rows = sql("SELECT id, name, price, discount, final_price, stock, "
               "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') "
               "FROM products WHERE is_active = 1 ORDER BY name, id", db=schema_of(slug))
    return [{"id": r[0], "name": r[1], "price": Decimal(r[2]), "discount": Decimal(r[3]),
             "finalPrice": Decimal(r[4]), "stock": int(r[5]), "createdAt": r[6]} for r in rows]


def all_product_ids(slug):
    return {r[0] for r in sql("SELECT id FROM products", db=schema_of(slug))}


def all_category_ids(slug):
    return {r[0] for r in sql("SELECT id FROM categories", db=schema_of(slug))}


def fetch_all_pages(path, slug, page_size=100, **params):
    """Walks every page of a product list; returns (items, first_page_body)."""
    items = []
    first = None
    page = 1
    while True:
        resp = get(url(path, page=page, pageSize=page_size, **params), slug)
        assert resp.status == 200, f"page {page}: {resp!r}"
        body = resp.json()
        if first is None:
            first = body
        items.extend(body["items"])
        if page >= body["totalPages"] or not body["items"]:
            break
        page += 1
        assert page < 1000, "runaway pagination"
    return items, first


# --------------------------------------------------------------------------- tokens (JWT HS256)

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


# --------------------------------------------------------------------------- provisioning over HTTP

PROVISION_READY_TIMEOUT = 20.0


def provision_init(slug, name=None, plan="Premium", admin_email=None):
    """POST /provision/tenants/init; asserts 200 and returns the body."""
    body = {"slug": slug, "name": name or f"Store {slug}", "plan": plan}
    if admin_email is not None:
        body["adminEmail"] = admin_email
    resp = http("POST", "/provision/tenants/init", body=body)
    assert resp.status == 200, resp
    return resp.json()


def provision_confirm(token):
    """POST /provision/tenants/confirm with the token; asserts 200 and returns the body."""
    resp = http("POST", "/provision/tenants/confirm", headers=bearer(token))
    assert resp.status == 200, resp
    return resp.json()


def provision_status(provisioning_id):
    return http("GET", f"/provision/tenants/{provisioning_id}/status")


def init_and_confirm(slug=None, plan="Premium", name=None):
    """init + confirm over HTTP; returns (slug, provisioningId)."""
    slug = slug or unique_slug("q")
    init = provision_init(slug, name=name, plan=plan)
    provision_confirm(init["confirmToken"])
    return slug, init["provisioningId"]


def wait_status(provisioning_id, wanted=("Ready",), timeout=PROVISION_READY_TIMEOUT, interval=0.1):
    """Polls the status endpoint until its status is one of `wanted`; returns the body."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        resp = provision_status(provisioning_id)
        assert resp.status == 200, resp
        last = resp.json()
        if last.get("status") in wanted:
            return last
        if last.get("status") == "Failed" and "Failed" not in wanted:
            raise AssertionError(f"provisioning failed: {last!r}")
        if time.monotonic() > deadline:
            raise AssertionError(f"status not {wanted} within {timeout} s: {last!r}")
        time.sleep(interval)


# --------------------------------------------------------------------------- the stack's provisioner loop

def _pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _pid_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return []


def stop_provision_loop(timeout=20):
    """Stops the stack's `ecom-provision run --loop` (pid in $ECOM_VAR_DIR/run/provision.pid).

    Only a pid whose command line is ecom-provision with this stack's config is signalled.
    Returns True when a loop was stopped."""
    pid_file = os.path.join(var_dir(), "run", "provision.pid")
    try:
        with open(pid_file, encoding="utf-8") as fh:
            pid = int(fh.read().strip())
    except (OSError, ValueError):
        return False
    args = _pid_cmdline(pid)
    conf = os.path.realpath(config_path())
    if not (args and os.path.basename(args[0]) == "ecom-provision" and "run" in args
            and any(os.path.realpath(a) == conf for a in args[1:] if a.startswith("/"))
            and _pid_alive(pid)):
        return False
    os.kill(pid, 15)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            time.sleep(0.2)
            break
        time.sleep(0.05)
    return True


def provision_loop_running():
    """True when `scripts/stack.sh status` says the stack's provisioner loop runs."""
    env = dict(os.environ)
    env["ECOM_VAR_DIR"] = var_dir()
    env.setdefault("ECOM_BIN_DIR", bin_dir())
    proc = subprocess.run([os.path.join(repo_dir(), "scripts", "stack.sh"), "status"],
                          capture_output=True, text=True, env=env, timeout=60)
    lines = [ln.split() for ln in proc.stdout.splitlines()]
    state = [ln[1] for ln in lines if len(ln) >= 2 and ln[0] == "provision"]
    assert state, describe(proc)
    return state[0] == "running"


def start_provision_loop():
    """(Re)starts the stack's provisioner loop: `scripts/stack.sh start` restarts a dead one."""
    env = dict(os.environ)
    env["ECOM_VAR_DIR"] = var_dir()
    env.setdefault("ECOM_BIN_DIR", bin_dir())
    proc = subprocess.run([os.path.join(repo_dir(), "scripts", "stack.sh"), "start"],
                          capture_output=True, text=True, env=env, timeout=240)
    assert proc.returncode == 0, describe(proc)
