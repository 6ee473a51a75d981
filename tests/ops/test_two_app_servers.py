"""Two app servers on different ports, each with its own worker and instance folder, sharing nothing
but one PostgreSQL: a session from one works on the other, an export started on one downloads from
the other, and no notification is sent twice although both workers poll the same queue."""
from __future__ import annotations

import json
import re
import time

import pytest
import requests
import sqlalchemy as sa
from py_vapid import Vapid
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tests.api.conftest import ApiClient
from tests.ops.servers import AppServer, Worker, environment
from tests.push.local_push_service import BrowserKeys, LocalPushService
from tests.reports.helpers import YEAR_2023, docx_tables

SETTINGS = {"PUSH_ALLOW_LOCAL_ENDPOINTS": True, "PUSH_ALLOWED_HOSTS": [], "PUSH_RETRY_BASE_SECONDS": 0,
            "PUSH_WAITING_INTERVAL_MINUTES": 0, "PUSH_RETURNED_GROUP_MINUTES": 0}


def _csrf(session: requests.Session, url: str) -> str:
    """The CSRF token of a page's forms."""
    page = session.get(url, timeout=30).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _sign_in(base: str, username: str) -> requests.Session:
    """A browser session signed in through the login form of ``base``."""
    session = requests.Session()
    # Like a browser, retry a GET whose kept-alive connection the server closed just as it was reused
    # (gunicorn drops idle keep-alive connections after 2 s; under load the two can cross).
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=3, connect=3, read=3, backoff_factor=0.2,
                                                           allowed_methods={"GET"}, raise_on_status=False)))
    token = _csrf(session, f"{base}/login")
    response = session.post(f"{base}/login", data={"username": username, "password": "thanhxa-demo",
                                                   "csrf_token": token}, timeout=30, allow_redirects=False)
    assert response.status_code == 302, response.text[:300]
    return session


@pytest.mark.slow
def test_two_app_servers_share_sessions_exports_and_one_notification_queue(fault_db, tmp_path):
    """Two gunicorns and two workers on one database, with the same secrets and nothing else shared."""
    url, ids = fault_db
    vapid = Vapid()
    vapid.generate_keys()
    shared = {"VAPID_PRIVATE_KEY": vapid.private_pem().decode(), "BINHDANG_SETTINGS_JSON": json.dumps(SETTINGS)}
    push = LocalPushService()
    processes = []
    try:
        servers = []
        for name in ("a", "b"):
            env = environment(url, INSTANCE_PATH=str(tmp_path / f"instance-{name}"), **shared)
            server = AppServer(env, tmp_path / f"{name}.log")
            worker = Worker(env, tmp_path / f"{name}-worker.log", interval=0.1)
            processes += [server, worker]
            server.start()
            worker.start()
            servers.append(server)
        a, b = (server.url for server in servers)

        # A session made on A is a session on B.
        supervisor = _sign_in(a, "duyet")
        page = supervisor.get(f"{b}/entries/", timeout=30, allow_redirects=False)
        assert page.status_code == 200 and "(duyet)" in page.text

        # The supervisor's phone subscribes through B; entries synced through both servers notify it.
        keys = BrowserKeys()
        answer = supervisor.post(f"{b}/api/v1/push/subscriptions", json=keys.subscription(push.endpoint("duyet")),
                                 headers={"X-Binhdang-Client": "1", "Origin": b}, timeout=30)
        assert answer.status_code == 201, answer.text[:300]
        phone = ApiClient(None, ids)
        token = requests.post(f"{a}/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo",
                                                          "device_name": "two servers"}, timeout=30).json()["token"]
        for number in range(6):
            base = (a, b)[number % 2]
            response = requests.post(f"{base}/api/v1/sync", json={"entries": [phone.entry()]}, timeout=30,
                                     headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200
            time.sleep(0.3)

        # An export asked on A is built by one of the workers and downloads from B.
        response = supervisor.post(f"{a}/reports/exports", timeout=30, allow_redirects=False, data={
            "format": "docx", "csrf_token": _csrf(supervisor, f"{a}/entries/"), **YEAR_2023})
        assert response.status_code == 302, response.text[:300]
        job_id = response.headers["Location"].rsplit("/", 1)[1]
        deadline = time.monotonic() + 90
        while (progress := supervisor.get(f"{b}/api/v1/reports/exports/{job_id}", timeout=30).json())[
                "status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, progress
            time.sleep(0.2)
        assert progress["status"] == "done"
        download = supervisor.get(f"{b}{progress['download_url']}", timeout=30)
        assert download.status_code == 200 and download.content[:2] == b"PK"
        assert docx_tables(download.content) is not None

        time.sleep(1.5)  # both workers have had several passes over the queue
    finally:
        for process in processes:
            process.stop()
        push.stop()

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        sent = connection.execute(sa.text("SELECT count(*) FROM notification WHERE state = 'sent'")).scalar()
        deliveries = connection.execute(sa.text(
            "SELECT notification_id, count(*) FROM push_delivery GROUP BY notification_id")).all()
        delivered = connection.execute(sa.text("SELECT count(*) FROM push_delivery WHERE state = 'sent'")).scalar()
        builder = connection.execute(sa.text("SELECT worker FROM export_job WHERE id = :id"), {"id": job_id}).scalar()
    engine.dispose()
    assert sent >= 2, "the syncs should have made several notifications"
    assert all(count == 1 for _id, count in deliveries), deliveries
    assert len(push.arrivals) == delivered == sent, (len(push.arrivals), delivered, sent)
    assert builder and builder != "inline"
    for arrival in push.arrivals:
        assert keys.decrypt(arrival.body)["url"]
