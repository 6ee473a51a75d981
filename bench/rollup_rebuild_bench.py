"""``rollup.rebuild()`` before and after its report columns were grouped once per kind (issue 10, item 4):
the same filled database rebuilt with the former statements (one grouped scan per report column, 24)
and with today's (one CTE per kind, 10), alternately, best of ``BENCH_REPEAT``; the rollup compared
after each, so both give the same rows.

Run: ``BENCH_ENTRIES=100000 .venv/bin/python -m bench.rollup_rebuild_bench`` (``BENCH_DATABASES`` =
``sqlite,postgresql``); writes ``bench/results/rollup_rebuild.json``.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

RESULTS = Path(__file__).resolve().parent / "results" / "rollup_rebuild.json"
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))


def former_statements() -> list:
    """The rebuild as it was: the core INSERT … SELECT, then one grouped INSERT … SELECT per column."""
    from webapp.entries.models import Entry
    from webapp.kinds import all_kinds
    from webapp.reports.rollup import ReportRollup, ReportRollupColumn, _key_expressions, rebuild_statements
    from webapp.reports.rollup.models import KEY_COLUMNS

    statements = [s for s in rebuild_statements() if s.table.name != ReportRollupColumn.__tablename__
                  or not isinstance(s, sa.Insert)]
    keys = _key_expressions()
    for kind in all_kinds():
        for fld in kind.report_columns:
            value = sa.func.sum(sa.cast(Entry.details[fld.name].as_string(), sa.BigInteger))
            columns = sa.select(*keys, sa.literal(f"{kind.code}.{fld.name}", sa.String), value).where(
                Entry.kind == kind.code).group_by(*keys).having(value != 0)
            statements.append(sa.insert(ReportRollupColumn).from_select(list(KEY_COLUMNS + ("name", "value")),
                                                                        columns))
    assert len(statements) == 3 + sum(len(kind.report_columns) for kind in all_kinds()), ReportRollup
    return statements


def _snapshot() -> tuple[int, int, int]:
    """Row counts and the sum of the column values (the two rebuilds must agree)."""
    from webapp.extensions import db
    from webapp.reports.rollup import ReportRollup, ReportRollupColumn

    return (db.session.scalar(sa.select(sa.func.count()).select_from(ReportRollup)),
            db.session.scalar(sa.select(sa.func.count()).select_from(ReportRollupColumn)),
            int(db.session.scalar(sa.select(sa.func.sum(ReportRollupColumn.value))) or 0))


def measure(name: str, url: str, workdir: Path) -> dict:
    """Fill a database as the report bench does, then rebuild it both ways, alternately."""
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    from bench import report_scale_bench as scale
    from webapp import create_app
    from webapp.extensions import db
    from webapp.reports.rollup import rebuild_statements

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", **scale.SETTINGS})
    filled = scale.fill(app, ENTRIES)
    times = {"former": [], "now": []}
    found = {}
    with app.app_context():
        for _ in range(REPEAT):
            for way, statements in (("former", former_statements), ("now", rebuild_statements)):
                started = time.perf_counter()
                for statement in statements():
                    db.session.execute(statement)
                db.session.commit()
                times[way].append(time.perf_counter() - started)
                found[way] = _snapshot()
    assert found["former"] == found["now"], found
    return {"database": name, "entries": ENTRIES, "insert_rows_per_s": filled["rows_per_s"],
            "rollup_rows": found["now"][0], "column_rows": found["now"][1],
            "former_s": round(min(times["former"]), 2), "now_s": round(min(times["now"]), 2),
            "now_vs_former": round(min(times["now"]) / min(times["former"]), 2)}


def _postgres_url() -> str | None:
    """A fresh database of its own on the local PostgreSQL server (None when there is none)."""
    import subprocess

    from bench.report_scale_bench import ROOT

    try:
        base = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True,
                              timeout=120, check=True).stdout.strip()
        import psycopg

        with psycopg.connect(base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS binhdang_rebuild_bench")
            connection.execute("CREATE DATABASE binhdang_rebuild_bench")
        return base.rsplit("/", 1)[0] + "/binhdang_rebuild_bench"
    except Exception:  # noqa: BLE001 (no server: skip it)
        return None


def main() -> dict:
    """Measure each database and write ``bench/results/rollup_rebuild.json``."""
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    result = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count(), "load": os.getloadavg()[0]}, "runs": []}
    with tempfile.TemporaryDirectory(prefix="binhdang-rebuild-") as tmp:
        for name in wanted:
            url = f"sqlite:///{Path(tmp) / 'rebuild.sqlite'}" if name == "sqlite" else _postgres_url()
            if url is None:
                result["runs"].append({"database": name, "skipped": "no PostgreSQL server"})
                continue
            result["runs"].append(measure(name, url, Path(tmp) / name))
            print(json.dumps(result["runs"][-1]), flush=True)
    if RESULTS.exists() and set(wanted) != {"sqlite", "postgresql"}:  # keep the other database's run
        result["runs"] += [run for run in json.loads(RESULTS.read_text())["runs"] if run["database"] not in wanted]
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
