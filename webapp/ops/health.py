"""Readiness checks: the database answers, its schema is at the migrations' head, a worker is alive."""
from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from flask import current_app

from webapp.auth.models import utcnow
from webapp.extensions import db


@functools.lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The head revisions of ``migrations/`` (read once per process)."""
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401  (the migrations folder's env needs it importable)

    from webapp import ROOT

    script = ScriptDirectory(str(ROOT / "migrations"))
    return frozenset(script.get_heads())


def check_database() -> tuple[str, set[str]]:
    """``("ok", revisions)`` when the database answers, with the revisions it is at."""
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
        try:
            with connection.begin_nested():
                rows = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
                return "ok", set(rows)
        except sa.exc.ProgrammingError:
            return "ok", set()
        except sa.exc.OperationalError as error:  # SQLite: no such table
            if "no such table" in str(error.orig):
                return "ok", set()
            raise


def latest_heartbeat() -> dt.datetime | None:
    """When the most recent worker pass ended, or None."""
    from webapp.ops.models import WorkerHeartbeat

    return db.session.scalar(sa.select(sa.func.max(WorkerHeartbeat.beat_at)).where(
        WorkerHeartbeat.state == "running"))


def readiness() -> tuple[bool, dict[str, str]]:
    """Each check's state (``ok`` or why not) and whether the app is ready; nothing private."""
    checks: dict[str, str] = {}
    try:
        checks["database"], revisions = check_database()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False, {"database": "unreachable", "migrations": "unknown", "worker": "unknown"}
    checks["migrations"] = "ok" if revisions == set(migration_heads()) else (
        "behind" if revisions else "missing")
    max_age = float(current_app.config["WORKER_HEARTBEAT_MAX_AGE_SECONDS"])
    try:
        beat = latest_heartbeat()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        beat = None
    if beat is None:
        checks["worker"] = "missing"
    else:
        checks["worker"] = "ok" if (utcnow() - beat).total_seconds() <= max_age else "stale"
    required = ["database", "migrations"] + (["worker"] if current_app.config["READYZ_REQUIRE_WORKER"] else [])
    return all(checks[name] == "ok" for name in required), checks
