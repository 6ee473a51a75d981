"""Issue 9 §4: the push worker never connects to this machine, whatever notation an endpoint uses.

Subscriptions are written straight into the database (as an old row, or a name whose address changed
after it was checked, would be), then the worker sends: a listener on every local address of this
machine must see no connection, and no redirect is followed.
"""
from __future__ import annotations

import socket
import threading

import pytest
import requests
import sqlalchemy as sa

from tests import factories
from tests.push.local_push_service import BrowserKeys, LocalPushService
from tests.push.test_delivery import return_an_entry
from webapp.extensions import db
from webapp.push import services
from webapp.push.models import PushDelivery

PORT = 5537  # this helper's port range


class Listener:
    """TCP listeners on every IPv4 address and IPv6 loopback at ``PORT``, counting connections."""

    def __init__(self):
        """Bind and start accepting."""
        self.connections = 0
        self.sockets = []
        for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::1")):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, PORT))
            sock.listen(16)
            sock.settimeout(0.2)
            self.sockets.append(sock)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        """Accept and close, counting."""
        while self.running:
            for sock in self.sockets:
                try:
                    conn, _addr = sock.accept()
                except OSError:
                    continue
                self.connections += 1
                conn.close()

    def stop(self):
        """Stop and close."""
        self.running = False
        self.thread.join(timeout=2)
        for sock in self.sockets:
            sock.close()


HOSTS = ["127.0.0.1", "127.1", "127.0.1", "0x7f.1", "0x7f000001", "2130706433", "017700000001", "0177.0.0.1",
         "127.000.000.001", "0x7f.0x0.0x0.0x1", "localhost", "localhost.", "LOCALHOST", "LocalHost.",
         "[::1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:0:0:1]", "0.0.0.0", "0", "ip6-localhost", "ip6-loopback",
         socket.gethostname(), socket.gethostname() + "."]
SCHEMES = ["https", "http"]


@pytest.fixture
def listener():
    """The listener for the test's length."""
    found = Listener()
    yield found
    found.stop()


def _subscribe_raw(app, username: str, endpoint: str) -> None:
    """Store a subscription without the subscribe-time check (an old or changed row)."""
    with app.app_context():
        keys = BrowserKeys().subscription(endpoint)["keys"]
        services.subscribe(factories.user(username), {"endpoint": endpoint, "p256dh": keys["p256dh"].rstrip("="),
                                                      "auth": keys["auth"].rstrip("=")}, "máy thử")
        db.session.commit()


@pytest.mark.parametrize("allow_list", [True, False], ids=["allow-list", "no-allow-list"])
def test_no_notation_of_a_local_address_reaches_this_machine(app, runner, commune, listener, allow_list):
    """Every notation × scheme: the delivery fails as refused and the listener sees no connection."""
    if not allow_list:
        app.config["PUSH_ALLOWED_HOSTS"] = []
    assert app.config["PUSH_ALLOW_LOCAL_ENDPOINTS"] is False
    for number, host in enumerate(HOSTS):
        for scheme in SCHEMES:
            _subscribe_raw(app, "canbo1", f"{scheme}://{host}:{PORT}/push/{number}-{scheme}")
    return_an_entry(app, app.test_client())
    result = runner.invoke(args=["push-worker", "--once"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        outcomes = [(d.state, d.last_error) for d in db.session.scalars(sa.select(PushDelivery))]
    assert len(outcomes) == len(HOSTS) * len(SCHEMES)
    assert all(state == "failed" and error.startswith("refused") for state, error in outcomes), outcomes
    assert listener.connections == 0


def test_subscribing_with_a_local_notation_or_an_unknown_service_is_refused(app, client, commune):
    """The subscribe-time check reads odd notations too, and keeps to the push services by default."""
    from tests.review.helpers import bearer

    with app.app_context():
        headers = bearer("canbo1")
    for host in ("127.1", "0x7f.1", "2130706433", "localhost.", "[::ffff:127.0.0.1]", "evil.example"):
        response = client.post("/api/v1/push/subscriptions", json=BrowserKeys().subscription(f"https://{host}/p"),
                               headers=headers)
        assert response.status_code == 400, host
    good = client.post("/api/v1/push/subscriptions", headers=headers,
                       json=BrowserKeys().subscription("https://fcm.googleapis.com/fcm/send/abc"))
    assert good.status_code == 201


def test_a_redirect_from_the_push_service_is_never_followed(app, runner, commune):
    """Local services allowed (as tests do): a 307 to another listener is an answer, not followed."""
    app.config.update(PUSH_ALLOW_LOCAL_ENDPOINTS=True, PUSH_ALLOWED_HOSTS=[])
    first, second = LocalPushService(), LocalPushService()
    try:
        first.answers.extend([(307, {"Location": second.endpoint("stolen")}),
                              (308, {"Location": second.endpoint("stolen")})])
        _subscribe_raw(app, "canbo1", first.endpoint("a"))
        return_an_entry(app, app.test_client())
        runner.invoke(args=["push-worker", "--once"])
        assert len(first.arrivals) == 1 and second.arrivals == []
        with app.app_context():
            delivery = db.session.scalar(sa.select(PushDelivery))
            assert (delivery.state, delivery.last_status) == ("failed", 307), delivery.last_error
    finally:
        first.stop()
        second.stop()


def test_a_rebinding_name_is_connected_to_at_the_address_that_was_checked(app, runner, commune, listener,
                                                                          monkeypatch):
    """DNS rebinding: the name is global when checked and local a moment later; the worker connects to the
    checked (global) address, looked up once, and nothing reaches the listener on this machine."""
    import urllib3.util.connection

    app.config["PUSH_ALLOWED_HOSTS"] = []
    real_lookup, real_connect = socket.getaddrinfo, urllib3.util.connection.create_connection
    lookups, connects = [], []

    def rebinding_lookup(host, port, *args, **kwargs):
        """push.rebind.test: a global address the first time, this machine afterwards."""
        if host != "push.rebind.test":
            return real_lookup(host, port, *args, **kwargs)
        lookups.append(host)
        address = "8.8.8.8" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def recording_connect(address, *args, **kwargs):
        """Record where the connection goes; the internet is out of reach in tests."""
        connects.append(address)
        if address[0] == "8.8.8.8":
            raise ConnectionRefusedError("no internet in tests")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_lookup)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", recording_connect)
    _subscribe_raw(app, "canbo1", f"https://push.rebind.test:{PORT}/push/rebind")
    return_an_entry(app, app.test_client())
    result = runner.invoke(args=["push-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert listener.connections == 0
    assert connects == [("8.8.8.8", PORT)] and lookups == ["push.rebind.test"]
    with app.app_context():
        delivery = db.session.scalar(sa.select(PushDelivery))
        assert delivery.state != "sent" and "refused" not in delivery.last_error


def test_a_pinned_connection_keeps_the_name_for_tls_and_host(tmp_path):
    """The pinned session connects to the given address while SNI, the certificate check and ``Host``
    use the name: a TLS server on 127.0.0.1 with a certificate for push.pinned.test answers it."""
    import datetime as dt
    import http.server
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from webapp.push import guard

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "push.pinned.test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("push.pinned.test")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        """Answer 201 and remember the Host header and the SNI name."""

        def do_POST(self):  # noqa: N802 - http.server's name
            """Record and answer."""
            seen["host"] = self.headers["Host"]
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            """Quiet."""

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    context.sni_callback = lambda sock, server_name, ctx: seen.__setitem__("sni", server_name)
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        session = guard.pinned_session("push.pinned.test", "127.0.0.1")
        response = session.post(f"https://push.pinned.test:{port}/send/abc", data=b"x", timeout=10,
                                verify=str(tmp_path / "cert.pem"))
        assert response.status_code == 201
        assert seen == {"host": f"push.pinned.test:{port}", "sni": "push.pinned.test"}
        with pytest.raises(requests.exceptions.SSLError):  # the certificate names push.pinned.test only
            guard.pinned_session("other.pinned.test", "127.0.0.1").post(
                f"https://other.pinned.test:{port}/send/abc", data=b"x", timeout=10, verify=str(tmp_path / "cert.pem"))
    finally:
        server.shutdown()
        server.server_close()
