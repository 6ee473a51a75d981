"""Chromium's own push service registration, answered on 127.0.0.1 so ``subscribe()`` works offline.

Chromium registers a push subscription with Google Cloud Messaging: a *checkin* (protobuf) and a
*registration* (a form post answered ``token=…``). Its switches ``--gcm-checkin-url`` and
``--gcm-registration-url`` point both here. The browser then builds the subscription's endpoint
(on fcm.googleapis.com) with the token. Messages are not delivered through this fake (that needs
GCM's MCS socket); the test hands a push to the service worker through DevTools instead.
"""
from __future__ import annotations

import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


def _varint(number: int) -> bytes:
    """A protobuf varint."""
    out = b""
    while True:
        byte, number = number & 0x7F, number >> 7
        if not number:
            return out + bytes([byte])
        out += bytes([byte | 0x80])


def checkin_response() -> bytes:
    """``AndroidCheckinResponse``: stats_ok (1), time_msec (3), android_id (7) and security_token (8)."""
    return (bytes([1 << 3]) + _varint(1) + bytes([3 << 3]) + _varint(int(time.time() * 1000))
            + bytes([(7 << 3) | 1]) + struct.pack("<Q", 4_242_424_242_424)
            + bytes([(8 << 3) | 1]) + struct.pack("<Q", 7_777_777_777_777))


class FakeGcm:
    """The checkin and registration endpoints; ``registrations`` keeps each registration form."""

    def __init__(self):
        """Serve on a free port of 127.0.0.1."""
        self.registrations: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            """Answers checkins with an id and registrations with a token."""

            def do_POST(self):  # noqa: N802 (http.server's naming)
                """Checkin or registration."""
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/checkin"):
                    data, kind = checkin_response(), "application/x-protobuf"
                else:
                    form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
                    fake.registrations.append(form)
                    data, kind = f"token=binhdang-test-{len(fake.registrations)}".encode(), "text/plain"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def chromium_switches(self) -> list[str]:
        """The command-line switches that send Chromium's registration here."""
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return [f"--gcm-checkin-url={base}/checkin", f"--gcm-registration-url={base}/register3",
                "--gcm-mcs-endpoint=https://127.0.0.1:9"]

    def stop(self) -> None:
        """Shut down."""
        self.server.shutdown()
        self.server.server_close()
