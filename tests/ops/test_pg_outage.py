"""PostgreSQL stopped and started again while a phone syncs through gunicorn: only 503 + Retry-After
during the outage, never a 500, 0 entries lost, 0 doubled, and the app recovers without a restart."""
from __future__ import annotations

import time
import uuid as uuidlib

import pytest
import requests
import sqlalchemy as sa

from tests.api.conftest import ApiClient
from tests.ops.servers import AppServer, environment

BATCHES, BATCH_SIZE = 8, 10


def _entry(ids: dict, number: int) -> dict:
    """A new outreach entry."""
    return {"uuid": str(uuidlib.uuid4()), "kind": "outreach", "base_revision": None,
            "data": {**ApiClient(None, ids).data(), "participants_male": number % 40}}


@pytest.mark.slow
def test_database_outage_answers_503_and_recovers_alone(fault_pg, fault_db, tmp_path):
    """Batches sent until answered 200; the cluster is stopped after the 3rd and started 2 s later."""
    url, ids = fault_db
    server = AppServer(environment(url, RETRY_AFTER_SECONDS="2", DB_POOL_TIMEOUT="2"), tmp_path / "app.log")
    server.start()
    statuses: dict[int, int] = {}
    try:
        token = requests.post(f"{server.url}/api/v1/tokens", json={
            "username": "canbo1", "password": "thanhxa-demo", "device_name": "outage"}, timeout=10).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        batches = [[_entry(ids, b * BATCH_SIZE + i) for i in range(BATCH_SIZE)] for b in range(BATCHES)]
        stopped_at = restarted_at = recovered_at = None
        for number, batch in enumerate(batches):
            if number == 3:
                fault_pg.stop()
                stopped_at = time.monotonic()
            deadline = time.monotonic() + 60
            while True:
                if stopped_at and restarted_at is None and time.monotonic() - stopped_at > 2:
                    fault_pg.start()
                    restarted_at = time.monotonic()
                response = requests.post(f"{server.url}/api/v1/sync", json={"entries": batch},
                                         headers=headers, timeout=(2, 30))
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code == 200:
                    if restarted_at and recovered_at is None:
                        recovered_at = time.monotonic()
                    break
                assert response.status_code == 503, response.text[:300]
                assert int(response.headers["Retry-After"]) > 0
                assert response.json()["error"]["code"] in ("database_unavailable", "server_busy")
                assert time.monotonic() < deadline, "never recovered"
                time.sleep(0.2)
            assert {r["status"] for r in response.json()["results"]} <= {"created", "unchanged"}
        assert server.alive, "the app server died"
    finally:
        server.stop()
        if not _answers(fault_pg.url):
            fault_pg.start()
    assert statuses.get(503, 0) >= 1, f"the outage was not seen: {statuses}"
    assert set(statuses) <= {200, 503}, statuses
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        uuids = list(connection.execute(sa.text("SELECT uuid FROM entry")).scalars())
        creates = connection.execute(sa.text("SELECT count(*) FROM audit_event WHERE action = 'create'")).scalar()
    engine.dispose()
    sent = {entry["uuid"] for batch in batches for entry in batch}
    assert set(uuids) == sent, f"{len(sent - set(uuids))} lost"
    assert len(uuids) == len(sent) == creates, "an entry was doubled"


def _answers(url: str) -> bool:
    """Whether the cluster accepts a connection."""
    engine = sa.create_engine(url + "?connect_timeout=2")
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()
