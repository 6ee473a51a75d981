"""A real gunicorn server killed with SIGKILL at random moments during a sync loop: 0 lost, 0 duplicated.

The client behaves as the outbox does: it sends each batch until it gets an answer, and only an answer
counts. If the server ever answered before committing, a kill right after the answer would lose
entries the client believes accepted; if it were not idempotent, a retry after a kill that struck
after the commit would duplicate them.
"""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid as uuidlib
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
BATCHES, BATCH_SIZE, MAX_KILLS = 16, 20, 8


def _free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn process group serving ``create_app()`` on the test database."""

    def __init__(self, database_url: str, log_path: Path):
        """Remember how to start it."""
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "kill-test-secret"}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        """Start on a fresh port and wait until it answers."""
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--threads", "4",
                 "--bind", f"127.0.0.1:{port}", "webapp:create_app()"],
                cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/login", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise AssertionError("gunicorn did not start:\n" + self.log_path.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the master and its workers at once (no graceful anything)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    @property
    def alive(self) -> bool:
        """Whether the process group's master still runs."""
        return self.process is not None and self.process.poll() is None


@pytest.mark.slow
def test_sigkill_during_sync_loses_and_duplicates_nothing(app, api, database_url, tmp_path):
    """Batches sent until answered while the server is killed at random moments and restarted."""
    rng = random.Random(20231214)
    server = Server(database_url, tmp_path / "gunicorn.log")
    server.start()
    try:
        token = requests.post(f"{server.url}/api/v1/tokens", json={
            "username": "canbo1", "password": "thanhxa-demo", "device_name": "kill test"}, timeout=10).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        batches = [[api.entry(entry_uuid=str(uuidlib.uuid4()), participants_male=rng.randint(0, 50))
                    for _ in range(BATCH_SIZE)] for _ in range(BATCHES)]
        accepted: dict[str, str] = {}
        kills = attempts = 0
        duration = 0.05  # of the last answered request: kills are timed within it
        for number, batch in enumerate(batches):
            if number and rng.random() < 0.3:
                batch = batches[number - 1] + batch  # an answer "lost": the last batch again with this one
            while True:
                attempts += 1
                killer = None
                if kills < MAX_KILLS and rng.random() < 0.7:
                    killer = threading.Timer(rng.uniform(0.0, duration * 1.2), server.kill)
                    killer.start()
                started = time.monotonic()
                try:
                    response = requests.post(f"{server.url}/api/v1/sync", json={"entries": batch},
                                             headers=headers, timeout=(2, 20))
                except requests.RequestException:
                    response = None
                if response is not None and response.status_code == 200:
                    duration = time.monotonic() - started
                if killer is not None:
                    killer.cancel()
                    killer.join()
                if not server.alive:
                    kills += 1
                    server.start()
                if response is not None and response.status_code == 200:
                    break
                assert response is None or response.status_code >= 500, response.text[:300]
            for result in response.json()["results"]:
                assert result["status"] in ("created", "unchanged"), result
                accepted[result["uuid"]] = result["status"]
        assert kills >= 3, f"only {kills} kills in {attempts} attempts: the test did not test"
    finally:
        server.kill()

    sent = {entry["uuid"]: entry["data"] for batch in batches for entry in batch}
    assert set(accepted) == set(sent)
    with app.app_context():
        rows = db.session.scalars(sa.select(Entry)).all()
        creates = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "create"))
        stored = {row.uuid: row.to_data() for row in rows}
    lost = set(sent) - set(stored)
    assert not lost, f"{len(lost)} entries lost"
    assert len(rows) == len(sent) == creates, "an entry was duplicated"
    for entry_uuid, data in sent.items():
        assert stored[entry_uuid]["participants_male"] == data["participants_male"]
