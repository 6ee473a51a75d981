"""Export jobs: queued by a request, built by ``flask worker`` on any machine, the file kept in the
database so every app server can hand it out.

A worker claims a job with a conditional UPDATE (one winner, on SQLite and PostgreSQL alike) under a
lease it renews at each progress step. A worker killed mid-job (SIGKILL, a crashed machine) stops
renewing: once the lease has expired another worker takes the job over, and after
``EXPORT_MAX_ATTEMPTS`` claims it is shown as failed, with a button to start it again. A worker that
lost its lease cannot overwrite the new owner's result (every write names the owner).
"""
from __future__ import annotations

import datetime as dt
import logging
import time
import uuid as uuidlib

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import force_locale

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.reports.models import ExportJob

log = logging.getLogger("binhdang.exports")
FORMATS = ("docx", "xlsx")
STALE_AFTER = dt.timedelta(hours=1)
KEEP_FILES = dt.timedelta(days=1)
PER_PASS = 5


def start(user: User, fmt: str, params: dict) -> ExportJob:
    """Queue an export for the worker; the caller shows the progress page."""
    purge_old()
    request_id = g.get("request_id", "") if has_request_context() else ""
    job = ExportJob(id=str(uuidlib.uuid4()), user_id=user.id, format=fmt, params=params, status="queued",
                    request_id=request_id[:64])
    db.session.add(job)
    db.session.commit()
    log.info("export queued", extra={"job_id": job.id, "format": fmt})
    return job


def again(job: ExportJob) -> ExportJob:
    """A new job with the same person, format and parameters (the retry button of a failed one)."""
    user = db.session.get(User, job.user_id)
    return start(user, job.format, dict(job.params or {}))


def _lease() -> dt.timedelta:
    """How long a claim holds without a progress step."""
    return dt.timedelta(seconds=float(current_app.config["EXPORT_LEASE_SECONDS"]))


def _claimable(now: dt.datetime):
    """Queued jobs, and running ones whose lease has expired."""
    return sa.or_(ExportJob.status == "queued",
                  sa.and_(ExportJob.status == "running", ExportJob.lease_until < now))


def fail_abandoned(now: dt.datetime) -> int:
    """Jobs whose worker died on each of their ``EXPORT_MAX_ATTEMPTS`` claims: failed, to be retried by hand."""
    result = db.session.execute(sa.update(ExportJob).where(
        ExportJob.status == "running", ExportJob.lease_until < now,
        ExportJob.attempts >= int(current_app.config["EXPORT_MAX_ATTEMPTS"]),
    ).values(status="failed", message="worker stopped", finished_at=now))
    db.session.commit()
    return result.rowcount


def claim(worker: str, job_id: str | None = None) -> str | None:
    """Take one claimable job (or ``job_id``) for ``worker``; None when there is none."""
    now = utcnow()
    query = sa.select(ExportJob.id).where(_claimable(now)).order_by(ExportJob.created_at).limit(PER_PASS)
    if job_id is not None:
        query = query.where(ExportJob.id == job_id)
    for candidate in list(db.session.scalars(query)):
        won = db.session.execute(sa.update(ExportJob).where(ExportJob.id == candidate, _claimable(now)).values(
            status="running", worker=worker, lease_until=now + _lease(), attempts=ExportJob.attempts + 1,
            progress=1)).rowcount
        db.session.commit()
        if won == 1:
            return candidate
    db.session.rollback()
    return None


def _own(job_id: str, worker: str, **values) -> bool:
    """Write a job's progress or result if ``worker`` still holds it (its own connection); whether it did."""
    with db.engine.begin() as connection:
        return connection.execute(sa.update(ExportJob).where(
            ExportJob.id == job_id, ExportJob.worker == worker, ExportJob.status == "running").values(
            **values)).rowcount == 1


def _progress(job_id: str, worker: str, percent: int) -> None:
    """A progress step: note it, renew the lease, and the worker's heartbeat (a long export is not a dead worker)."""
    from webapp.ops.worker import touch

    _own(job_id, worker, progress=percent, lease_until=utcnow() + _lease())
    touch(worker)


def run(job_id: str, worker: str) -> str:
    """Build a claimed job's file and keep it in the database; its final status."""
    from webapp.ops.logs import REQUEST_ID
    from webapp.reports.exports import requests as exports

    job = db.session.get(ExportJob, job_id)
    token = REQUEST_ID.set(job.request_id or "")  # the worker's lines carry the id of the request that asked
    started = time.perf_counter()
    log.info("export started", extra={"job_id": job_id, "attempt": job.attempts, "worker": worker})
    try:
        with force_locale("vi"):
            user = db.session.get(User, job.user_id)
            data, filename = exports.build_file(user, job.format, job.params,
                                                progress=lambda percent: _progress(job_id, worker, percent))
        stored = _own(job_id, worker, status="done", progress=100, filename=filename, content=data,
                      finished_at=utcnow(), lease_until=None)
        status = "done" if stored else "lost"
    except Exception as exc:  # the job must end in a state the page can show, whatever happened
        log.exception("export failed", extra={"job_id": job_id})
        db.session.rollback()
        _own(job_id, worker, status="failed", finished_at=utcnow(), lease_until=None,
             message=str(getattr(exc, "message", "")) or type(exc).__name__)
        status = "failed"
    finally:
        db.session.remove()
        REQUEST_ID.reset(token)
    log.info("export " + status, extra={"job_id": job_id, "worker": worker,
                                        "seconds": round(time.perf_counter() - started, 3)})
    return status


def run_due(worker: str) -> dict:
    """The worker's export step: fail abandoned jobs, then build up to ``PER_PASS`` claimable ones."""
    stats = {"exports_failed": fail_abandoned(utcnow()), "exports": 0}
    for _number in range(PER_PASS):
        job_id = claim(worker)
        if job_id is None:
            break
        run(job_id, worker)
        stats["exports"] += 1
    return stats


def wait(job_id: str, timeout: float = 60.0) -> None:
    """Build the job here if no worker has it (tests, the bench), else wait until it ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if claim("inline", job_id) is not None:
            run(job_id, "inline")
        db.session.expire_all()
        if db.session.scalar(sa.select(ExportJob.status).where(ExportJob.id == job_id)) in ("done", "failed"):
            return
        time.sleep(0.1)


def visible_state(job: ExportJob) -> str:
    """The job's status, with one nobody has picked up for an hour shown as failed."""
    if job.status in ("queued", "running") and utcnow() - job.created_at > STALE_AFTER:
        return "failed"
    return job.status


def purge_old() -> None:
    """Forget jobs older than a day, and their files."""
    db.session.execute(sa.delete(ExportJob).where(ExportJob.created_at < utcnow() - KEEP_FILES))
    db.session.commit()
