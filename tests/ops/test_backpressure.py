"""More concurrent syncs than the pool can serve: the excess is answered 503 + Retry-After within
the pool timeout instead of waiting until the phone gives up; resent, every entry is stored once."""
from __future__ import annotations

import threading
import time

import pytest
import requests
import sqlalchemy as sa

from tests.api.conftest import ApiClient
from tests.ops.servers import AppServer, environment

PHONES, BATCH = 6, 40


@pytest.mark.slow
def test_syncs_beyond_the_pool_get_a_quick_503_then_go_through(fault_db, tmp_path):
    """One gunicorn process, 6 threads, a pool of 1 connection: 6 phones sync at once."""
    url, ids = fault_db
    server = AppServer(environment(url, DB_POOL_SIZE="1", DB_MAX_OVERFLOW="0", DB_POOL_TIMEOUT="0.5"),
                       tmp_path / "app.log", threads=PHONES)
    server.start()
    phone = ApiClient(None, ids)
    batches = [[phone.entry() for _ in range(BATCH)] for _ in range(PHONES)]
    refused: list[tuple[float, requests.Response]] = []
    try:
        tokens = [requests.post(f"{server.url}/api/v1/tokens", timeout=30, json={
            "username": "canbo1", "password": "thanhxa-demo", "device_name": f"phone {n}"}).json()["token"]
            for n in range(PHONES)]
        start = threading.Barrier(PHONES)

        def sync(number: int) -> None:
            """Send the phone's batch until it is accepted."""
            start.wait()
            while True:
                began = time.monotonic()
                response = requests.post(f"{server.url}/api/v1/sync", json={"entries": batches[number]},
                                         headers={"Authorization": f"Bearer {tokens[number]}"}, timeout=60)
                if response.status_code == 200:
                    return
                refused.append((time.monotonic() - began, response))
                time.sleep(0.5)

        threads = [threading.Thread(target=sync, args=(n,)) for n in range(PHONES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        server.stop()
    assert refused, "no sync was refused: the pool was never short"
    for seconds, response in refused:
        assert response.status_code == 503, response.text[:300]
        assert response.json()["error"]["code"] == "server_busy" and response.headers["Retry-After"]
        assert seconds < 10, f"a refusal took {seconds:.1f} s"
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        uuids = list(connection.execute(sa.text("SELECT uuid FROM entry")).scalars())
    engine.dispose()
    assert sorted(uuids) == sorted(entry["uuid"] for batch in batches for entry in batch)
