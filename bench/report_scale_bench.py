"""The 1,000,000-entry report bench (issue 10): a province of ``BENCH_COMMUNES`` communes (default 50,
the demo commune and copies of its units and villages) with entries over three report years. Timed over
real HTTP through gunicorn: the province officer's totals API (kind × month over every entry), the
commune officer's dashboard and the DOCX of one commune-year; beside a hand-written ``GROUP BY`` on the
entry table in the same run; on SQLite and (when a server answers) PostgreSQL.

Entries are written with the driver's fastest path (``executemany`` on SQLite, ``COPY`` on PostgreSQL),
then the rollup is built with ``rollup.rebuild()`` (timed: it is what ``flask rollup-rebuild`` does).
``BENCH_ENTRIES`` sets the size (default 1,000,000); ``BENCH_DATABASES`` = ``sqlite,postgresql``;
``BENCH_PORT`` the gunicorn port (default 5150).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "report_scale.json"
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "1000000"))
PORT = int(os.environ.get("BENCH_PORT", "5150"))
COMMUNES = int(os.environ.get("BENCH_COMMUNES", "50"))
FIRST_DAY, DAYS = dt.date(2021, 12, 15), 3 * 365
ALL = {"from": "2021-12-15", "to": "2024-12-14"}
YEAR = {"from": "2022-12-15", "to": "2023-12-14"}
COLUMNS = ("uuid", "revision", "kind", "status", "unit_id", "village_id", "date", "topics", "participants_male",
           "participants_female", "cost_vnd", "notes", "details", "author_id", "created_at", "updated_at",
           "review_comment", "change_seq", "search_text", "funding_source")
SETTINGS = {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def _best(function, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def _postgres_url() -> str | None:
    """A fresh database on the local PostgreSQL server (None when there is none)."""
    try:
        base = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True,
                              timeout=120, check=True).stdout.strip()
        import psycopg

        with psycopg.connect(base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS binhdang_report_bench")
            connection.execute("CREATE DATABASE binhdang_report_bench")
        return base.rsplit("/", 1)[0] + "/binhdang_report_bench"
    except (OSError, subprocess.SubprocessError, ImportError, Exception):  # noqa: BLE001 (no server: skip it)
        return None


def _rows(communes, author, kinds, count):
    """``count`` entry rows as tuples in ``COLUMNS`` order (seeded, so every run writes the same data).

    ``communes`` holds ``(unit ids, village ids)`` per commune; an entry's unit and village are of one
    commune."""
    from bench.report_bench import _details

    rng = random.Random(2023)
    now = dt.datetime(2024, 12, 31, 12, 0)
    funding = (None, "commune_budget", "national_programme")
    for number in range(count):
        kind = kinds[number % len(kinds)]
        units, villages = communes[rng.randrange(len(communes))]
        yield (f"00000000-0000-4000-8000-{number:012d}", 1, kind.code,
               rng.choices(("approved", "submitted", "returned"), (75, 20, 5))[0], rng.choice(units),
               rng.choice(villages), FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)), "[]", rng.randint(0, 40),
               rng.randint(0, 60), rng.choice((0, 500_000, 1_200_000)), "", json.dumps(_details(kind, rng)), author,
               now, now, "", number + 1, "", rng.choice(funding))


def _copy_commune(commune, number: int):
    """Another commune with the demo commune's units and villages (codes suffixed with ``number``)."""
    import sqlalchemy as sa

    from webapp.extensions import db
    from webapp.units.models import Unit, Village

    copy = Unit.create(f"{commune.code}-{number}", f"{commune.name} {number}", "commune")
    villages = {}
    for village in db.session.scalars(sa.select(Village).where(Village.commune_id == commune.id)):
        villages[village.id] = Village(commune_id=copy.id, code=f"{village.code}-{number}", name=village.name)
        db.session.add(villages[village.id])
    db.session.flush()
    made = {commune.id: copy}
    for unit in db.session.scalars(sa.select(Unit).where(Unit.commune_id == commune.id, Unit.type != "commune")
                                   .order_by(Unit.path)):
        made[unit.id] = Unit.create(f"{unit.code}-{number}", unit.name, unit.type, parent=made[unit.parent_id],
                                    village=villages.get(unit.village_id))
    return copy


def fill(app, count: int) -> dict:
    """Seed the demo commune and its plan, write ``count`` entries in bulk, build the rollup; timings."""
    import sqlalchemy as sa

    from webapp.auth.models import User
    from webapp.auth.services import create_user
    from webapp.demo.seed import seed_structure
    from webapp.extensions import db
    from webapp.kinds import all_kinds
    from webapp.plan.seed import seed_plan_2023
    from webapp.reports import rollup
    from webapp.reports.province import create_province
    from webapp.units.models import Unit, Village

    with app.app_context():
        db.create_all()
        commune = seed_structure()
        seed_plan_2023(commune)
        db.session.commit()
        communes = [commune] + [_copy_commune(commune, number) for number in range(1, COMMUNES)]
        province = create_province("tinh-bench", "Tỉnh Bench", communes)
        create_user("tinh", "thanhxa-demo", "province_officer", province)
        db.session.commit()
        places = [(list(db.session.scalars(sa.select(Unit.id).where(Unit.commune_id == c.id, Unit.type != "commune"))),
                   list(db.session.scalars(sa.select(Village.id).where(Village.commune_id == c.id))))
                  for c in communes]
        author = db.session.scalar(sa.select(User.id).where(User.username == "canbo1"))
        rows = _rows(places, author, all_kinds(), count)
        started = time.perf_counter()
        raw = db.engine.raw_connection()
        try:
            if db.engine.dialect.name == "postgresql":
                with raw.driver_connection.cursor() as cursor:
                    with cursor.copy(f"COPY entry ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                marks = ", ".join("?" * len(COLUMNS))
                raw.driver_connection.execute("BEGIN")  # one transaction (the app's connections autocommit)
                raw.driver_connection.executemany(f"INSERT INTO entry ({', '.join(COLUMNS)}) VALUES ({marks})",
                                                  ((*r[:6], r[6].isoformat(), *r[7:14], r[14].isoformat(" "),
                                                    r[15].isoformat(" "), *r[16:]) for r in rows))
            raw.commit()
        finally:
            raw.close()
        insert_s = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE entry")
        started = time.perf_counter()
        rollup.rebuild()
        db.session.commit()
        rebuild_s = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE report_rollup")
                connection.exec_driver_sql("VACUUM ANALYZE report_rollup_column")
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        rollup_rows = db.session.scalar(sa.select(sa.func.count()).select_from(rollup.ReportRollup))
    return {"insert_s": round(insert_s, 1), "rows_per_s": round(count / insert_s),
            "rollup_rebuild_s": round(rebuild_s, 1), "rollup_rows": rollup_rows}


def explain(app, name: str) -> None:
    """Write the query plans of the rollup reads (province kind × month, one commune-year by village and
    a kind table with its report columns) to ``bench/results/explain_<database>.txt``."""
    import sqlalchemy as sa

    from tests.factories import user
    from webapp.extensions import db
    from webapp.reports.totals.queries import TotalsQuery, run
    from webapp.reports.totals.scope import report_scope

    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        """Remember each SELECT with its parameters."""
        if statement.lstrip().upper().startswith("SELECT") and "report_rollup" in statement:
            captured.append((statement, parameters))

    start, end = dt.date.fromisoformat(ALL["from"]), dt.date.fromisoformat(ALL["to"])
    year_start, year_end = dt.date.fromisoformat(YEAR["from"]), dt.date.fromisoformat(YEAR["to"])
    with app.test_request_context():
        province, commune = report_scope(user("tinh")), report_scope(user("tonghop"))
        sa.event.listen(db.engine, "before_cursor_execute", capture)
        try:
            # As the reports run them: the scope's units read once as a list.
            run(province.unit_id_list(), TotalsQuery(start, end, group_by=("kind", "month")))
            run(commune.unit_id_list(), TotalsQuery(year_start, year_end, group_by=("village",)))
            run(commune.unit_id_list(), TotalsQuery(year_start, year_end, group_by=("detail:medium",),
                                                    kind="print_media", columns=("print_media.quantity",)))
            # Before: units as a nested subquery (PostgreSQL estimates it at one row).
            run(province.unit_ids, TotalsQuery(start, end, group_by=("kind", "month")))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", capture)
        lines = []
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
            for statement, parameters in captured:
                cursor.execute(prefix + statement, parameters)
                lines += ["-- " + " ".join(statement.split())[:400] + (" …" if len(statement) > 400 else ""),
                          *("   " + " | ".join(str(c) for c in row) for row in cursor.fetchall()), ""]
        finally:
            raw.close()
    path = RESULTS.parent / f"explain_{name}.txt"
    path.write_text("\n".join(lines) + "\n")


def hand_sql(url: str) -> dict:
    """The hand-written GROUP BY of kind × month and of the dashboard's year, on the entry table."""
    month = "to_char(date, 'YYYY-MM')" if url.startswith("postgresql") else "strftime('%Y-%m', date)"
    sql = (f"SELECT kind, {month}, count(*), sum(participants_male), sum(participants_female), "
           f"sum(participants_male + participants_female), sum(cost_vnd) FROM entry "
           f"WHERE status = 'approved' AND date BETWEEN '{ALL['from']}' AND '{ALL['to']}' GROUP BY 1, 2 ORDER BY 1, 2")
    if url.startswith("postgresql"):
        import psycopg

        connection = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
    else:
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        seconds = _best(lambda: connection.execute(sql).fetchall())
        rows = len(connection.execute(sql).fetchall())
    finally:
        connection.close()
    return {"hand_sql_kind_month_s": round(seconds, 3), "hand_sql_rows": rows}


def serve(url: str, instance: Path, port: int = PORT, settings: dict | None = None) -> subprocess.Popen:
    """gunicorn as ``make run`` starts it (2 workers × 4 threads), on ``port``; waits until it answers."""
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
           "BINHDANG_SETTINGS_JSON": json.dumps({**SETTINGS, **(settings or {})})}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--threads", "4",
                               "--timeout", "600", "--bind", f"127.0.0.1:{port}", "webapp:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=10)
            return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    server.wait(timeout=30)
    raise RuntimeError("gunicorn did not start")


def over_http(port: int = PORT, dashboard_only: bool = False) -> dict:
    """Totals API, dashboard and DOCX as the officer meets them (each checked to answer 200)."""
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    session.post(f"{base}/login", data={"username": "tonghop", "password": "thanhxa-demo"}, timeout=60)
    token = requests.post(f"{base}/api/v1/tokens", json={"username": "tinh", "password": "thanhxa-demo"},
                          timeout=60).json()["token"]

    def get(path, params, **kwargs):
        """GET and check the answer."""
        response = session.get(f"{base}{path}", params=params, timeout=600, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response

    if dashboard_only:
        return {"dashboard_year_http_s": round(_best(lambda: get("/reports/", YEAR), repeat=2), 3)}
    totals = lambda: get("/api/v1/reports/totals", {**ALL, "group_by": "kind,month"},  # noqa: E731
                         headers={"Authorization": f"Bearer {token}"})
    rows = len(totals().json()["rows"])
    return {"totals_kind_month_http_s": round(_best(totals), 3), "totals_rows": rows,
            "dashboard_year_http_s": round(_best(lambda: get("/reports/", YEAR), repeat=2), 3),
            "docx_commune_year_http_s": round(_best(lambda: get("/reports/export.docx", YEAR), repeat=2), 3)}


def measure(name: str, url: str, workdir: Path) -> dict:
    """Fill one database, then time the three reports over HTTP beside the hand SQL."""
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    from webapp import create_app
    from webapp.i18n_compile import compile_all

    compile_all()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", **SETTINGS})
    result = {"database": name, "entries": ENTRIES, "communes": COMMUNES, **fill(app, ENTRIES), **hand_sql(url)}
    explain(app, name)
    server = serve(url, workdir / "instance")
    try:
        result.update(over_http())
    finally:
        server.terminate()
        server.wait(timeout=30)
    # The same dashboard with its rollup frame off (one query per total, as before it), same run.
    server = serve(url, workdir / "instance", PORT + 1, {"REPORT_FRAME": False})
    try:
        result["dashboard_year_no_frame_http_s"] = over_http(PORT + 1, True)["dashboard_year_http_s"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    result["ratio_dashboard_frame_to_no_frame"] = round(
        result["dashboard_year_http_s"] / result["dashboard_year_no_frame_http_s"], 2)
    result["ratio_totals_to_hand_sql"] = round(result["totals_kind_month_http_s"] / result["hand_sql_kind_month_s"], 2)
    return result


def main() -> dict:
    """Measure each database, write ``bench/results/report_scale.json`` and return it."""
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    result = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count()},
              "goals": {"totals_s": 1.0, "totals_ratio_to_hand_sql": 1.5, "dashboard_s": 1.0}, "runs": []}
    if RESULTS.exists() and set(wanted) != {"sqlite", "postgresql"}:  # keep the other database's run
        result["runs"] = [run for run in json.loads(RESULTS.read_text())["runs"] if run["database"] not in wanted]
    with tempfile.TemporaryDirectory(prefix="binhdang-report-scale-") as tmp:
        for name in wanted:
            url = f"sqlite:///{Path(tmp) / 'scale.sqlite'}" if name == "sqlite" else _postgres_url()
            if url is None:
                result["runs"].append({"database": name, "skipped": "no PostgreSQL server"})
                continue
            result["runs"].append(measure(name, url, Path(tmp) / name))
            print(json.dumps(result["runs"][-1], indent=2), flush=True)
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
