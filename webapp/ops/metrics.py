"""Prometheus metrics (``prometheus_client``; multiprocess mode under gunicorn when
``PROMETHEUS_MULTIPROC_DIR`` is set, see ``gunicorn.conf.py``).

Counted in each web process: request latency by endpoint, synced entries by result, database pool
use, answers given because the database failed. Read from the database at scrape time (so every app
server reports the same): queue depth and age of notifications, push deliveries and export jobs, and
each worker's heartbeat age.
"""
from __future__ import annotations

import gzip
import json
import logging
import os
import time

import sqlalchemy as sa
from flask import Flask, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "binhdang_http_request_duration_seconds", "Time to answer a request, by endpoint, method and status.",
    ["endpoint", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
SYNCED_ENTRIES = Counter("binhdang_sync_entries_total", "Entries received by POST /api/v1/sync, by result.",
                         ["status"])
DB_UNAVAILABLE = Counter("binhdang_db_unavailable_total",
                         "Requests answered 503/507 because the database failed, by reason.", ["reason"])
POOL_IN_USE = Gauge("binhdang_db_pool_connections_in_use", "Database connections checked out of the pools.",
                    multiprocess_mode="livesum")
POOL_CAPACITY = Gauge("binhdang_db_pool_capacity", "Connections the pools may open (size + overflow).",
                      multiprocess_mode="livesum")

QUEUES = {
    # queue: (SQL of its depth and oldest time, what the time is)
    "notifications": "SELECT count(*), min(due_at) FROM notification WHERE state = 'pending' AND due_at <= :now",
    "push_deliveries": ("SELECT count(*), min(next_attempt_at) FROM push_delivery "
                        "WHERE state = 'pending' AND next_attempt_at <= :now"),
    "exports": "SELECT count(*), min(created_at) FROM export_job WHERE status IN ('queued', 'running')",
}


def _age(now, then) -> float:
    """Seconds from ``then`` (a datetime, or SQLite's text) to ``now``; 0 for nothing."""
    if then is None:
        return 0.0
    if isinstance(then, str):
        import datetime as dt

        then = dt.datetime.fromisoformat(then)
    return max(0.0, (now - then.replace(tzinfo=None)).total_seconds())


class DatabaseCollector:
    """Queue depth and age and worker heartbeats, read when Prometheus scrapes."""

    def __init__(self, app: Flask):
        """Read through ``app``'s engine."""
        self.app = app

    def collect(self):
        """Yield the metric families (``binhdang_database_up`` 0 when the database does not answer)."""
        from webapp.auth.models import utcnow
        from webapp.extensions import db

        up = GaugeMetricFamily("binhdang_database_up", "1 when the database answered this scrape.")
        depth = GaugeMetricFamily("binhdang_queue_depth", "Items due and not yet done.", labels=["queue"])
        age = GaugeMetricFamily("binhdang_queue_oldest_age_seconds", "Age of the oldest item due.", labels=["queue"])
        beat = GaugeMetricFamily("binhdang_worker_heartbeat_age_seconds",
                                 "Seconds since each worker process finished a pass.", labels=["worker", "state"])
        now = utcnow()
        try:
            with self.app.app_context(), db.engine.connect() as connection:
                for queue, sql in QUEUES.items():
                    statement = sa.text(sql)
                    if ":now" in sql:  # typed, so SQLite stores-compares it as SQLAlchemy writes datetimes
                        statement = statement.bindparams(sa.bindparam("now", now, type_=sa.DateTime()))
                    count, oldest = connection.execute(statement).one()
                    depth.add_metric([queue], count or 0)
                    age.add_metric([queue], _age(now, oldest))
                rows = connection.execute(sa.text("SELECT name, beat_at, state FROM worker_heartbeat"))
                for name, beat_at, state in rows:
                    beat.add_metric([name, state], _age(now, beat_at))
            up.add_metric([], 1)
        except sa.exc.SQLAlchemyError:
            log.warning("metrics: the database did not answer")
            up.add_metric([], 0)
            yield up
            return
        yield from (up, depth, age, beat)


def render(app: Flask) -> tuple[bytes, str]:
    """The exposition text: this process's (or every gunicorn worker's) metrics and the database's."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        text = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector(app))
    return text + generate_latest(database), CONTENT_TYPE_LATEST


def count_sync_results(response) -> None:
    """Count a sync answer's results by status (the answer may already be gzipped for the phone)."""
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    try:
        body = json.loads(data)
    except ValueError:
        return
    counts: dict[str, int] = {}
    for result in body.get("results") or ():
        status = str(result.get("status", "unknown"))
        counts[status] = counts.get(status, 0) + 1
    for status, number in counts.items():
        SYNCED_ENTRIES.labels(status).inc(number)


def _watch_pool(app: Flask) -> None:
    """Follow the engine's pool: connections checked out and its capacity."""
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    if getattr(engine, "_binhdang_metrics", False):
        return
    engine._binhdang_metrics = True
    pool = engine.pool
    if hasattr(pool, "size") and hasattr(pool, "_max_overflow"):
        POOL_CAPACITY.set(pool.size() + max(pool._max_overflow, 0))

    def count(*args) -> None:
        """Set the gauge from the pool itself (a failed connect checks in what it never checked out)."""
        POOL_IN_USE.set(pool.checkedout())

    sa.event.listen(engine, "checkout", count)
    sa.event.listen(engine, "checkin", count)


def init_app(app: Flask) -> None:
    """Time every request and count sync results."""
    _watch_pool(app)

    def start_timer() -> None:
        """Note when the request began (first of all hooks: the others may already need the database)."""
        g.metrics_started = time.perf_counter()

    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)

    @app.after_request
    def observe(response):
        """Record the request's latency (and a sync's results)."""
        started = g.get("metrics_started")
        if started is not None:
            endpoint = request.endpoint or "none"
            REQUEST_LATENCY.labels(endpoint, request.method, str(response.status_code)).observe(
                time.perf_counter() - started)
            if endpoint == "api.sync" and response.status_code == 200:
                count_sync_results(response)
        return response
