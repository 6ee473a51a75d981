"""The logs of a real run: one JSON line per request (request id, user id, status, duration), and
never a note's text, a comment, a token, a password or a photo in them."""
from __future__ import annotations

import base64
import json
import time

import pytest
import requests

from tests.api import images
from tests.ops.servers import AppServer, Worker, environment

NOTE = "GHI-CHU-RIENG-7f3a Chị Lan ở xóm 3"
COMMENT = "NHAN-XET-RIENG-91bc thiếu số liệu"
WRONG_PASSWORD = "Sai-Mat-Khau-5d2e"
PASSWORD = "thanhxa-demo"


@pytest.mark.slow
def test_request_lines_are_json_with_ids_and_nothing_private(app, api, database_url, tmp_path):
    """Sign in (right and wrong), make a token, sync a note, upload a photo, return it with a comment."""
    log_path = tmp_path / "server.log"
    server = AppServer(environment(database_url), log_path)
    server.start()
    worker = Worker(environment(database_url), log_path)
    try:
        base = server.url
        assert requests.post(f"{base}/api/v1/tokens", json={"username": "canbo1", "password": WRONG_PASSWORD,
                                                             "device_name": "x"}, timeout=10).status_code == 401
        answer = requests.post(f"{base}/api/v1/tokens", json={"username": "canbo1", "password": PASSWORD,
                                                              "device_name": "log test"}, timeout=10)
        token = answer.json()["token"]
        reviewer = requests.post(f"{base}/api/v1/tokens", json={"username": "duyet", "password": PASSWORD,
                                                                "device_name": "log test"}, timeout=10).json()["token"]
        entry = api.entry(notes=NOTE)
        sync = requests.post(f"{base}/api/v1/sync", json={"entries": [entry]}, timeout=30,
                             headers={"Authorization": f"Bearer {token}", "X-Request-ID": "phone-req-0001"})
        assert sync.status_code == 200 and sync.headers["X-Request-ID"] == "phone-req-0001"
        photo = images.jpeg(320, 240)
        put = requests.put(f"{base}/api/v1/entries/{entry['uuid']}/photos/{images.sha256(photo)}", data=photo,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"}, timeout=30)
        assert put.status_code in (200, 201), put.text[:200]
        review = requests.post(f"{base}/api/v1/entries/{entry['uuid']}/review", timeout=30,
                               json={"action": "return", "comment": COMMENT, "revision": 1},
                               headers={"Authorization": f"Bearer {reviewer}"})
        assert review.status_code == 200, review.text[:200]
        browser = requests.Session()
        assert browser.post(f"{base}/login", data={"username": "canbo1", "password": WRONG_PASSWORD},
                            timeout=10).status_code in (200, 400)
        worker.start()
        deadline = time.monotonic() + 30  # the worker's first pass sends the return's notification
        while "worker pass" not in log_path.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.stop()
        server.stop()
    text = log_path.read_text(errors="replace")
    for secret in (NOTE, "GHI-CHU-RIENG", COMMENT, "NHAN-XET-RIENG", WRONG_PASSWORD, PASSWORD, token, reviewer):
        assert secret not in text, f"{secret[:12]}… is in the logs"
    photo_b64 = base64.b64encode(photo).decode()
    assert photo_b64[100:160] not in text and photo[100:160].hex() not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests_logged = [line for line in lines if line.get("message") == "request"]
    assert len(requests_logged) >= 6
    synced = [line for line in requests_logged if line["request_id"] == "phone-req-0001"]
    assert len(synced) == 1
    assert synced[0]["endpoint"] == "api.sync" and synced[0]["status"] == 200
    assert synced[0]["user_id"] and synced[0]["duration_ms"] > 0
    assert all(len(line["request_id"]) >= 8 for line in requests_logged)
    assert any(line.get("logger") == "binhdang.worker" and line["message"] == "worker pass" for line in lines)
