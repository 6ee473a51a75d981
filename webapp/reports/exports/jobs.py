"""Exports built in a background thread, so a big year never holds up a request (progress in the DB)."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid as uuidlib
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.reports.models import ExportJob

log = logging.getLogger(__name__)
FORMATS = ("docx", "xlsx")
STALE_AFTER = dt.timedelta(hours=1)
KEEP_FILES = dt.timedelta(days=1)
_threads: dict[str, threading.Thread] = {}


def exports_dir() -> Path:
    """Where finished files wait: ``instance/exports``."""
    path = Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(job: ExportJob) -> Path:
    """The file of a finished job."""
    return exports_dir() / f"{job.id}.{job.format}"


def start(user: User, fmt: str, params: dict) -> ExportJob:
    """Queue an export and start its thread; the caller shows the progress page."""
    purge_old()
    job = ExportJob(id=str(uuidlib.uuid4()), user_id=user.id, format=fmt, params=params, status="queued")
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()
    thread = threading.Thread(target=run, args=(app, job.id), name=f"export-{job.id}", daemon=True)
    _threads[job.id] = thread
    thread.start()
    return job


def wait(job_id: str, timeout: float = 60.0) -> None:
    """Wait for a job's thread (tests, and the bench)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def _set(job_id: str, **values) -> None:
    """Write a job's progress on its own connection, so the build's session is left alone."""
    with db.engine.begin() as connection:
        connection.execute(sa.update(ExportJob).where(ExportJob.id == job_id).values(**values))


def run(app: Flask, job_id: str) -> None:
    """Build the file of a job (in its thread, with its own app context and session)."""
    from webapp.reports.exports import requests as exports

    with app.app_context(), force_locale("vi"):
        try:
            job = db.session.get(ExportJob, job_id)
            user = db.session.get(User, job.user_id)
            _set(job_id, status="running", progress=1)
            data, filename = exports.build_file(user, job.format, job.params,
                                                progress=lambda percent: _set(job_id, progress=percent))
            target = exports_dir() / f"{job_id}.{job.format}"
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
            _set(job_id, status="done", progress=100, filename=filename, finished_at=utcnow())
        except Exception as exc:  # the job must end in a state the page can show, whatever happened
            log.exception("export %s failed", job_id)
            db.session.rollback()
            _set(job_id, status="failed", message=str(getattr(exc, "message", "")) or type(exc).__name__,
                 finished_at=utcnow())
        finally:
            db.session.remove()
            _threads.pop(job_id, None)


def visible_state(job: ExportJob) -> str:
    """The job's status, with a job whose worker died long ago shown as failed."""
    if job.status in ("queued", "running") and utcnow() - job.created_at > STALE_AFTER:
        return "failed"
    return job.status


def purge_old() -> None:
    """Forget finished jobs older than a day, and their files."""
    cutoff = utcnow() - KEEP_FILES
    old = list(db.session.scalars(sa.select(ExportJob).where(ExportJob.created_at < cutoff)))
    for job in old:
        path = exports_dir() / f"{job.id}.{job.format}"
        path.unlink(missing_ok=True)
        db.session.delete(job)
    if old:
        db.session.commit()
