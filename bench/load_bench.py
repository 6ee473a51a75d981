"""Phones under load: 32 and 128 clients doing small syncs and read-backs over real HTTP, beside a bare app.

For each database (an SQLite file, and a fresh database on the PostgreSQL server of ``.ci/postgres.sh``)
the app is served as ``make run`` serves it (``flask db upgrade``, ``flask seed-if-empty``, gunicorn with
``gunicorn.conf.py``: 2 workers × 12 threads unless ``WEB_CONCURRENCY`` / ``GUNICORN_THREADS`` say otherwise,
the app's JSON log line per request, ``flask worker`` beside it). ``wrk`` (Debian's) drives it from
loopback with ``bench/load_mix.lua``: each request is a sync of 1–5 new entries or
``GET /api/v1/entries?updated_since=<latest cursor>``, with one of 128 bearer tokens of the commune's
17 field staff (each in her own branch). In the same run
the bare app of ``bench/load_bare_app.py`` (one idempotent INSERT per request, same gunicorn settings,
same database) gives the ceiling. Each is measured with the entry table as seeded and again after it
is filled with ``LOAD_FILL`` more submitted entries, to see whether throughput stays flat.

Settings (environment): ``LOAD_SECONDS`` (10), ``LOAD_CLIENTS`` ("32,128"), ``LOAD_FILL`` (200000),
``LOAD_DATABASES`` ("sqlite,postgresql"), ``LOAD_PORT`` (5210; the bare app uses the next port).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
import uuid as uuidlib
from pathlib import Path

import requests
import sqlalchemy as sa

from bench import load_report, load_servers

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "load.json"
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
CLIENTS = [int(n) for n in os.environ.get("LOAD_CLIENTS", "32,128").split(",")]
FILL = int(os.environ.get("LOAD_FILL", "200000"))
DATABASES = os.environ.get("LOAD_DATABASES", "sqlite,postgresql").split(",")
PORT = int(os.environ.get("LOAD_PORT", "5210"))
TOKENS = 128
WARM_UP_SECONDS = 2


def run_wrk(url: str, clients: int, seconds: int, env: dict) -> dict:
    """One wrk run; the JSON line ``bench/load_mix.lua`` prints at the end, plus requests per second."""
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "load_mix.lua"), url]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=seconds + 60)
    line = next((line for line in done.stdout.splitlines() if line.startswith("LOADJSON ")), None)
    if line is None:  # wrk itself failed: the run counts as one error, with wrk's words kept
        return {"requests": 0, "seconds": seconds, "requests_per_second": 0.0, "p50_ms": 0.0, "p95_ms": 0.0,
                "errors": 1, "wrk_failed": (done.stderr or done.stdout)[-500:]}
    figures = json.loads(line[len("LOADJSON "):])
    figures["requests_per_second"] = round(figures["requests"] / figures["seconds"], 1)
    figures["errors"] = sum(figures[key] for key in figures if key.startswith("errors_"))
    return figures


def make_tokens(base_url: str, path: Path, usernames: list[str]) -> None:
    """``TOKENS`` bearer tokens of the field staff, in turn (each logs for her own branch, so a phone
    reads back what the few phones of its branch wrote), with the unit and village each logs for."""
    lines = []
    for number in range(TOKENS):
        username = usernames[number % len(usernames)]
        response = requests.post(f"{base_url}/api/v1/tokens", json={
            "username": username, "password": "thanhxa-demo", "device_name": f"load {number}"}, timeout=30)
        response.raise_for_status()
        token = response.json()["token"]
        me = requests.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        lines.append(f"{token} {me['units'][0]['id']} {me['villages'][0]['id']}")
    path.write_text("\n".join(lines) + "\n")


def fill(database_url: str, count: int) -> int:
    """Add ``count`` submitted entries straight into the table (as months of field work would); the total."""
    engine = sa.create_engine(database_url)
    metadata = sa.MetaData()
    entry = sa.Table("entry", metadata, autoload_with=engine)
    counter = sa.Table("change_counter", metadata, autoload_with=engine)
    with engine.begin() as connection:
        unit_id, village_id, author_id = connection.execute(sa.text(
            "SELECT e.unit_id, e.village_id, e.author_id FROM entry e ORDER BY e.id LIMIT 1")).one()
        start = connection.execute(sa.select(sa.func.coalesce(sa.func.max(counter.c.value), 0))).scalar()
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for first in range(0, count, 5000):
            rows = [{"uuid": str(uuidlib.uuid4()), "revision": 1, "kind": "outreach",
                     "status": "submitted", "unit_id": unit_id, "village_id": village_id,
                     "date": dt.date(2025, 1, 1) + dt.timedelta(days=n % 330), "topics": [],
                     "participants_male": n % 30, "participants_female": n % 40, "cost_vnd": 0, "notes": "",
                     "details": {"format": "direct_talk"}, "author_id": author_id, "created_at": now,
                     "updated_at": now, "review_comment": "", "change_seq": start + n + 1,
                     "search_text": "load"} for n in range(first, min(count, first + 5000))]
            connection.execute(entry.insert(), rows)
        connection.execute(counter.update().values(value=start + count))
        total = connection.execute(sa.select(sa.func.count()).select_from(entry)).scalar()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    engine.dispose()
    return total


def measure_database(name: str, workdir: Path) -> dict:
    """Both apps at every client count, before and after the fill, on one database."""
    database_url, drop = load_servers.new_database(name, workdir)
    env = load_servers.app_env(database_url, workdir)
    results: dict = {"database": name, "runs": []}
    try:
        load_servers.prepare(env)
        rebuild = load_servers.rollup_rebuild(env)
        with load_servers.Served(load_servers.binhdang_command(PORT), env, workdir / "app.log",
                                 with_worker=True) as app, \
                load_servers.Served(load_servers.bare_command(PORT + 1), env, workdir / "bare.log") as bare:
            tokens = workdir / "tokens.txt"
            make_tokens(app.url, tokens, load_servers.field_staff(env))
            wrk_env = {"LOAD_TOKENS": str(tokens), "LOAD_MODE": "app"}
            for fill_count in (0, FILL):
                entries = fill(load_servers.sqlalchemy_url(database_url), fill_count) if fill_count else \
                    load_servers.count_entries(database_url)
                if fill_count and rebuild:
                    load_servers.rollup_rebuild(env)
                for clients in CLIENTS:
                    for label, served, mode in (("binhdang", app, "app"), ("bare", bare, "bare")):
                        run_env = {**wrk_env, "LOAD_MODE": mode,
                                   "LOAD_START_CURSOR": str(load_servers.last_change(database_url))}
                        run_wrk(served.url, clients, WARM_UP_SECONDS, run_env)
                        figures = run_wrk(served.url, clients, SECONDS, run_env)
                        figures.update(app=label, clients=clients, entries_in_table=entries,
                                       worker_rss_mb=served.worker_rss_mb())
                        results["runs"].append(figures)
                        print(f"{name} {label:8} clients={clients:3} entries={entries:7} "
                              f"{figures['requests_per_second']:8.1f} req/s p50={figures['p50_ms']:.1f} ms "
                              f"p95={figures['p95_ms']:.1f} ms errors={figures['errors']} "
                              f"refused={figures.get('entries_refused', 0)}", flush=True)
                        if "wrk_failed" in figures:
                            print(f"  wrk failed: {figures['wrk_failed']}", flush=True)
            results["app_log_tail"] = load_servers.errors_in(workdir / "app.log")
    finally:
        drop()
    return results


def main() -> dict:
    """Measure every database, write ``bench/results/load.json`` and the section of ``bench/results.md``."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    databases = []
    for name in DATABASES:
        with tempfile.TemporaryDirectory(prefix=f"binhdang-load-{name}-") as tmp:
            databases.append(measure_database(name, Path(tmp)))
    result = {
        "what": "wrk, 2 threads, N keep-alive clients on loopback; binhdang served as `make run` serves it "
                f"(gunicorn.conf.py: {load_servers.gunicorn_settings()}, the app's request log, flask worker) doing small syncs (1-5 new entries) "
                "and GET /api/v1/entries?updated_since=<latest cursor> half and half, with 128 bearer tokens of the 17 field staff (one branch each); "
                "beside a bare Flask app doing one idempotent INSERT per request (same gunicorn, same database), "
                "in the same run; before and after filling the entry table",
        "seconds_per_run": SECONDS,
        "databases": databases,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "measured_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    load_report.write_section(result)
    return result


if __name__ == "__main__":
    main()
