"""Storing and removing push subscriptions (validated), and the in-app list of notifications."""
from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from flask_babel import gettext as _

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.inputs import storable
from webapp.push import guard
from webapp.push.models import CLEARED, Notification, PushDelivery, PushSubscription

VISIBLE_STATES = ("pending", "sent")


def _b64url(value: Any) -> bytes | None:
    """Decode base64url text (padding optional), or None when it is not that."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _endpoint_error(endpoint: Any) -> str | None:
    """Why ``endpoint`` is not a push service URL we may post to, or None."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        return _("Required.")
    if not storable(endpoint):
        return _("Contains a character that cannot be stored.")
    if len(endpoint) > 2048:
        return _("The address is too long.")
    try:
        guard.check(endpoint, resolve=False)  # names are resolved again at every send
    except guard.EndpointRefused as refused:
        return str(refused)
    return None


def parse_subscription(payload: Any) -> tuple[dict, dict]:
    """Check ``{"endpoint", "keys": {"p256dh", "auth"}}``; return ``(clean, errors)``."""
    if not isinstance(payload, dict):
        return {}, {"_": _("Send a JSON object with endpoint and keys.")}
    errors: dict[str, str] = {}
    endpoint = payload.get("endpoint")
    problem = _endpoint_error(endpoint)
    if problem:
        errors["endpoint"] = problem
    keys = payload.get("keys") if isinstance(payload.get("keys"), dict) else {}
    p256dh, auth = _b64url(keys.get("p256dh")), _b64url(keys.get("auth"))
    point_ok = False
    if p256dh is not None and len(p256dh) == 65 and p256dh[0] == 4:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
            point_ok = True
        except ValueError:
            point_ok = False
    if not point_ok:
        errors["keys.p256dh"] = _("Must be the browser's P-256 public key (base64url, 65 bytes).")
    if auth is None or len(auth) != 16:
        errors["keys.auth"] = _("Must be the browser's 16-byte auth secret (base64url).")
    if errors:
        return {}, errors
    return {"endpoint": endpoint.strip(), "p256dh": keys["p256dh"].rstrip("="), "auth": keys["auth"].rstrip("=")}, {}


def endpoint_digest(endpoint: str) -> str:
    """The SHA-256 of an endpoint (its unique key)."""
    return hashlib.sha256(endpoint.encode()).hexdigest()


def subscribe(user: User, clean: dict, device: str) -> tuple[PushSubscription, bool]:
    """Store the subscription for ``user`` on this device (taking it over if another user had it)."""
    digest = endpoint_digest(clean["endpoint"])
    subscription = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint_digest == digest))
    created = subscription is None
    if created:
        subscription = PushSubscription(endpoint=clean["endpoint"], endpoint_digest=digest)
        db.session.add(subscription)
    elif subscription.user_id != user.id:
        # A shared phone now signed in as someone else: old pushes must not reach the new person.
        db.session.execute(sa.delete(PushDelivery).where(PushDelivery.subscription_id == subscription.id))
    subscription.user_id = user.id
    subscription.p256dh, subscription.auth = clean["p256dh"], clean["auth"]
    subscription.device = device[:120]
    subscription.last_used_at = utcnow()
    return subscription, created


def unsubscribe(user: User, endpoint: str) -> bool:
    """Remove this person's subscription with ``endpoint``; False when there was none."""
    subscription = db.session.scalar(sa.select(PushSubscription).where(
        PushSubscription.endpoint_digest == endpoint_digest(endpoint), PushSubscription.user_id == user.id))
    if subscription is None:
        return False
    db.session.delete(subscription)
    return True


def device_count(user: User) -> int:
    """On how many devices this person receives pushes."""
    return db.session.scalar(sa.select(sa.func.count()).where(PushSubscription.user_id == user.id)) or 0


def notifications_of(user: User) -> sa.Select:
    """The person's notifications to show, newest first."""
    return (sa.select(Notification).where(Notification.user_id == user.id, Notification.state.in_(VISIBLE_STATES),
                                          Notification.topic != CLEARED)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def unread_count(user: User) -> int:
    """How many of them are unread (the number on the bell)."""
    return db.session.scalar(sa.select(sa.func.count()).where(
        Notification.user_id == user.id, Notification.state.in_(VISIBLE_STATES), Notification.topic != CLEARED,
        Notification.read_at.is_(None))) or 0


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of ``user`` read; return how many changed."""
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return db.session.execute(query.values(read_at=utcnow())).rowcount or 0


def current_counts(user: User) -> dict[str, int | None]:
    """What waits for the person now (the notifications page's summary, never stale): entries waiting
    for their review (reviewers only) and their own entries returned to them."""
    from webapp.auth.permissions import REVIEW_ROLES
    from webapp.entries.models import Entry
    from webapp.review.services import waiting_count

    returned = db.session.scalar(sa.select(sa.func.count()).where(
        Entry.author_id == user.id, Entry.status == "returned")) or 0
    return {"waiting": waiting_count(user) if user.has_role(*REVIEW_ROLES) else None, "returned": returned}
