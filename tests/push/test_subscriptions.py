"""The push API: the VAPID key, storing and removing subscriptions (validated)."""
from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec

from tests.push.local_push_service import BrowserKeys, b64url, unb64url
from tests.review.helpers import bearer
from webapp import create_app
from webapp.extensions import db
from webapp.push.models import PushSubscription
from webapp.push.vapid import load_keys

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"
CLIENT = {"X-Binhdang-Client": "1"}


def stored() -> list[tuple[str, str, str]]:
    """(username, endpoint, device) of every stored subscription."""
    return [(s.user.username, s.endpoint, s.device) for s in db.session.scalars(
        sa.select(PushSubscription).order_by(PushSubscription.id))]


def test_public_key_is_an_uncompressed_p256_point_kept_under_instance(app, client):
    """The key is 65 bytes starting 0x04, on the curve, the same every time, from a private file."""
    first = client.get("/api/v1/push/key")
    assert first.status_code == 200
    key = first.get_json()["public_key"]
    raw = unb64url(key)
    assert len(raw) == 65 and raw[0] == 4 and "=" not in key
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    second = create_app(dict(app.config))
    again = second.test_client().get("/api/v1/push/key").get_json()["public_key"]
    with second.app_context():
        db.engine.dispose()
    assert again == key
    path = Path(app.instance_path) / "vapid_private.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keys_from_the_environment_are_used(app):
    """VAPID_PRIVATE_KEY (raw base64url) gives its own public key; a mismatching VAPID_PUBLIC_KEY is an error."""
    private = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(private.private_numbers().private_value.to_bytes(32, "big"))
    other = create_app({**app.config, "VAPID_PRIVATE_KEY": raw})
    public = other.test_client().get("/api/v1/push/key").get_json()["public_key"]
    with other.app_context():
        db.engine.dispose()
    expected = private.public_key().public_numbers()
    point = unb64url(public)
    assert int.from_bytes(point[1:33], "big") == expected.x and int.from_bytes(point[33:], "big") == expected.y
    wrong = create_app({**app.config, "VAPID_PRIVATE_KEY": raw, "VAPID_PUBLIC_KEY": b64url(b"\x04" + os.urandom(64))})
    with pytest.raises(RuntimeError):
        load_keys(wrong)


def test_subscribe_stores_it_for_the_user_and_device(app, client, commune):
    """201; posting again refreshes the same row; another person on the same phone takes it over."""
    keys = BrowserKeys().subscription(ENDPOINT)
    with app.app_context():
        phone = bearer("canbo1", device="Điện thoại chị Hoa")
    created = client.post("/api/v1/push/subscriptions", json=keys, headers=phone)
    assert created.status_code == 201 and created.get_json() == {"endpoint": ENDPOINT, "created": True}
    again = client.post("/api/v1/push/subscriptions", json=keys, headers=phone)
    assert again.status_code == 201 and again.get_json()["created"] is False
    with app.app_context():
        assert stored() == [("canbo1", ENDPOINT, "Điện thoại chị Hoa")]
        colleague = bearer("canbo2")
    client.post("/api/v1/push/subscriptions", json=keys, headers=colleague)
    with app.app_context():
        assert [row[0] for row in stored()] == ["canbo2"]


def test_browser_subscribes_with_its_cookie_and_the_client_header(app, client, auth, commune):
    """The page's own call: cookie plus X-Binhdang-Client; without the header it is refused."""
    auth.login("duyet")
    keys = BrowserKeys().subscription(ENDPOINT)
    assert client.post("/api/v1/push/subscriptions", json=keys).status_code == 403
    response = client.post("/api/v1/push/subscriptions", json=keys,
                           headers={**CLIENT, "User-Agent": "Mozilla/5.0 (Linux; Android 13)"})
    assert response.status_code == 201
    with app.app_context():
        assert stored() == [("duyet", ENDPOINT, "Mozilla/5.0 (Linux; Android 13)")]


def test_signing_in_is_required(client, commune):
    """No token, no cookie: 401 JSON (the key itself is public)."""
    response = client.post("/api/v1/push/subscriptions", json=BrowserKeys().subscription(ENDPOINT))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": ENDPOINT}).status_code == 401


def _bad(keys: dict, **changes) -> dict:
    """A copy of ``keys`` with some parts replaced."""
    copy = {"endpoint": keys["endpoint"], "keys": dict(keys["keys"])}
    for name, value in changes.items():
        if name in ("p256dh", "auth"):
            copy["keys"][name] = value
        else:
            copy[name] = value
    return copy


@pytest.mark.parametrize("change, field", [
    ({"endpoint": None}, "endpoint"),
    ({"endpoint": "ftp://push.example.com/x"}, "endpoint"),
    ({"endpoint": "https://" + "a" * 2100}, "endpoint"),
    ({"p256dh": b64url(b"\x04" + b"\x01" * 64)}, "keys.p256dh"),  # not a point on P-256
    ({"p256dh": b64url(os.urandom(33))}, "keys.p256dh"),
    ({"p256dh": "not base64!"}, "keys.p256dh"),
    ({"auth": b64url(os.urandom(8))}, "keys.auth"),
    ({"auth": 12345}, "keys.auth"),
])
def test_invalid_subscriptions_are_refused_field_by_field(app, client, commune, change, field):
    """400 with the field that is wrong; nothing stored."""
    payload = _bad(BrowserKeys().subscription(ENDPOINT), **change)
    response = client.post("/api/v1/push/subscriptions", json=payload, headers=bearer_in(app, "canbo1"))
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]
    with app.app_context():
        assert stored() == []


def bearer_in(app, username: str) -> dict:
    """A bearer header made inside an app context."""
    with app.app_context():
        return bearer(username)


@pytest.mark.parametrize("endpoint, message", [
    ("http://127.0.0.1:8080/push", "phải bắt đầu bằng https://"),
    ("https://localhost/push", "mạng nội bộ"),
    ("https://10.0.0.5/push", "mạng nội bộ"),
    ("https://[::1]/push", "mạng nội bộ"),
])
def test_endpoints_inside_the_network_are_refused_in_production(app, client, commune, endpoint, message):
    """Without PUSH_ALLOW_LOCAL_ENDPOINTS the worker never posts to this machine or the local network."""
    app.config["PUSH_ALLOW_LOCAL_ENDPOINTS"] = False
    response = client.post("/api/v1/push/subscriptions", json=BrowserKeys().subscription(endpoint),
                           headers=bearer_in(app, "canbo1"))
    assert response.status_code == 400 and message in response.get_json()["error"]["fields"]["endpoint"]


def test_not_json_is_a_clear_400(app, client, commune):
    """A body that is not a JSON object is refused with a message."""
    response = client.post("/api/v1/push/subscriptions", data="endpoint=x", headers=bearer_in(app, "canbo1"))
    assert response.status_code == 400 and response.get_json()["error"]["message"]


def test_delete_removes_only_my_subscription(app, client, commune):
    """204; someone else's endpoint is left alone (and still answers 204); a missing endpoint is 400."""
    mine, theirs = BrowserKeys().subscription(ENDPOINT), BrowserKeys().subscription(ENDPOINT + "-2")
    me, other = bearer_in(app, "canbo1"), bearer_in(app, "canbo2")
    client.post("/api/v1/push/subscriptions", json=mine, headers=me)
    client.post("/api/v1/push/subscriptions", json=theirs, headers=other)
    others = client.delete("/api/v1/push/subscriptions", json={"endpoint": ENDPOINT + "-2"}, headers=me)
    assert others.status_code == 204
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": ENDPOINT}, headers=me).status_code == 204
    assert client.delete("/api/v1/push/subscriptions", json={}, headers=me).status_code == 400
    with app.app_context():
        assert stored() == [("canbo2", ENDPOINT + "-2", "Điện thoại thử")]


def test_openapi_describes_the_push_and_review_endpoints(client):
    """The API document lists the contract's push and review paths."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/push/key"])
    assert {"post", "delete"} <= set(paths["/api/v1/push/subscriptions"])
    assert "post" in paths["/api/v1/entries/{uuid}/review"]


def test_b64_helper_matches_the_standard(app):
    """The test's base64url helper agrees with the standard library (guards the other tests)."""
    data = os.urandom(40)
    assert unb64url(b64url(data)) == data and base64.urlsafe_b64decode(b64url(data) + "==") == data
