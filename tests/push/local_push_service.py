"""A push service on 127.0.0.1 for tests: records each push, answers from a script, and a test
browser's keys to decrypt what arrives (aes128gcm) and check the VAPID header."""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


def b64url(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """Decode base64url with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Arrival:
    """One request the push service received."""

    at: float
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


class BrowserKeys:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    def __init__(self):
        """Generate the keys."""
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self, endpoint: str) -> dict:
        """The JSON a page posts to ``/api/v1/push/subscriptions``."""
        public = self.private.public_key().public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}

    def decrypt(self, body: bytes) -> dict:
        """The push's JSON payload, decrypted as the browser would (RFC 8291, aes128gcm)."""
        return json.loads(http_ece.decrypt(body, private_key=self.private, auth_secret=self.auth,
                                           version="aes128gcm"))


def verify_vapid(authorization: str, server_public_key: str) -> dict:
    """Check ``vapid t=<JWT>,k=<key>``: the key is the server's and the ES256 signature holds; return the claims."""
    scheme, _sep, params = authorization.partition(" ")
    assert scheme.lower() == "vapid", authorization
    parts = dict(item.split("=", 1) for item in params.split(","))
    assert parts["k"].rstrip("=") == server_public_key
    header, payload, signature = parts["t"].split(".")
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(server_public_key))
    key.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    return json.loads(unb64url(payload))


@dataclass
class LocalPushService:
    """An HTTP server in a thread: each POST is recorded; the answer comes from ``answers`` (else 201)."""

    answers: list[tuple[int, dict]] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)

    def __post_init__(self):
        """Start serving on a free port of 127.0.0.1."""
        service = self
        self.arrived = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            """Records the push and answers as scripted."""

            def do_POST(self):  # noqa: N802 (http.server's naming)
                """Record the request, then answer."""
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.arrivals.append(Arrival(time.monotonic(), self.path,
                                                      {k.lower(): v for k, v in self.headers.items()}, body))
                status, headers = service.answers.pop(0) if service.answers else (201, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                service.arrived.set()

            def log_message(self, *args):
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``: the audience of the VAPID token."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def endpoint(self, name: str) -> str:
        """A subscription endpoint on this service."""
        return f"{self.origin}/push/{name}"

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()
