"""The push worker's pass: enqueue reminders, drop idle subscriptions, dispatch due notifications,
and send each delivery with pywebpush (TTL, Urgency, timeout, retries with backoff)."""
from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from flask import current_app
from pywebpush import WebPushException, webpush

from webapp.auth.models import utcnow
from webapp.extensions import db
from webapp.push import guard
from webapp.push.models import REMINDER, Notification, PushDelivery, PushSubscription
from webapp.push.notify import compose
from webapp.push.reminders import enqueue_reminders
from webapp.push.vapid import vapid_keys

log = logging.getLogger(__name__)
MAX_PAYLOAD = 3072
BATCH = 200
CLAIM_SECONDS = 120
# A push service keeps only the newest undelivered message of a Topic: a "clear" replaces a waiting one.
TOPIC_HEADER = {"review_waiting": "review-waiting", "review_cleared": "review-waiting", "returned": "returned",
                "approved": "approved"}


def payload_bytes(notification: Notification) -> bytes:
    """The JSON payload, at most 3 KB (the body is shortened if it must be)."""
    payload = notification.payload()
    data = json.dumps(payload, ensure_ascii=False).encode()
    while len(data) > MAX_PAYLOAD and payload["body"]:
        payload["body"] = payload["body"][: max(0, len(payload["body"]) - (len(data) - MAX_PAYLOAD) - 1)]
        data = json.dumps(payload, ensure_ascii=False).encode()
    return data


def drop_idle_subscriptions(now: dt.datetime) -> int:
    """Delete subscriptions no device confirmed and no push reached for ``PUSH_SUBSCRIPTION_IDLE_DAYS``."""
    cutoff = now - dt.timedelta(days=int(current_app.config["PUSH_SUBSCRIPTION_IDLE_DAYS"]))
    idle = list(db.session.scalars(sa.select(PushSubscription.id).where(PushSubscription.last_used_at < cutoff)))
    if idle:
        db.session.execute(sa.delete(PushDelivery).where(PushDelivery.subscription_id.in_(idle)))
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(idle)))
    return len(idle)


def dispatch_due(now: dt.datetime) -> int:
    """Turn due notifications into deliveries to each of the person's subscriptions; return how many."""
    due = list(db.session.scalars(
        sa.select(Notification).where(Notification.state == "pending", Notification.due_at <= now)
        .order_by(Notification.id).limit(BATCH).with_for_update(skip_locked=True)))
    latest: dict[tuple, Notification] = {}
    for notification in due:
        group = (notification.user_id, notification.topic, notification.dedup_key or "")
        earlier = latest.get(group)
        if earlier is not None and notification.topic != REMINDER:
            # Two pending ones of a sort for one person (concurrent events): fold into the newer.
            notification.subjects = list(dict.fromkeys([*(earlier.subjects or []), *(notification.subjects or [])]))
            earlier.state, earlier.dispatched_at, earlier.read_at = "merged", now, now
        latest[group] = notification
    dispatched = 0
    for notification in latest.values():
        if notification.topic != REMINDER and not compose(notification):
            notification.state, notification.dispatched_at, notification.read_at = "skipped", now, now
            continue
        notification.state, notification.dispatched_at = "sent", now
        subscriptions = db.session.scalars(
            sa.select(PushSubscription).where(PushSubscription.user_id == notification.user_id))
        for subscription in subscriptions:
            db.session.add(PushDelivery(notification=notification, subscription=subscription, next_attempt_at=now))
        dispatched += 1
    return dispatched


def _retry_delay(attempts: int, retry_after: str | None) -> float:
    """Seconds before the next try: exponential from ``PUSH_RETRY_BASE_SECONDS``, or the service's Retry-After."""
    if retry_after:
        try:
            return min(float(retry_after), 3600.0)
        except ValueError:
            when = email.utils.parsedate_to_datetime(retry_after)
            if when is not None:
                return max(0.0, min((when - dt.datetime.now(dt.timezone.utc)).total_seconds(), 3600.0))
    base = float(current_app.config["PUSH_RETRY_BASE_SECONDS"])
    return min(base * (2 ** (attempts - 1)), 3600.0) * random.uniform(0.9, 1.1)


def send(delivery: PushDelivery, now: dt.datetime) -> str:
    """Send one delivery; return its outcome: sent, retry, failed or gone (subscription deleted)."""
    config = current_app.config
    keys = vapid_keys()
    notification, subscription = delivery.notification, delivery.subscription
    delivery.attempts += 1
    headers = {"Urgency": notification.urgency}
    if notification.topic in TOPIC_HEADER:
        headers["Topic"] = TOPIC_HEADER[notification.topic]
    status, retry_after, error = None, None, ""
    try:
        address = guard.check(subscription.endpoint)
    except guard.EndpointRefused as refused:
        log.warning("push delivery %s refused: %s", delivery.id, refused)
        delivery.state, delivery.last_error = "failed", f"refused: {refused}"[:300]
        return "failed"
    try:
        response = webpush(subscription.info(), data=payload_bytes(notification), vapid_private_key=keys.signer,
                           vapid_claims=keys.claims(), ttl=int(config["PUSH_TTL_SECONDS"]),
                           timeout=float(config["PUSH_TIMEOUT_SECONDS"]), headers=headers,
                           requests_session=guard.pinned_session(urlsplit(subscription.endpoint).hostname or "", address))
        status = response.status_code
    except WebPushException as exc:
        status = exc.status_code
        retry_after = exc.retry_after
        error = str(exc.message)[:300]
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    except Exception as exc:  # a subscription the encryption rejects: never stop the worker for it
        log.exception("push delivery %s cannot be sent", delivery.id)
        delivery.state, delivery.last_error = "failed", f"{type(exc).__name__}: {exc}"[:300]
        return "failed"
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.sent_at = "sent", now
        subscription.last_used_at = now
        return "sent"
    if status in (404, 410):
        db.session.delete(subscription)  # the browser unsubscribed or the subscription expired
        return "gone"
    retryable = status is None or status == 429 or status >= 500
    if retryable and delivery.attempts < int(config["PUSH_MAX_ATTEMPTS"]):
        delivery.next_attempt_at = now + dt.timedelta(seconds=_retry_delay(delivery.attempts, retry_after))
        return "retry"
    delivery.state = "failed"
    log.warning("push delivery %s failed: %s %s", delivery.id, status, error)
    return "failed"


def send_due(now: dt.datetime) -> dict[str, int]:
    """Claim the deliveries due now (so a second worker skips them), send each, record each answer."""
    claimed = list(db.session.scalars(
        sa.select(PushDelivery.id).where(PushDelivery.state == "pending", PushDelivery.next_attempt_at <= now)
        .order_by(PushDelivery.id).limit(BATCH).with_for_update(skip_locked=True)))
    if claimed:
        db.session.execute(sa.update(PushDelivery).where(PushDelivery.id.in_(claimed))
                           .values(next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS)))
    db.session.commit()
    outcomes: dict[str, int] = {}
    for delivery_id in claimed:
        delivery = db.session.get(PushDelivery, delivery_id)
        if delivery is None or delivery.state != "pending":
            continue
        outcome = send(delivery, utcnow())
        db.session.commit()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def run_pass(reminders: bool = True) -> dict:
    """One pass of the worker; every step commits its own work."""
    now = utcnow()
    stats: dict = {}
    if reminders:
        stats["reminders"] = enqueue_reminders(now)
        db.session.commit()
    stats["dropped"] = drop_idle_subscriptions(now)
    db.session.commit()
    stats["dispatched"] = dispatch_due(now)
    db.session.commit()
    stats.update(send_due(utcnow()))
    return stats
