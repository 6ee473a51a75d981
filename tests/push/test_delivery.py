"""Push end to end with a local push service: encrypted payload, VAPID, TTL, 410 and retries."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa

from tests import factories
from tests.push.local_push_service import BrowserKeys, verify_vapid
from tests.review.helpers import bearer
from webapp.extensions import db
from webapp.push.models import Notification, PushDelivery, PushSubscription


def subscribe(app, client, username: str, endpoint: str) -> BrowserKeys:
    """Sign ``username`` in and store a subscription made with fresh browser keys, as the page does."""
    keys = BrowserKeys()
    client.post("/login", data={"username": username, "password": "thanhxa-demo"})
    response = client.post("/api/v1/push/subscriptions", json=keys.subscription(endpoint),
                           headers={"X-Binhdang-Client": "1"})
    assert response.status_code == 201, response.get_json()
    return keys


def return_an_entry(app, client) -> str:
    """canbo1's entry, returned by duyet through the API; its UUID."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1").uuid
        headers = bearer("duyet")
    response = client.post(f"/api/v1/entries/{entry_uuid}/review", headers=headers,
                           json={"action": "return", "comment": "Thiếu số phụ nữ.", "revision": 1})
    assert response.status_code == 200
    return entry_uuid


def test_returned_entry_reaches_the_authors_phone(app, runner, commune, push_service):
    """Subscribe, return an entry, run the worker once: the payload decrypts to the right title and URL."""
    keys = subscribe(app, app.test_client(), "canbo1", push_service.endpoint("canbo1-phone"))
    entry_uuid = return_an_entry(app, app.test_client())
    result = runner.invoke(args=["push-worker", "--once"])
    assert result.exit_code == 0 and "sent=1" in result.output, result.output

    assert len(push_service.arrivals) == 1
    arrival = push_service.arrivals[0]
    assert arrival.path == "/push/canbo1-phone"
    payload = keys.decrypt(arrival.body)
    assert payload == {"title": "Có hoạt động bị trả lại",
                       "body": "Tuyên truyền ngày 12/06/2023: hãy sửa theo ý kiến của người duyệt rồi lưu lại.",
                       "url": f"/entries/{entry_uuid}/edit", "tag": "returned"}
    public_key = app.test_client().get("/api/v1/push/key").get_json()["public_key"]
    claims = verify_vapid(arrival.headers["authorization"], public_key)
    assert claims["aud"] == push_service.origin and claims["sub"].startswith("mailto:")
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert int(arrival.headers["ttl"]) >= 86400
    assert arrival.headers["urgency"] == "high" and arrival.headers["topic"] == "returned"
    assert arrival.headers["content-encoding"] == "aes128gcm"
    with app.app_context():
        delivery = db.session.scalar(sa.select(PushDelivery))
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("sent", 1, 201)
        note = db.session.get(Notification, delivery.notification_id)
        assert note.state == "sent" and note.user.username == "canbo1"


def test_payload_carries_no_names_and_stays_small(app, runner, commune, push_service):
    """Neither the author's nor the reviewer's name is in the push; it is under 3 KB."""
    keys = subscribe(app, app.test_client(), "canbo1", push_service.endpoint("p"))
    return_an_entry(app, app.test_client())
    runner.invoke(args=["push-worker", "--once"])
    plain = repr(keys.decrypt(push_service.arrivals[0].body))
    for name in ("Nguyễn Thị Hoa", "Phạm Thị Thu", "canbo1", "duyet"):
        assert name not in plain
    assert len(push_service.arrivals[0].body) < 3072 + 200  # 3 KB of JSON plus the encryption header


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscription_is_deleted(app, runner, commune, push_service, status):
    """A 404 or 410 from the push service deletes the subscription; the in-app message stays."""
    subscribe(app, app.test_client(), "canbo1", push_service.endpoint("old-phone"))
    push_service.answers.append((status, {}))
    return_an_entry(app, app.test_client())
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery)) == 0
        assert db.session.scalar(sa.select(Notification.state).where(Notification.topic == "returned")) == "sent"


def test_server_error_is_retried_then_delivered(app, runner, commune, push_service):
    """A 500 leaves the delivery pending with a later attempt; the next pass delivers it."""
    keys = subscribe(app, app.test_client(), "canbo1", push_service.endpoint("phone"))
    push_service.answers.append((500, {}))
    return_an_entry(app, app.test_client())
    runner.invoke(args=["push-worker", "--once"])
    with app.app_context():
        delivery = db.session.scalar(sa.select(PushDelivery))
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 2
    assert keys.decrypt(push_service.arrivals[1].body)["title"] == "Có hoạt động bị trả lại"
    with app.app_context():
        delivery = db.session.scalar(sa.select(PushDelivery))
        assert (delivery.state, delivery.attempts, delivery.last_status) == ("sent", 2, 201)


def test_too_many_requests_waits_as_the_service_asks(app, runner, commune, push_service):
    """A 429 with Retry-After: the next attempt is not before then."""
    subscribe(app, app.test_client(), "canbo1", push_service.endpoint("phone"))
    push_service.answers.append((429, {"Retry-After": "120"}))
    return_an_entry(app, app.test_client())
    runner.invoke(args=["push-worker", "--once"])
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 1
    with app.app_context():
        delivery = db.session.scalar(sa.select(PushDelivery))
        wait = delivery.next_attempt_at - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        assert delivery.state == "pending" and dt.timedelta(seconds=100) < wait <= dt.timedelta(seconds=121)


def test_rejected_push_is_not_retried(app, runner, commune, push_service):
    """A 400 (the service refuses this request) is marked failed; the subscription is kept."""
    subscribe(app, app.test_client(), "canbo1", push_service.endpoint("phone"))
    push_service.answers.append((400, {}))
    return_an_entry(app, app.test_client())
    runner.invoke(args=["push-worker", "--once"])
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(PushDelivery.state)) == "failed"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 1


def test_unreachable_service_is_retried(app, runner, commune, push_service):
    """A refused connection counts as a failure to retry, not a lost message."""
    subscribe(app, app.test_client(), "canbo1", "http://127.0.0.1:9/push/closed-port")
    return_an_entry(app, app.test_client())
    runner.invoke(args=["push-worker", "--once"])
    with app.app_context():
        delivery = db.session.scalar(sa.select(PushDelivery))
        assert delivery.state == "pending" and delivery.attempts == 1 and delivery.last_status is None
        assert "ConnectionError" in delivery.last_error


def test_subscriptions_unused_for_sixty_days_are_dropped(app, runner, commune, push_service):
    """The worker drops a subscription no device confirmed and no push reached for 60 days."""
    subscribe(app, app.test_client(), "canbo1", push_service.endpoint("old"))
    subscribe(app, app.test_client(), "canbo2", push_service.endpoint("fresh"))
    with app.app_context():
        old = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint.endswith("/old")))
        old.last_used_at -= dt.timedelta(days=61)
        db.session.commit()
    runner.invoke(args=["push-worker", "--once"])
    with app.app_context():
        assert [s.endpoint.rsplit("/", 1)[1] for s in db.session.scalars(sa.select(PushSubscription))] == ["fresh"]


def test_time_from_event_to_push_with_the_worker_running(app, commune, push_service):
    """With the worker loop running as ``make run`` starts it, the first push arrives within a minute."""
    from webapp.push.cli import run_worker

    subscribe(app, app.test_client(), "duyet", push_service.endpoint("supervisor-phone"))
    stop = threading.Event()

    def work() -> None:
        """The worker loop, in its own app context."""
        with app.app_context():
            run_worker(stop=stop)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        author = app.test_client()
        author.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
        with app.app_context():
            data = factories.entry_data("outreach")
        form = {k: "" if v is None else str(v) for k, v in data.items()}
        started = time.monotonic()
        assert author.post("/entries/new/outreach", data=form).status_code == 302
        assert push_service.arrived.wait(60), "no push within a minute"
        elapsed = push_service.arrivals[0].at - started
    finally:
        stop.set()
        worker.join(10)
    print(f"\nevent → push arrival: {elapsed:.2f} s (worker interval {app.config['PUSH_WORKER_INTERVAL_SECONDS']} s)")
    assert push_service.arrivals[0].path == "/push/supervisor-phone"
