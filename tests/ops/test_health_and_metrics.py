"""``/healthz``, ``/readyz`` and ``/metrics`` as a load balancer and Prometheus see them."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from webapp.auth.models import utcnow
from webapp.extensions import db
from webapp.ops.health import migration_heads
from webapp.ops.models import WorkerHeartbeat


def test_healthz_answers_without_sign_in_or_database(client):
    """The process answers; nothing private, a request id comes back."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert len(response.headers["X-Request-ID"]) == 32


def _at_head(app, revisions) -> None:
    """Write an ``alembic_version`` table holding ``revisions`` (the tests build tables with create_all)."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        for revision in revisions:
            connection.execute(sa.text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})


def test_readyz_needs_database_migrations_and_a_recent_worker(app, client):
    """Not ready without the migrations' head or a worker heartbeat; ready with both; stale again later."""
    try:
        body = client.get("/readyz").get_json()
        assert body["checks"] == {"database": "ok", "migrations": "missing", "worker": "missing"}
        _at_head(app, ["0000aaaa"])
        assert client.get("/readyz").get_json()["checks"]["migrations"] == "behind"
        _at_head(app, sorted(migration_heads()))
        response = client.get("/readyz")
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert response.get_json() == {"status": "not_ready",
                                       "checks": {"database": "ok", "migrations": "ok", "worker": "missing"}}
        assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0
        response = client.get("/readyz")
        assert response.status_code == 200, response.get_json()
        assert response.get_json() == {"status": "ready",
                                       "checks": {"database": "ok", "migrations": "ok", "worker": "ok"}}
        with app.app_context():
            db.session.execute(sa.update(WorkerHeartbeat).values(
                beat_at=utcnow() - dt.timedelta(minutes=10)))
            db.session.commit()
        response = client.get("/readyz")
        assert response.status_code == 503 and response.get_json()["checks"]["worker"] == "stale"
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_readyz_says_unreachable_when_the_database_is_down(make_app):
    """A database nobody listens on: 503, nothing more than 'unreachable'."""
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2")
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not_ready", "checks": {
        "database": "unreachable", "migrations": "unknown", "worker": "unknown"}}
    assert down.test_client().get("/healthz").status_code == 200


def test_metrics_need_the_token(make_app):
    """No token configured: 404; a wrong token: 404; the right one: Prometheus text."""
    assert make_app().test_client().get("/metrics").status_code == 404
    guarded = make_app(METRICS_TOKEN="s3cret-metrics").test_client()
    assert guarded.get("/metrics").status_code == 404
    assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = guarded.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
    assert response.status_code == 200 and response.mimetype == "text/plain"


def test_metrics_count_requests_syncs_queues_and_workers(make_app, api):
    """Latency by endpoint, sync results by status, queue depth and age, heartbeats, pool use."""
    app = make_app(METRICS_TOKEN="tok")
    client = app.test_client()
    from tests.api.conftest import ApiClient

    phone = ApiClient(client, api.ids)
    token = phone.token()
    good, bad = phone.entry(), phone.entry(participants_male=-1)
    gzipped = phone.sync(token, [good, bad, *[phone.entry() for _ in range(5)]], **{"Accept-Encoding": "gzip"})
    assert gzipped.status_code == 200 and gzipped.headers["Content-Encoding"] == "gzip"
    assert [r["status"] for r in phone.sync_ok(token, [good])] == ["unchanged"]
    with app.app_context():
        db.session.add(WorkerHeartbeat(name="box:1", beat_at=utcnow() - dt.timedelta(seconds=30)))
        db.session.commit()
    text = client.get("/metrics", headers={"Authorization": "Bearer tok"}).get_data(as_text=True)
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line and not line.startswith("#")}
    assert samples['binhdang_http_request_duration_seconds_count{endpoint="api.sync",method="POST",status="200"}'] >= 2
    assert samples['binhdang_sync_entries_total{status="created"}'] >= 6
    assert samples['binhdang_sync_entries_total{status="rejected"}'] >= 1
    assert samples['binhdang_sync_entries_total{status="unchanged"}'] >= 1
    assert samples["binhdang_database_up"] == 1
    # the new entry waits for review: the supervisors' notification is due now
    assert samples['binhdang_queue_depth{queue="notifications"}'] >= 1
    assert 'binhdang_queue_oldest_age_seconds{queue="exports"}' in samples
    assert 25 <= samples['binhdang_worker_heartbeat_age_seconds{state="running",worker="box:1"}'] < 120
    assert samples["binhdang_db_pool_capacity"] >= 1
    assert "binhdang_db_pool_connections_in_use" in samples
