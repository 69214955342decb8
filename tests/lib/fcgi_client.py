"""A minimal FastCGI client (responder role), to talk to ecom-fcgi without nginx.

Lets tests hold a request half-sent (params sent, body not yet) to prove that a
request in flight survives a graceful stop.
"""

import json
import socket
import struct

FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6


def _record(rtype, content, request_id=1):
    out = b""
    # Records carry at most 65535 bytes; split longer content.
    for i in range(0, max(len(content), 1), 65535):
        chunk = content[i:i + 65535]
        pad = (8 - len(chunk) % 8) % 8
        out += struct.pack("!BBHHBx", 1, rtype, request_id, len(chunk), pad) + chunk + b"\0" * pad
    return out


def _length(n):
    return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)


def _params(params):
    body = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        body += _length(len(k)) + _length(len(v)) + k + v
    return body


class Request:
    """One request on its own connection: begin() sends the head, finish() the body."""

    def __init__(self, socket_path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(socket_path)

    def begin(self, method, uri, body=b"", content_type="", headers=None, extra_params=None):
        path, _, query = uri.partition("?")
        params = {
            "REQUEST_METHOD": method,
            "REQUEST_URI": uri,
            "DOCUMENT_URI": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        for k, v in (headers or {}).items():
            params["HTTP_" + k.upper().replace("-", "_")] = v
        params.update(extra_params or {})
        self.body = body
        self.head = (_record(FCGI_BEGIN_REQUEST, struct.pack("!HB5x", 1, 0))
                     + _record(FCGI_PARAMS, _params(params)) + _record(FCGI_PARAMS, b""))
        return self

    def send_head(self):
        """Sends the request without its body: the server holds it, waiting (stall tests)."""
        self.sock.sendall(self.head)
        self.head = b""
        return self

    def finish(self):
        # Head (if not sent yet) and body in one write, as nginx does: the server may answer
        # and close as soon as it has what it needs.
        data = self.head
        if self.body:
            data += _record(FCGI_STDIN, self.body)
        data += _record(FCGI_STDIN, b"")
        self.sock.sendall(data)
        return self.read_response()

    def read_response(self):
        buf, stdout = b"", b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            buf += chunk
            ended = False
            while len(buf) >= 8:
                _, rtype, _, clen, plen = struct.unpack("!BBHHBx", buf[:8])
                if len(buf) < 8 + clen + plen:
                    break
                content = buf[8:8 + clen]
                buf = buf[8 + clen + plen:]
                if rtype == FCGI_STDOUT:
                    stdout += content
                elif rtype == FCGI_END_REQUEST:
                    ended = True
            if ended:
                break
        self.sock.close()
        return parse_cgi_response(stdout)


def parse_cgi_response(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    status, headers = None, {}
    for line in head.decode("latin-1").split("\r\n"):
        if not line:
            continue
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "status" in headers:
        status = int(headers["status"].split()[0])
    return status, headers, body


def request(socket_path, method, uri, body=b"", content_type="", headers=None, extra_params=None, timeout=10.0):
    return Request(socket_path, timeout).begin(method, uri, body, content_type, headers, extra_params).finish()


def call(socket_path, method, uri, body=None, headers=None, remote=None, timeout=10.0):
    """One request straight to an ecom-fcgi: body (any JSON value) sent as application/json,
    remote as REMOTE_ADDR (the address a proxy would report). Returns (status, headers, bytes)."""
    data = b"" if body is None else json.dumps(body).encode("utf-8")
    return request(socket_path, method, uri, body=data, content_type="application/json" if data else "",
                   headers=headers, extra_params={"REMOTE_ADDR": remote} if remote else None, timeout=timeout)
