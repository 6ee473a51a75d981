"""Two app servers (gunicorn processes on different ports) on one PostgreSQL share the sign-in throttle:
failures made on one count on the other, for the account and for the address, form and API alike; in
the database by default, in Redis when REDIS_URL is set."""
from __future__ import annotations

import secrets

import pytest
import requests

from tests.ops.servers import AppServer, environment
from tests.ops.test_two_app_servers import _csrf

LIMITS = {"SIGN_IN_ACCOUNT_FAILURES": "4", "SIGN_IN_ADDRESS_FAILURES": "10", "SIGN_IN_FIRST_LOCK_SECONDS": "60"}


def _login(base: str, username: str, password: str) -> requests.Response:
    """Post the login form of ``base`` from a new browser (CSRF on, as in production)."""
    browser = requests.Session()
    token = _csrf(browser, f"{base}/login")
    return browser.post(f"{base}/login", data={"username": username, "password": password, "csrf_token": token},
                        timeout=30, allow_redirects=False)


@pytest.fixture(params=["database", "redis"])
def store(request):
    """The environment choosing the store; for Redis a key prefix of this test, removed afterwards."""
    if request.param == "database":
        yield {}
        return
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    prefix = f"binhdang-test:{secrets.token_hex(6)}:"
    yield {"REDIS_URL": "redis://127.0.0.1:6379/0", "SIGN_IN_REDIS_PREFIX": prefix}
    keys = list(client.scan_iter(match=prefix + "*"))
    assert keys, "the servers should have counted in Redis"
    client.delete(*keys)
    client.close()


def test_two_app_servers_share_the_sign_in_limit(fault_db, store, tmp_path):
    """4 failures alternating between A and B lock the account on both; 10 spread over other names lock
    the address on both; another account is not held by the first account's lock."""
    url, _ids = fault_db
    servers = [AppServer(environment(url, INSTANCE_PATH=str(tmp_path / f"instance-{name}"), **LIMITS, **store),
                         tmp_path / f"{name}.log", threads=2) for name in ("a", "b")]
    try:
        for server in servers:
            server.start()
        a, b = (server.url for server in servers)
        statuses = [_login((a, b)[n % 2], "canbo1", f"wrong-{n}").status_code for n in range(4)]
        assert statuses == [400, 400, 400, 400]
        for base in (a, b):
            locked = _login(base, "canbo1", "thanhxa-demo")
            assert locked.status_code == 429 and locked.headers["Retry-After"] == "60"
            assert "Vui lòng chờ 1 phút" in locked.text
        api = requests.post(f"{b}/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo",
                                                        "device_name": "x"}, timeout=30)
        assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"
        assert _login(b, "canbo2", "thanhxa-demo").status_code == 302  # same address, other account

        # The address: 6 more failures (10 in all) on other names, alternating servers.
        statuses = [_login((a, b)[n % 2], f"khach{n % 3}", "sai").status_code for n in range(6)]
        assert statuses == [400] * 6
        for base in (a, b):
            assert _login(base, "duyet", "thanhxa-demo").status_code == 429
    finally:
        logs = [server.log() for server in servers]
        for server in servers:
            server.stop()
    assert not any("Traceback" in log for log in logs), logs
