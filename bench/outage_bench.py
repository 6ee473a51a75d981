"""A 30 s PostgreSQL outage under a syncing phone, through gunicorn as deployed (``gunicorn.conf.py``)
and with ``flask worker`` running: entries sent, lost, doubled, statuses seen, seconds to recover;
then the list of metrics with one scraped sample each.

Run: ``.venv/bin/python -m bench.run outage`` (``OUTAGE_SECONDS`` changes the outage's length).
The phone retries 0.25 s after a refusal (a real phone waits the ``Retry-After`` it is given), so the
recovery time measured is the server's, not the client's back-off.
"""
from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
import uuid as uuidlib
from collections import Counter
from pathlib import Path

import requests
import sqlalchemy as sa

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 20
TOKEN = "bench-metrics-" + secrets.token_hex(8)


def _entry(ids: dict, number: int) -> dict:
    """A new outreach entry."""
    return {"uuid": str(uuidlib.uuid4()), "kind": "outreach", "base_revision": None, "data": {
        "unit_id": ids["chi-hoi-pn-thon-thanh-xa"], "village_id": ids["thon-thanh-xa"], "date": "2023-06-12",
        "participants_male": number % 50, "participants_female": 30, "cost_vnd": 0, "notes": "",
        "format": "village_meeting"}}


def _metrics(base: str) -> dict[str, str]:
    """Every metric name with one sample line (the whole scrape goes to ``results/outage_metrics.txt``)."""
    text = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).text
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "outage_metrics.txt").write_text(text)
    samples: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line and not line.startswith("#"):
            samples.setdefault(line.split("{", 1)[0].split(" ", 1)[0], line)
    return {name: line for name, line in samples.items() if name.startswith("binhdang_")}


def main() -> dict:
    """Run the outage and write ``bench/results/outage.json``."""
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="binhdang-outage-"))
    from tests.ops.servers import AppServer, PgCluster, Worker, environment, prepare

    outage = float(os.environ.get("OUTAGE_SECONDS", "30"))
    cluster = PgCluster()
    cluster.start()
    logs = Path(tempfile.mkdtemp(prefix="binhdang-outage-logs-"))
    server = worker = None
    try:
        url = cluster.new_database("outage")
        ids = prepare(url)
        env = environment(url, METRICS_TOKEN=TOKEN, WEB_CONCURRENCY="2")
        server = AppServer(env, logs / "app.log", workers=2)
        server.start()
        worker = Worker(env, logs / "worker.log", interval=1)
        worker.start()
        token = requests.post(f"{server.url}/api/v1/tokens", json={
            "username": "canbo1", "password": "thanhxa-demo", "device_name": "outage bench"}, timeout=30).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        sent: set[str] = set()
        statuses: Counter = Counter()
        during: Counter = Counter()
        started = time.monotonic()
        stopped_at = restarted_at = recovered_at = None
        number = 0
        while True:
            now = time.monotonic() - started
            if stopped_at is None and now >= 5:
                cluster.stop()
                stopped_at = time.monotonic()
            if stopped_at and restarted_at is None and time.monotonic() - stopped_at >= outage:
                cluster.start()
                restarted_at = time.monotonic()
            if recovered_at and time.monotonic() - recovered_at >= 5:
                break
            batch = [_entry(ids, number + i) for i in range(BATCH)]
            number += BATCH
            sent.update(entry["uuid"] for entry in batch)
            while True:  # the phone sends this batch until it is answered 200
                try:
                    response = requests.post(f"{server.url}/api/v1/sync", json={"entries": batch},
                                             headers=headers, timeout=(3, 30))
                    code = response.status_code
                except requests.RequestException as exc:
                    code = type(exc).__name__
                statuses[code] += 1
                if stopped_at and recovered_at is None:
                    during[code] += 1
                if restarted_at is None and stopped_at and time.monotonic() - stopped_at >= outage:
                    cluster.start()
                    restarted_at = time.monotonic()
                if code == 200:
                    if restarted_at and recovered_at is None:
                        recovered_at = time.monotonic()
                    break
                time.sleep(0.25)
        time.sleep(2)  # a worker pass after the outage, so its heartbeat is in the scrape
        metrics = _metrics(server.url)
    finally:
        for process in (worker, server):
            if process is not None:
                process.stop()
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = list(connection.execute(sa.text("SELECT uuid FROM entry")).scalars())
    engine.dispose()
    cluster.destroy()
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} CPUs, shared with other work",
        "outage_seconds": outage,
        "entries_sent": len(sent),
        "entries_stored": len(set(stored)),
        "lost": len(sent - set(stored)),
        "doubled": len(stored) - len(set(stored)),
        "statuses_all": {str(k): v for k, v in statuses.items()},
        "statuses_from_stop_to_recovery": {str(k): v for k, v in during.items()},
        "seconds_to_recover": round(recovered_at - restarted_at, 2),
        "app_server_restarted": False,
        "metrics": metrics,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "outage.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
