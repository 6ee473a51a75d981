"""Time to compute the dashboard's totals and to build the DOCX report for 100,000 entries.

Entries go into a temporary SQLite file with bulk inserts (the demo commune's units and villages,
the ten kinds, three statuses, dates over 2023). In the same run, the baseline is one raw SQL
``SUM`` over the same rows (``sqlite3``, no ORM): the ratios say what the report machinery costs on
top of reading the rows at all. Also measured: the CSV stream and XLSX of all 100,000 entries, and the
demo commune's 2023 annual report (200 entries) as ``tonghop`` gets it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import sqlite3
import tempfile
import time
import uuid as uuidlib
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "report.json"
ENTRIES = 100_000
BATCH = 10_000
YEAR = {"from": "2022-12-15", "to": "2023-12-14"}


def _best(function, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def _app(workdir: Path, name: str):
    """A fresh app on its own SQLite file."""
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    from webapp import create_app
    from webapp.i18n_compile import compile_all

    compile_all()
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / name}", "SECRET_KEY": "bench",
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False,
                       "WTF_CSRF_ENABLED": False})


def _details(kind, rng: random.Random) -> dict:
    """A kind's own fields: its first option, numbers in its report columns."""
    details = {}
    for field in kind.fields:
        if field.type == "choice" and field.choices:
            details[field.name] = rng.choice(field.choices)[0]
        elif field.type == "multi" and field.choices:
            details[field.name] = [field.choices[0][0]]
        elif field.type in ("int", "money"):
            details[field.name] = rng.randint(max(1, field.minimum or 0), 30)
        else:
            details[field.name] = "Bench"
    return details


def fill(app, count: int) -> None:
    """Seed the commune and its plan, then bulk-insert ``count`` entries."""
    import sqlalchemy as sa

    from webapp.auth.models import User
    from webapp.demo.seed import seed_structure
    from webapp.entries.models import Entry
    from webapp.extensions import db
    from webapp.kinds import all_kinds
    from webapp.plan.seed import seed_plan_2023
    from webapp.units.models import Unit, Village

    rng = random.Random(2023)
    with app.app_context():
        db.create_all()
        commune = seed_structure()
        seed_plan_2023(commune)
        db.session.commit()
        units = list(db.session.scalars(sa.select(Unit.id).where(Unit.type.notin_(("commune",)))))
        villages = list(db.session.scalars(sa.select(Village.id)))
        author = db.session.scalar(sa.select(User.id).where(User.username == "canbo1"))
        kinds = all_kinds()
        start = dt.date(2022, 12, 1)
        for offset in range(0, count, BATCH):
            rows = []
            for number in range(offset, min(count, offset + BATCH)):
                kind = kinds[number % len(kinds)]
                rows.append({
                    "uuid": str(uuidlib.UUID(int=number + 1)), "revision": 1, "kind": kind.code,
                    "status": rng.choices(("approved", "submitted", "returned"), (75, 20, 5))[0],
                    "unit_id": rng.choice(units), "village_id": rng.choice(villages),
                    "date": start + dt.timedelta(days=rng.randint(0, 400)), "topics": [],
                    "participants_male": rng.randint(0, 40), "participants_female": rng.randint(0, 60),
                    "cost_vnd": rng.choice((0, 500_000, 1_200_000)), "notes": "", "details": _details(kind, rng),
                    "author_id": author, "change_seq": number + 1, "search_text": "", "review_comment": "",
                })
            db.session.execute(sa.insert(Entry), rows)
            db.session.commit()


def measure_large(workdir: Path) -> dict:
    """Dashboard totals and DOCX for 100,000 entries, beside a raw SQL SUM."""
    from webapp.extensions import db
    from webapp.plan import periods
    from webapp.reports.dashboard import service as dashboard
    from webapp.reports.exports import report
    from webapp.reports.exports.docx_export import build_docx
    from webapp.reports.totals.scope import report_scope
    from tests.factories import user

    app = _app(workdir, "large.sqlite")
    started = time.perf_counter()
    fill(app, ENTRIES)
    fill_seconds = time.perf_counter() - started
    connection = sqlite3.connect(workdir / "large.sqlite")
    baseline = _best(lambda: connection.execute(
        "SELECT count(*), sum(participants_male), sum(participants_female), sum(cost_vnd) FROM entry "
        "WHERE status = 'approved' AND date BETWEEN '2022-12-15' AND '2023-12-14'").fetchall())
    approved = connection.execute("SELECT count(*) FROM entry WHERE status = 'approved' AND date BETWEEN "
                                  "'2022-12-15' AND '2023-12-14'").fetchone()[0]
    connection.close()
    with app.test_request_context():
        officer = user("tonghop")
        scope = report_scope(officer)
        window = periods.annual_window(scope.period_owner_id, 2023)
        selection = dashboard.Selection(window=window, year=2023)
        dashboard_seconds = _best(lambda: dashboard.build(scope, selection))
        docx_seconds = _best(lambda: build_docx(report.build_report(scope, window)), repeat=2)
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"username": "tonghop", "password": "thanhxa-demo"})
    page_seconds = _best(lambda: client.get("/reports/", query_string=YEAR).data)
    http_docx = _best(lambda: client.get("/reports/export.docx", query_string=YEAR).data, repeat=2)
    started = time.perf_counter()
    csv_bytes = len(client.get("/reports/export.csv", query_string=YEAR).data)
    csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    xlsx_bytes = len(client.get("/reports/export.xlsx", query_string=YEAR).data)
    xlsx_seconds = time.perf_counter() - started
    return {
        "entries": ENTRIES, "approved_in_period": approved, "bulk_insert_s": round(fill_seconds, 2),
        "baseline_raw_sql_sum_s": round(baseline, 4),
        "dashboard_totals_s": round(dashboard_seconds, 3),
        "dashboard_page_http_s": round(page_seconds, 3),
        "docx_build_s": round(docx_seconds, 3), "docx_http_s": round(http_docx, 3),
        "csv_all_entries_http_s": round(csv_seconds, 2), "csv_bytes": csv_bytes,
        "xlsx_with_all_entries_http_s": round(xlsx_seconds, 2), "xlsx_bytes": xlsx_bytes,
        "ratio_dashboard_to_baseline": round(dashboard_seconds / baseline, 1),
        "ratio_docx_to_baseline": round(docx_seconds / baseline, 1),
    }


def measure_demo(workdir: Path) -> dict:
    """The demo commune's 2023 annual report (about 200 entries) as tonghop downloads it."""
    from webapp.demo.seed import seed_demo
    from webapp.extensions import db

    app = _app(workdir, "demo.sqlite")
    with app.app_context():
        db.create_all()
        seed_demo()
    client = app.test_client()
    client.post("/login", data={"username": "tonghop", "password": "thanhxa-demo"})
    seconds = _best(lambda: client.get("/reports/export.docx", query_string=YEAR).data)
    page = _best(lambda: client.get("/reports/", query_string=YEAR).data)
    return {"demo_annual_docx_http_s": round(seconds, 3), "demo_dashboard_http_s": round(page, 3)}


def main() -> dict:
    """Measure, write ``bench/results/report.json`` and return it."""
    with tempfile.TemporaryDirectory(prefix="binhdang-report-bench-") as tmp:
        workdir = Path(tmp)
        result = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                              "cpus": os.cpu_count()},
                  **measure_large(workdir), **measure_demo(workdir)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
