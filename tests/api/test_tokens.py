"""Device tokens: issued with the right password only, revoked by the device or on "my devices"."""
import sqlalchemy as sa

from webapp.auth.models import ApiToken
from webapp.extensions import db


def test_token_signs_api_calls_in(api):
    """201 with a token; the token then signs ``GET /api/v1/me`` in and records its last use."""
    response = api.client.post("/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo",
                                                        "device_name": "Điện thoại của Hoa"})
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert len(token) >= 32
    assert api.client.get("/api/v1/me", headers=api.auth(token)).get_json()["username"] == "canbo1"
    with api.client.application.app_context():
        row = db.session.scalar(sa.select(ApiToken))
        assert row.device_name == "Điện thoại của Hoa" and row.last_used_at is not None
        assert token not in row.token_digest  # only the digest is stored


def test_wrong_credentials_get_401_and_no_token(api):
    """A wrong password or an unknown user: 401 JSON, the same message, nothing issued."""
    wrong = api.client.post("/api/v1/tokens", json={"username": "canbo1", "password": "nope", "device_name": "x"})
    unknown = api.client.post("/api/v1/tokens", json={"username": "ai-do", "password": "nope", "device_name": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    assert wrong.get_json()["error"]["message"] == unknown.get_json()["error"]["message"] == \
        "Sai tên đăng nhập hoặc mật khẩu."
    with api.client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_malformed_token_requests_get_400(api):
    """Not JSON, missing fields or wrong types: 400, never 500."""
    bodies = [b"not json", b"[1, 2]", b'{"username": 5, "password": "x"}', b'{"username": "canbo1"}',
              b'{"username": "canbo1", "password": "thanhxa-demo", "device_name": ["a"]}']
    for body in bodies:
        response = api.client.post("/api/v1/tokens", data=body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] in ("bad_request", "not_json")


def test_wrong_passwords_are_rate_limited(make_app, commune):
    """After the configured number of wrong passwords the endpoint answers 429, even to the right one
    (sign-in throttling per account, ``webapp.auth.throttle``; more in tests/security/test_sign_in_throttle.py)."""
    limited = make_app(SIGN_IN_THROTTLE_ENABLED=True, SIGN_IN_ACCOUNT_FAILURES=3)
    client = limited.test_client()
    statuses = [client.post("/api/v1/tokens", json={"username": "canbo1", "password": f"guess{i}"}).status_code
                for i in range(3)]
    assert statuses == [401, 401, 401]
    blocked = client.post("/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo"})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert blocked.get_json()["error"]["code"] == "rate_limited"


def test_revoked_token_gets_401(api):
    """``DELETE /api/v1/tokens/current`` → 204; the token is dead afterwards, another device's is not."""
    token, other = api.token(device="phone"), api.token(device="tablet")
    response = api.client.delete("/api/v1/tokens/current", headers=api.auth(token))
    assert response.status_code == 204
    after = api.client.get("/api/v1/me", headers=api.auth(token))
    assert after.status_code == 401 and after.get_json()["error"]["code"] == "unauthorized"
    assert api.sync(token, [api.entry()]).status_code == 401
    assert api.client.get("/api/v1/me", headers=api.auth(other)).status_code == 200


def test_revoking_needs_a_token(api, auth):
    """A cookie session has no token to revoke: 400 JSON, not a crash."""
    auth.login()
    response = api.client.delete("/api/v1/tokens/current", headers={"X-Binhdang-Client": "1"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "no_token"


def test_cookie_api_call_without_client_header_is_refused(api, auth):
    """A cookie-authenticated sync without X-Binhdang-Client: 403, nothing saved; with it: accepted."""
    auth.login()
    payload = {"entries": [api.entry()]}
    refused = api.client.post("/api/v1/sync", json=payload)
    assert refused.status_code == 403
    with api.client.application.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM entry")).scalar() == 0
    accepted = api.client.post("/api/v1/sync", json=payload, headers={"X-Binhdang-Client": "1"})
    assert accepted.status_code == 200
    assert accepted.get_json()["results"][0]["status"] == "created"


def test_devices_page_lists_and_revokes_own_tokens(app, api):
    """The person sees each device with its name and revokes one with a plain form post."""
    token = api.token(device="Điện thoại Android")
    api.client.get("/api/v1/me", headers=api.auth(token))
    browser = app.test_client()
    browser.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    page = browser.get("/devices")
    assert page.status_code == 200
    assert "Điện thoại Android".encode() in page.data
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    response = browser.post(f"/devices/{token_id}/revoke")
    assert response.status_code == 302 and response.headers["Location"] == "/devices"
    assert api.client.get("/api/v1/me", headers=api.auth(token)).status_code == 401
    after = browser.get("/devices").data
    assert "Đã đăng xuất thiết bị: Điện thoại Android.".encode() in after  # the flash says so
    assert b"data-token-id" not in after  # and the list is empty


def test_devices_page_is_in_the_menu(api, auth):
    """Every signed-in person finds "my devices" in the menu."""
    auth.login()
    assert b'href="/devices"' in api.client.get("/entries/").data


def test_admin_revokes_a_lost_phone(app, api):
    """An admin sees another person's device and revokes it; that phone's token stops working."""
    lost = api.token("canbo2", device="Điện thoại bị mất")
    admin = app.test_client()
    admin.post("/login", data={"username": "quantri", "password": "thanhxa-demo"})
    page = admin.get("/devices")
    assert "Điện thoại bị mất".encode() in page.data and b"canbo2" in page.data
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    assert admin.post(f"/devices/{token_id}/revoke").status_code == 302
    assert api.client.get("/api/v1/me", headers=api.auth(lost)).status_code == 401


def test_others_cannot_revoke_or_see_someone_elses_device(app, api):
    """A field staff member neither sees nor revokes another person's token (404), it keeps working."""
    other = api.token("canbo2", device="Máy của Lan")
    browser = app.test_client()
    browser.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    assert "Máy của Lan".encode() not in browser.get("/devices").data
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    assert browser.post(f"/devices/{token_id}/revoke").status_code == 404
    assert api.client.get("/api/v1/me", headers=api.auth(other)).status_code == 200


def test_a_revoked_bearer_token_is_refused_even_beside_a_session_cookie(api, auth):
    """The bearer header decides: a revoked token with a valid cookie still gets 401."""
    token = api.token()
    api.client.delete("/api/v1/tokens/current", headers=api.auth(token))
    auth.login()  # the same client now also holds a valid session cookie
    assert api.client.get("/api/v1/me").status_code == 200
    response = api.client.get("/api/v1/me", headers=api.auth(token))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_a_tokens_last_use_is_written_at_most_every_few_minutes(api):
    """Requests close together leave the recorded last use alone; one after the interval moves it."""
    import datetime as dt

    from webapp.auth.services import TOKEN_TOUCH_INTERVAL

    token = api.token()
    assert api.client.get("/api/v1/me", headers=api.auth(token)).status_code == 200
    with api.client.application.app_context():
        first = db.session.scalar(sa.select(ApiToken.last_used_at))
    assert api.client.get("/api/v1/me", headers=api.auth(token)).status_code == 200
    with api.client.application.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) == first
        earlier = first - TOKEN_TOUCH_INTERVAL - dt.timedelta(seconds=1)
        db.session.execute(sa.update(ApiToken).values(last_used_at=earlier))
        db.session.commit()
    assert api.client.get("/api/v1/me", headers=api.auth(token)).status_code == 200
    with api.client.application.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) > first
