"""The database failed: answer ``503 Retry-After`` (``507`` when SQLite's disk is full), never a 500.

A stopped or unreachable PostgreSQL, a dropped connection, no free connection in the pool within
``pool_timeout`` (backpressure), a locked or read-only SQLite file: the transaction is rolled back
(nothing half-written), the phone keeps its outbox and sends again after ``Retry-After``. Stale
connections are replaced by ``pool_pre_ping``, so the app recovers without a restart.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _

from webapp.errors import json_error
from webapp.ops.metrics import DB_UNAVAILABLE

log = logging.getLogger(__name__)

DATABASE_FAILURES = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def _chain(error: BaseException) -> list[BaseException]:
    """The error and those it happened while handling (SQLite rolls a full disk's transaction back
    itself, so the savepoint's rollback fails next and the telling error is the earlier one)."""
    found: list[BaseException] = []
    while error is not None and error not in found and len(found) < 10:
        found.append(error)
        error = error.__cause__ or error.__context__
    return found


def classify(error: Exception) -> tuple[int, str]:
    """``(status, code)`` of a database failure."""
    if isinstance(error, sa.exc.TimeoutError):
        return 503, "server_busy"  # no connection free in the pool in time
    text = " | ".join(str(getattr(cause, "orig", cause)) for cause in _chain(error)).lower()
    if "disk is full" in text or "disk full" in text:
        return 507, "storage_full"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return 503, "read_only"
    if "locked" in text or "busy" in text:
        return 503, "server_busy"
    return 503, "database_unavailable"


def unavailable_response(error: Exception):
    """Roll back, count it, and answer in the contract's error shape (JSON) or as a page."""
    from webapp.extensions import db

    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass  # the connection is gone; the pool replaces it
    status, code = classify(error)
    DB_UNAVAILABLE.labels(code).inc()
    log.warning("database unavailable: %s (%s)", code, type(getattr(error, "orig", error)).__name__)
    retry_after = int(current_app.config.get("RETRY_AFTER_SECONDS", 10))
    if code == "storage_full":
        retry_after *= 30
    message = _("The server cannot save right now; the data on your device is safe. "
                "Try again in a few minutes.")
    if request.path.startswith("/api/"):
        response, status = json_error(status, code, message)
    else:
        response = current_app.make_response(
            (render_template("ops/unavailable.html", status=status, message=message), status))
    response.headers["Retry-After"] = str(retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def init_app(app: Flask) -> None:
    """Answer database failures with 503/507 wherever they happen in a request."""
    for exception in DATABASE_FAILURES:
        app.register_error_handler(exception, unavailable_response)
