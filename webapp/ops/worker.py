"""``flask worker``: the one background process of an app server (``flask push-worker`` is its old name).

Each pass sends due push notifications and builds queued exports (claimed under a lease, so any
number of workers on any number of machines share the queues and a killed one's job is taken over),
then notes a heartbeat. SIGTERM or Ctrl-C finish the pass under way, then the process exits.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

import sqlalchemy as sa
from flask import current_app

from webapp.auth.models import utcnow
from webapp.extensions import db

log = logging.getLogger("binhdang.worker")
REMINDER_EVERY_SECONDS = 600


def worker_name() -> str:
    """``host:pid``: one heartbeat row per worker process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def heartbeat(name: str, state: str = "running") -> None:
    """Note that this worker finished a pass (its own transaction); forget workers gone for a day."""
    from webapp.ops.models import WorkerHeartbeat

    now = utcnow()
    beat = db.session.get(WorkerHeartbeat, name)
    if beat is None:
        beat = WorkerHeartbeat(name=name, started_at=now, passes=0)
        db.session.add(beat)
    beat.beat_at, beat.state, beat.passes = now, state, (beat.passes or 0) + 1
    db.session.execute(sa.delete(WorkerHeartbeat).where(
        WorkerHeartbeat.beat_at < now - dt.timedelta(days=1)))
    db.session.commit()


def touch(name: str) -> None:
    """Renew this worker's heartbeat in the middle of a long pass (an export), on its own connection."""
    from webapp.ops.models import WorkerHeartbeat

    with db.engine.begin() as connection:
        connection.execute(sa.update(WorkerHeartbeat).where(WorkerHeartbeat.name == name).values(beat_at=utcnow()))


def run_pass(reminders: bool = True, name: str | None = None) -> dict:
    """One pass: push notifications, then queued exports; each step commits its own work."""
    from webapp.push.sender import run_pass as push_pass
    from webapp.reports.exports import jobs

    stats = push_pass(reminders=reminders)
    stats.update(jobs.run_due(name or worker_name()))
    return stats


def run_worker(once: bool = False, interval: float | None = None, stop: threading.Event | None = None,
               name: str | None = None) -> dict:
    """Run passes until ``stop`` is set (or one pass with ``once``); a failing pass is logged, never fatal."""
    stop = stop or threading.Event()
    name = name or worker_name()
    interval = float(interval if interval is not None else current_app.config["PUSH_WORKER_INTERVAL_SECONDS"])
    last_reminders = 0.0
    stats: dict = {}
    while True:
        reminders = once or time.monotonic() - last_reminders >= REMINDER_EVERY_SECONDS
        started = time.perf_counter()
        try:
            stats = run_pass(reminders=reminders, name=name)
            if reminders:
                last_reminders = time.monotonic()
            heartbeat(name)
            if any(stats.values()):
                log.info("worker pass", extra={"stats": stats, "seconds": round(time.perf_counter() - started, 3)})
        except Exception:
            log.exception("worker pass failed; retrying next pass")
            _rollback()
        finally:
            db.session.remove()
        if once or stop.wait(interval):
            if not once:
                _stopped(name)
            return stats


def _rollback() -> None:
    """Roll back after a failed pass (the connection may be gone)."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass


def _stopped(name: str) -> None:
    """Note a graceful exit, so readiness does not count this worker any more."""
    try:
        heartbeat(name, state="stopped")
    except sa.exc.SQLAlchemyError:
        _rollback()
    finally:
        db.session.remove()
