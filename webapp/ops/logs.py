"""JSON logs: one line per request (request id, user id, status, duration), the same id in the worker.

Only identifiers and numbers are logged: never a request body, a query string, a header value or a
form field (notes, comments, passwords, tokens and photos travel in those). The request id comes from
a sane ``X-Request-ID`` sent by the proxy, or is made here, and is sent back in ``X-Request-ID``.
"""
from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

REQUEST_ID = contextvars.ContextVar("binhdang_request_id", default="")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("binhdang.request")


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` (the request's, or the job's in the worker) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record; never drop it."""
        if not getattr(record, "request_id", None):
            record.request_id = REQUEST_ID.get()
        return True


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Send the root logger's records to stderr as JSON lines (once per process)."""
    root = logging.getLogger()
    if any(getattr(handler, "_binhdang", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._binhdang = True
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)


def new_request_id() -> str:
    """A fresh id: 32 hex digits."""
    return uuid.uuid4().hex


def _user_id() -> int | None:
    """The signed-in person's id if this request loaded them, without touching the database."""
    import sqlalchemy as sa

    user = g.get("_login_user") or g.get("bearer_user")
    if user is None:
        return None
    try:
        state = sa.inspect(user)  # never ``user.is_authenticated``: after a commit it reloads the row
    except sa.exc.NoInspectionAvailable:
        return None  # the anonymous user
    identity = state.identity
    return identity[0] if identity else None


def init_app(app: Flask) -> None:
    """Stamp each request with an id and log one JSON line when it ends."""
    if not app.testing or app.config.get("LOG_FORCE"):
        configure(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "json"))

    def start_request() -> None:
        """Take the proxy's request id or make one; note when the request began."""
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _SANE_ID.match(given) else new_request_id()
        g.request_started = time.perf_counter()
        REQUEST_ID.set(g.request_id)

    # First of all hooks: the bearer token's look-up may already fail on the database.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def log_request(response):
        """Send the id back and write the request's line (route pattern, never the query string)."""
        request_id = g.get("request_id") or new_request_id()
        response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        duration = time.perf_counter() - started if started is not None else 0.0
        route = request.url_rule.rule if request.url_rule is not None else request.path[:200]
        log.info("request", extra={
            "request_id": request_id, "method": request.method, "route": route,
            "endpoint": request.endpoint, "status": response.status_code,
            "duration_ms": round(duration * 1000, 1), "user_id": _user_id(),
            "remote_addr": request.remote_addr, "bytes": response.calculate_content_length()})
        return response

    @app.teardown_request
    def forget_request_id(error=None) -> None:
        """The thread serves another request next."""
        REQUEST_ID.set("")
