"""The worker dies (SIGKILL) or is stopped (SIGTERM) mid-job, and gunicorn is stopped mid-sync."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import signal
import time
import urllib.parse

import pytest
import requests
import sqlalchemy as sa

from tests.ops.servers import AppServer, Worker, environment
from tests.reports.helpers import YEAR_2023, docx_tables
from webapp.auth.models import utcnow
from webapp.extensions import db
from webapp.reports.models import ExportJob


@pytest.fixture
def demo(app):
    """The demo commune with its 2023 entries (an export of the year takes a few seconds)."""
    from webapp.demo.seed import seed_demo

    with app.app_context():
        seed_demo()
    return app


def _job(app, job_id: str) -> ExportJob:
    """The job as stored now."""
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        db.session.expunge(job)
        return job


def _start_export(client, request_id: str) -> str:
    """The officer asks for the year's DOCX; the job's id."""
    response = client.post("/reports/exports", data={"format": "docx", **YEAR_2023},
                           headers={"X-Request-ID": request_id})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def _wait(app, job_id: str, condition, seconds: float = 90) -> ExportJob:
    """Poll the job until ``condition(job)``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = _job(app, job_id)
        if condition(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job stayed {job.status} at {job.progress}%")


@pytest.mark.slow
def test_a_job_whose_worker_is_killed_is_taken_over_after_its_lease(demo, client, auth, database_url, tmp_path):
    """SIGKILL while building: the job stays claimed until the lease expires, then a second worker
    builds it (attempt 2); the file downloads and opens; the worker's lines carry the request's id."""
    env = environment(database_url, EXPORT_LEASE_SECONDS="2", EXPORT_MAX_ATTEMPTS="3")
    auth.login("tonghop")
    killed = None
    for number in range(4):  # a kill that comes after the file was done does not test anything: again
        first = Worker(env, tmp_path / f"first{number}.log")
        job_id = _start_export(client, f"export-req-{number:04d}")
        first.start()
        running = _wait(demo, job_id, lambda job: job.status == "done" or (job.status == "running"
                                                                           and job.progress >= 10))
        first.signal(signal.SIGKILL)
        first.process.wait()
        if _job(demo, job_id).status == "running":
            killed = running
            break
    assert killed is not None, "the export always finished before the kill"
    assert killed.attempts == 1
    time.sleep(0.5)
    assert _job(demo, job_id).status == "running", "nobody may finish a killed worker's job"
    second = Worker(env, tmp_path / "second.log")
    second.start()
    try:
        done = _wait(demo, job_id, lambda job: job.status in ("done", "failed"))
    finally:
        second.stop()
    assert done.status == "done" and done.attempts == 2 and done.worker != killed.worker
    download = client.get(f"/reports/exports/{job_id}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert docx_tables(download.data)
    assert f'"request_id": "export-req-{number:04d}"' in second.log()


def test_a_job_abandoned_on_every_attempt_is_failed_with_a_retry_button(app, client, auth, runner, commune):
    """Its last worker died and the lease expired: shown failed; the button starts it again."""
    from tests import factories

    with app.app_context():
        owner = factories.user("tonghop").id
        db.session.add(ExportJob(id="33333333-3333-4333-8333-333333333333", user_id=owner, format="xlsx",
                                 params={"from": "2023-01-01", "to": "2023-12-31", "period": None,
                                         "commune": None, "report_date": None},
                                 status="running", progress=30, attempts=2, worker="gone:1",
                                 lease_until=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    auth.login("tonghop")
    page = client.get("/reports/exports/33333333-3333-4333-8333-333333333333").get_data(as_text=True)
    assert 'data-job-state="failed"' in page and "data-export-retry" in page
    response = client.post("/reports/exports/33333333-3333-4333-8333-333333333333/retry")
    assert response.status_code == 302
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert new_id != "33333333-3333-4333-8333-333333333333"
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    progress = client.get(f"/api/v1/reports/exports/{new_id}").get_json()
    assert progress["status"] == "done"
    assert client.get(progress["download_url"]).data[:2] == b"PK"


@pytest.mark.slow
def test_sigterm_lets_the_worker_finish_its_job_and_gunicorn_its_sync(demo, client, auth, database_url, tmp_path):
    """SIGTERM mid-export: the worker ends the job, then exits 0. SIGTERM to gunicorn during a
    500-entry sync: the phone still gets its 200 with 500 results, all stored."""
    env = environment(database_url)
    auth.login("tonghop")
    worker = Worker(env, tmp_path / "worker.log")
    job_id = _start_export(client, "graceful-0001")
    worker.start()
    try:
        _wait(demo, job_id, lambda job: job.status in ("running", "done"))
        worker.signal(signal.SIGTERM)
        assert worker.process.wait(timeout=120) == 0, worker.log()[-2000:]
    finally:
        worker.stop()
    assert _job(demo, job_id).status == "done"

    # A graceful timeout longer than a 500-entry sync on a loaded CI machine (production: 30 s).
    server = AppServer({**env, "GRACEFUL_TIMEOUT": "150"}, tmp_path / "app.log")
    server.start()
    from tests.api.conftest import ApiClient
    with demo.app_context():
        ids = {code: id_ for code, id_ in db.session.execute(sa.text(
            "SELECT code, id FROM unit UNION ALL SELECT code, id FROM village"))}
    phone = ApiClient(None, ids)
    token = requests.post(f"{server.url}/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo",
                                                               "device_name": "graceful"}, timeout=30).json()["token"]
    batch = [phone.entry() for _ in range(500)]
    # The request is in flight for sure when SIGTERM comes: all of it but its last byte is sent (gunicorn
    # has accepted it and the app waits for the body), SIGTERM, then the last byte.
    body = json.dumps({"entries": batch}).encode()
    address = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=160)
    connection.putrequest("POST", "/api/v1/sync")
    for name, value in (("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                        ("Authorization", f"Bearer {token}")):
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(body[:-1])
    time.sleep(0.5)
    server.signal(signal.SIGTERM)
    time.sleep(0.3)
    connection.send(body[-1:])
    try:
        answer = connection.getresponse()
        status, text = answer.status, answer.read().decode()
    except (OSError, http.client.HTTPException) as exc:
        status, text = None, f"the sync got no answer: {exc}\n{server.log()[-2000:]}"
    finally:
        connection.close()
    try:
        assert server.process.wait(timeout=160) == 0
    finally:
        server.stop()
    assert status == 200, text[:2000]
    assert [r["status"] for r in json.loads(text)["results"]] == ["created"] * 500
    with demo.app_context():
        uuids = set(db.session.scalars(sa.text("SELECT uuid FROM entry")))
    assert {entry["uuid"] for entry in batch} <= uuids
