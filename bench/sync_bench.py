"""Entries per second accepted by ``POST /api/v1/sync`` in 500-entry batches, beside a raw SQLite baseline.

Both run in the same process on SQLite files with the same settings (WAL, ``synchronous=FULL``): the
sync through the Flask test client with a bearer token (validation, permissions, a savepoint, the
audit trail and the change counter for each entry, one commit per batch), the baseline as one
``sqlite3.executemany`` of similar rows per batch, committed. The ratio is what the figures mean:
absolute numbers depend on the machine's disk.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import tempfile
import time
import uuid as uuidlib
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "sync.json"
BATCH_SIZE = 500
BATCHES = 6
KINDS = ("outreach", "training", "inspection")
KIND_FIELDS = {
    "outreach": {"format": "direct_talk"},
    "training": {"course_name": "Lồng ghép giới", "days": 2, "trainee_group": "women_leaders"},
    "inspection": {"unit_inspected": "Trường THCS", "content": ["policy"], "violations_found": 0},
}


def _entries(unit_id: int, village_id: int, count: int, offset: int) -> list[dict]:
    """``count`` valid ENTRY objects of the three main kinds."""
    entries = []
    for number in range(offset, offset + count):
        kind = KINDS[number % len(KINDS)]
        entries.append({"uuid": str(uuidlib.uuid4()), "kind": kind, "base_revision": None, "data": {
            "unit_id": unit_id, "village_id": village_id, "date": f"2023-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
            "participants_male": number % 40, "participants_female": number % 50 + 1, "cost_vnd": 100_000 * (number % 7),
            "notes": f"Buổi sinh hoạt số {number} tại nhà văn hóa thôn", **KIND_FIELDS[kind]}})
    return entries


def measure_sync(workdir: Path) -> dict:
    """Entries per second accepted by the sync endpoint (after one warm-up batch)."""
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    import sqlalchemy as sa

    from webapp import create_app, events
    from webapp.demo.seed import seed_structure
    from webapp.extensions import db
    from webapp.i18n_compile import compile_all
    from webapp.units.models import Unit, Village

    compile_all()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'sync.sqlite'}", "SECRET_KEY": "bench",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        seed_structure()
        db.session.commit()
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == "chi-hoi-pn-thon-thanh-xa"))
        village_id = db.session.scalar(sa.select(Village.id).where(Village.code == "thon-thanh-xa"))
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo",
                                                "device_name": "bench"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def send(entries: list[dict]) -> float:
        """Post one batch; its duration; every entry must be created."""
        started = time.perf_counter()
        response = client.post("/api/v1/sync", json={"entries": entries}, headers=headers)
        elapsed = time.perf_counter() - started
        results = response.get_json()["results"]
        assert response.status_code == 200 and {r["status"] for r in results} == {"created"}, results[:2]
        return elapsed

    send(_entries(unit_id, village_id, 50, 0))  # warm-up: imports, caches, first pages of the file
    batches = [_entries(unit_id, village_id, BATCH_SIZE, 1000 + n * BATCH_SIZE) for n in range(BATCHES)]
    elapsed = sum(send(batch) for batch in batches)
    with events.entry_created.muted():  # what the domain-event receivers (push notifications) cost
        muted = [_entries(unit_id, village_id, BATCH_SIZE, 100_000 + n * BATCH_SIZE) for n in range(2)]
        muted_elapsed = sum(send(batch) for batch in muted)
    started = time.perf_counter()
    response = client.post("/api/v1/sync", json={"entries": batches[-1]}, headers=headers)
    send_retry = time.perf_counter() - started
    retry = {r["status"] for r in response.get_json()["results"]}
    with app.app_context():
        db.engine.dispose()
    return {"entries": BATCH_SIZE * BATCHES, "seconds": round(elapsed, 3),
            "entries_per_second": round(BATCH_SIZE * BATCHES / elapsed, 1),
            "entries_per_second_event_receivers_muted": round(2 * BATCH_SIZE / muted_elapsed, 1),
            "retry_of_a_batch_seconds": round(send_retry, 3), "retry_statuses": sorted(retry)}


def measure_raw_sqlite(workdir: Path) -> dict:
    """Rows per second of ``executemany`` of similar rows, one committed transaction per batch."""
    connection = sqlite3.connect(workdir / "raw.sqlite")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("""CREATE TABLE entry (id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, revision INTEGER,
        kind TEXT, status TEXT, unit_id INTEGER, village_id INTEGER, date TEXT, topics TEXT,
        participants_male INTEGER, participants_female INTEGER, cost_vnd INTEGER, notes TEXT,
        details TEXT, author_id INTEGER, created_at TEXT, updated_at TEXT, change_seq INTEGER, search_text TEXT)""")
    connection.execute("CREATE INDEX ix_entry_change_seq ON entry (change_seq)")
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    elapsed = 0.0
    for number in range(BATCHES):
        entries = _entries(1, 1, BATCH_SIZE, number * BATCH_SIZE)
        rows = [(e["uuid"], 1, e["kind"], "submitted", 1, 1, e["data"]["date"], "[]",
                 e["data"]["participants_male"], e["data"]["participants_female"], e["data"]["cost_vnd"],
                 e["data"]["notes"], json.dumps(KIND_FIELDS[e["kind"]]), 1, now, now,
                 number * BATCH_SIZE + i, e["data"]["notes"].lower()) for i, e in enumerate(entries)]
        started = time.perf_counter()
        with connection:
            connection.executemany(
                "INSERT INTO entry (uuid, revision, kind, status, unit_id, village_id, date, topics, "
                "participants_male, participants_female, cost_vnd, notes, details, author_id, created_at, "
                "updated_at, change_seq, search_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        elapsed += time.perf_counter() - started
    connection.close()
    return {"rows": BATCH_SIZE * BATCHES, "seconds": round(elapsed, 4),
            "rows_per_second": round(BATCH_SIZE * BATCHES / elapsed, 1)}


def main() -> dict:
    """Measure both in one run, write ``bench/results/sync.json`` and return it."""
    with tempfile.TemporaryDirectory(prefix="binhdang-bench-") as tmp:
        workdir = Path(tmp)
        raw = measure_raw_sqlite(workdir)
        sync = measure_sync(workdir)
    result = {
        "what": "POST /api/v1/sync in 500-entry batches (Flask test client, bearer token) beside raw "
                "sqlite3 executemany of similar rows; SQLite files, WAL, synchronous=FULL, same run",
        "batch_size": BATCH_SIZE,
        "batches": BATCHES,
        "sync": sync,
        "raw_sqlite": raw,
        "sync_vs_raw_ratio": round(sync["entries_per_second"] / raw["rows_per_second"], 4),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "measured_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
