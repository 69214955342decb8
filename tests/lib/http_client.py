"""HTTP to the stack under test: one request per connection, a Response with its headers and body.
Standard library only.
"""

import http.client as httpclient
import json
import os
import random
import urllib.parse
from decimal import Decimal

from stack_env import base_url

HTTP_TIMEOUT = 10.0


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
        response = Response(method, path, resp.status, Headers(resp.getheaders()), raw)
        _record(method, path, hdrs, response)
        return response
    finally:
        conn.close()


def _record(method, path, request_headers, response):
    """Appends the exchange as one JSON line to $ECOM_RECORD_RESPONSES when it is set; the
    OpenAPI check (tests/openapi/validate.mjs) validates every recorded response against
    docs/openapi.yaml."""
    target = os.environ.get("ECOM_RECORD_RESPONSES")
    if not target:
        return
    line = json.dumps({
        "method": method,
        "path": path,
        "requestHeaders": sorted(k.lower() for k in request_headers),
        "status": response.status,
        "headers": [[k.lower(), v] for k, v in response.headers.items()],
        "body": response.text,
    })
    # One write(2) per line on an O_APPEND descriptor: lines of parallel tests never interleave.
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


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


def store_headers(slug, token=None, sid=None, **extra):
    """Headers of a store's request: X-Tenant-Slug (when slug), Authorization: Bearer (when
    token), X-Session-Id (when sid), then `extra`."""
    h = {}
    if slug is not None:
        h["X-Tenant-Slug"] = slug
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    if sid is not None:
        h["X-Session-Id"] = sid
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
