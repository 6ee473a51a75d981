"""``/healthz`` and ``/readyz`` for load balancers and systemd, ``/metrics`` for Prometheus.

The health pages need no sign-in and say nothing private; ``/metrics`` answers only with the
``METRICS_TOKEN`` (404 while no token is configured). Registering this blueprint also installs the
request ids, JSON logs, request metrics and the 503 answers on the app.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, jsonify, request

from webapp.extensions import csrf, limiter

bp = Blueprint("ops", __name__)


@bp.record_once
def _install(state) -> None:
    """Install logs, metrics and the database-failure answers on the app."""
    from webapp.ops import faults, logs, metrics
    from webapp.ops.cli import worker_command

    state.app.cli.add_command(worker_command)
    logs.init_app(state.app)
    metrics.init_app(state.app)
    faults.init_app(state.app)


def _plain(body: dict, status: int):
    """A JSON answer no cache keeps."""
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process answers (no database access)."""
    return _plain({"status": "ok"}, 200)


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Ready for traffic: database reachable, migrations at head, a worker's heartbeat recent."""
    from webapp.ops.health import readiness

    ready, checks = readiness()
    response, status = _plain({"status": "ready" if ready else "not_ready", "checks": checks}, 200 if ready else 503)
    if not ready:
        response.headers["Retry-After"] = str(current_app.config.get("RETRY_AFTER_SECONDS", 10))
    return response, status


@bp.get("/metrics")
@limiter.exempt
@csrf.exempt
def metrics():
    """Prometheus exposition, for the holder of ``METRICS_TOKEN`` only."""
    from webapp.ops.metrics import render

    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(404)
    body, content_type = render(current_app._get_current_object())
    return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}
