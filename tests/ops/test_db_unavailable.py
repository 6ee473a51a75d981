"""The database is unreachable or has no free connection: 503 + Retry-After in the contract's shape,
a page in the same words, nothing written, and the next request works again by itself."""
from __future__ import annotations

import time

import sqlalchemy as sa

from tests.api.conftest import ApiClient, snapshot
from webapp.extensions import db

DEAD = "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2"
VI = "Máy chủ tạm thời không ghi được, dữ liệu trên máy vẫn an toàn"


def test_api_answers_503_with_retry_after_in_vietnamese_and_english(make_app):
    """A phone's token request while nobody listens on the database's port."""
    client = make_app(SQLALCHEMY_DATABASE_URI=DEAD).test_client()
    body = {"username": "canbo1", "password": "thanhxa-demo", "device_name": "x"}
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    error = response.get_json()["error"]
    assert error["code"] == "database_unavailable" and error["message"].startswith(VI)
    english = client.post("/api/v1/tokens", json=body, headers={"Accept-Language": "en"}).get_json()["error"]
    assert english["message"].startswith("The server cannot save right now; the data on your device is safe")
    bearer = client.get("/api/v1/me", headers={"Authorization": "Bearer abc", "X-Request-ID": "outage-req-01"})
    assert bearer.status_code == 503 and bearer.headers["X-Request-ID"] == "outage-req-01"
    from webapp.ops.metrics import REQUEST_LATENCY

    assert REQUEST_LATENCY.labels("api.me", "GET", "503")._sum.get() > 0  # timed though the token look-up failed


def test_pages_answer_503_with_a_page_in_the_same_words(make_app):
    """Signing in while the database is down: a calm page, not a 500."""
    client = make_app(SQLALCHEMY_DATABASE_URI=DEAD).test_client()
    response = client.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert VI in page and "data-unavailable" in page and "<html" in page


def test_no_free_connection_answers_503_quickly_then_recovers(make_app, api, app):
    """Backpressure: with every pooled connection busy a sync waits ``pool_timeout``, not a minute."""
    small = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.5,
                                                "pool_pre_ping": True})
    phone = ApiClient(small.test_client(), api.ids)
    token = phone.token()
    entry = phone.entry()
    before = snapshot(app)
    with small.app_context():
        held = db.engine.connect()  # another request holds the only connection
        try:
            started = time.monotonic()
            response = phone.sync(token, [entry])
            elapsed = time.monotonic() - started
        finally:
            held.close()
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "server_busy" and response.headers["Retry-After"]
    assert elapsed < 5, f"answered after {elapsed:.1f} s"
    assert snapshot(app) == before
    assert [r["status"] for r in phone.sync_ok(token, [entry])] == ["created"]


def test_no_free_connection_after_a_commit_still_answers_503(make_app, api):
    """The request's user is expired by a commit, then the pool runs dry: the request's log line
    must not reload the user (that failed in an ``after_request`` hook and answered 500)."""
    from flask import g

    from webapp.auth.api_auth import bearer_user

    small = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2})

    def commit_then_starve():
        """Load the phone's user, commit (expiring it), then find every connection taken."""
        assert bearer_user() is not None
        db.session.commit()
        g.held = db.engine.connect()
        db.session.execute(sa.text("SELECT 1"))
        return "unreachable"

    @small.teardown_request
    def give_back(error=None):
        """Free the connection the route took, after every other hook ran."""
        held = g.pop("held", None)
        if held is not None:
            held.close()

    small.add_url_rule("/api/v1/test-starve", "test_starve", commit_then_starve)
    phone = ApiClient(small.test_client(), api.ids)
    token = phone.token()
    response = small.test_client().get("/api/v1/test-starve", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "server_busy" and response.headers["Retry-After"]


def test_a_database_failure_in_a_response_hook_is_a_503_not_a_500(make_app):
    """Past the error handlers (a hook after the view), a database failure still answers 503."""
    from flask import after_this_request

    small = make_app(PROPAGATE_EXCEPTIONS=False)  # as in production: no exception reaches the client

    def failing_hook():
        """A view whose response hook finds the pool empty."""
        @after_this_request
        def starve(response):
            """Fail as the pool would."""
            raise sa.exc.TimeoutError("QueuePool limit reached")
        return {"ok": True}

    small.add_url_rule("/api/v1/test-hook", "test_hook", failing_hook)
    small.add_url_rule("/test-hook", "test_hook_page", failing_hook)
    response = small.test_client().get("/api/v1/test-hook")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "server_busy"
    page = small.test_client().get("/test-hook")
    assert page.status_code == 503 and VI in page.get_data(as_text=True)
