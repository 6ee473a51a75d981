"""Sign-in throttling per account, per address and per known device (issue 9 §7), on the login form and
``POST /api/v1/tokens``, with the database store and with Redis (a real server at 127.0.0.1:6379)."""
from __future__ import annotations

import secrets
import threading

import pytest
import sqlalchemy as sa

from tests.api.conftest import make_app  # noqa: F401  (fixture)
from tests import conftest
from tests.conftest import DEMO_PASSWORD
from webapp.auth import throttle
from webapp.extensions import db

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMITS = {"SIGN_IN_THROTTLE_ENABLED": True, "SIGN_IN_ACCOUNT_FAILURES": 3, "SIGN_IN_ADDRESS_FAILURES": 7,
          "SIGN_IN_DEVICE_FAILURES": 3, "SIGN_IN_FIRST_LOCK_SECONDS": 60, "SIGN_IN_MAX_LOCK_SECONDS": 300,
          "SIGN_IN_WINDOW_SECONDS": 900}
WAIT_ONE_MINUTE = "Đăng nhập sai quá nhiều lần. Vui lòng chờ 1 phút rồi thử lại."


@pytest.fixture(params=["database", "redis"])
def backend(request):
    """The store under test; for Redis a key prefix of this test only, removed afterwards."""
    if request.param == "database":
        yield {}
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # a Redis server is part of this machine and of CI
    prefix = f"binhdang-test:{secrets.token_hex(6)}:"
    yield {"REDIS_URL": REDIS_URL, "SIGN_IN_REDIS_PREFIX": prefix}
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def app_settings(database_url, backend):
    """Throttling on, with small thresholds, on the chosen store."""
    return conftest.test_settings(database_url, **LIMITS, **backend)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by the test (no sleeping)."""
    state = {"now": 1_800_000_000.0}
    monkeypatch.setattr(throttle, "now", lambda: state["now"])

    class Clock:
        """Move time forward."""

        def advance(self, seconds: float) -> None:
            """``seconds`` later."""
            state["now"] += seconds

    return Clock()


def login(client, username="canbo1", password=DEMO_PASSWORD, **headers):
    """Post the login form."""
    return client.post("/login", data={"username": username, "password": password}, headers=headers)


def token(client, username="canbo1", password=DEMO_PASSWORD, **headers):
    """Ask for a device token."""
    return client.post("/api/v1/tokens", json={"username": username, "password": password, "device_name": "t"},
                       headers=headers)


def fail(client, username="canbo1", times=3, **headers):
    """``times`` wrong passwords for ``username``; each is an ordinary refusal."""
    for number in range(times):
        assert login(client, username, f"wrong-{number}", **headers).status_code == 400


def test_account_lock_refuses_even_the_right_password_then_expires(client, commune, clock):
    """After 3 failures the account waits a minute (Vietnamese message, Retry-After); then it signs in."""
    fail(client)
    locked = login(client)
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "60"
    assert WAIT_ONE_MINUTE in locked.get_data(as_text=True)
    assert client.get("/entries/").status_code == 302  # not signed in
    clock.advance(59)
    assert login(client).status_code == 429
    clock.advance(2)
    assert login(client).status_code == 302


def test_lock_doubles_and_is_capped_at_five_minutes(client, commune, clock):
    """Each failure after the lock doubles it (60, 120, 240 s) but never beyond 300 s; a new window
    (15 minutes after the first failure) starts from zero."""
    fail(client)
    waits = []
    for _round in range(4):
        waits.append(int(login(client).headers["Retry-After"]))
        clock.advance(waits[-1])
        fail(client, times=1)
    page = login(client)
    waits.append(int(page.headers["Retry-After"]))
    assert waits == [60, 120, 240, 300, 300]
    assert "Vui lòng chờ 5 phút" in page.get_data(as_text=True)
    clock.advance(300)  # 1020 s after the first failure: a new window
    fail(client, times=1)
    assert login(client).status_code == 302


def test_other_accounts_behind_the_same_address_are_not_held(client, commune, clock):
    """One account locked from an address does not slow another account from that address."""
    fail(client, "canbo1")
    assert login(client, "canbo1").status_code == 429
    other = client.application.test_client()
    assert login(other, "canbo2").status_code == 302


def test_success_clears_the_accounts_failures(client, commune, clock):
    """2 failures, a success, 2 failures: no lock (the count started again)."""
    fail(client, times=2)
    assert login(client).status_code == 302
    client.post("/logout")
    fail(client, times=2)
    assert login(client).status_code == 302


def test_unknown_usernames_lock_like_real_ones(client, commune, clock):
    """The lock does not reveal which usernames exist."""
    fail(client, "khong-ai-ca")
    assert login(client, "khong-ai-ca").status_code == 429
    assert login(client, "KHONG-AI-CA ").status_code == 429  # case and spaces do not make a new account


def test_address_lock_holds_every_account_and_spoofed_forwarded_for_does_not_escape(client, commune, clock):
    """7 failures spread over accounts (each under its own limit) lock the address; a client sending a new
    X-Forwarded-For each time is the same address when no proxy is configured (PROXY_COUNT=0)."""
    for number in range(7):
        assert login(client, f"khach{number % 4}", "sai", **{"X-Forwarded-For": f"203.0.113.{number}"}
                     ).status_code == 400
    for forwarded in ("198.51.100.9", "10.0.0.1, 198.51.100.10"):
        refused = login(client, "canbo2", **{"X-Forwarded-For": forwarded})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 60
    assert token(client.application.test_client(), "duyet").status_code == 429
    clock.advance(61)
    assert login(client, "canbo2").status_code == 302


def test_forwarded_for_counts_only_behind_a_configured_proxy(make_app, commune, clock):
    """With PROXY_COUNT=1 the proxy's X-Forwarded-For is the address: one client locked, another not."""
    proxied = make_app(PROXY_COUNT=1).test_client()
    fail(proxied, "khach", times=3, **{"X-Forwarded-For": "203.0.113.5"})
    fail(proxied, "khach2", times=3, **{"X-Forwarded-For": "203.0.113.5"})
    fail(proxied, "khach3", times=1, **{"X-Forwarded-For": "203.0.113.5"})
    assert login(proxied, "canbo2", **{"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert login(proxied, "canbo2", **{"X-Forwarded-For": "198.51.100.7"}).status_code == 302


def test_a_known_device_is_not_locked_out_by_an_attacker(client, commune, clock):
    """A browser that signed in before keeps signing in while the account is locked elsewhere; its own
    failures have their own budget; a forged device cookie gives nothing."""
    assert login(client).status_code == 302
    client.post("/logout")
    attacker = client.application.test_client()
    fail(attacker)
    assert login(attacker).status_code == 429
    forged = client.application.test_client()
    forged.set_cookie("binhdang_device", "eyJuIjoieCIsImEiOltdfQ.forged.sig")
    assert login(forged).status_code == 429
    assert login(client).status_code == 302  # the owner's browser
    client.post("/logout")
    fail(client, times=3)
    assert login(client).status_code == 429  # the device's own budget is spent
    clock.advance(61)
    assert login(client).status_code == 302


def test_token_endpoint_is_throttled_with_the_same_counters(client, commune, clock):
    """``POST /api/v1/tokens``: 401s, then 429 JSON with Retry-After, shared with the form; others unaffected."""
    assert [token(client, password=f"x{n}").status_code for n in range(2)] == [401, 401]
    fail(client.application.test_client(), times=1)  # the form's failure counts for the API too
    refused = token(client)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert refused.get_json() == {"error": {"code": "rate_limited", "message": WAIT_ONE_MINUTE}}
    assert token(client, "canbo2").status_code == 201
    clock.advance(61)
    assert token(client).status_code == 201


def test_concurrent_failures_are_all_counted(app, commune, clock):
    """16 threads failing at once for one account leave exactly 16 failures (atomic upsert / Lua script)."""
    counter = throttle.Counter(throttle.digest("acct", "dong-thoi"), threshold=100)
    start = threading.Barrier(16)
    errors = []

    def hit() -> None:
        """One failure, recorded from a thread of its own."""
        try:
            with app.app_context():
                start.wait()
                throttle.store().fail([counter], int(throttle.now() * 1000))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=hit) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        store = throttle.store()
        if isinstance(store, throttle.RedisStore):
            failures = int(store.client.hget(store.prefix + counter.key, "failures"))
            assert db.session.scalar(sa.text("SELECT count(*) FROM sign_in_failures")) == 0
        else:
            failures = db.session.scalar(sa.text("SELECT failures FROM sign_in_failures WHERE key = :k"),
                                         {"k": counter.key})
    assert failures == 16


def test_nothing_identifying_is_stored(app, client, commune, clock, backend):
    """The counters are keyed by digests: no username or address in the table or in Redis."""
    fail(client, "canbo1", times=1)
    with app.app_context():
        store = throttle.store()
        if backend:
            keys = [key.decode() for key in store.client.scan_iter(match=store.prefix + "*")]
        else:
            keys = db.session.scalars(sa.text("SELECT key FROM sign_in_failures")).all()
    assert len(keys) == 2 and not any("canbo1" in k or "127.0.0.1" in k for k in keys)


def test_an_unreachable_redis_does_not_stop_sign_in(make_app, commune, backend):
    """Redis down: sign-in still works (logged), a wrong password is still a plain refusal, never a 500."""
    broken = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client()
    assert login(broken, password="sai").status_code == 400
    assert login(broken).status_code == 302


def test_redis_url_is_the_store_of_the_throttle_and_of_flask_limiter(monkeypatch, tmp_path):
    """With REDIS_URL set, the throttle counts in Redis and Flask-Limiter's storage is the same server."""
    from webapp import create_app

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    with app.test_request_context("/login", method="POST"):
        assert isinstance(throttle.store(), throttle.RedisStore)
    with app.app_context():
        db.engine.dispose()
