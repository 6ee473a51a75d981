"""``PushSubscription`` (one browser of one person), ``Notification`` (the outbox and in-app list)
and ``PushDelivery`` (one notification to one subscription, with its retries)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User, utcnow
from webapp.extensions import db

# Notification topics, each grouped its own way (see ``webapp.push.notify``).
WAITING, RETURNED, APPROVED, REMINDER = "review_waiting", "returned", "approved", "reminder"
# Not a message of its own: tells the reviewer's devices to take down the "N entries wait" notification
# once nothing waits (pushed with that notification's tag and ``"type": "clear"``; never listed in the app).
CLEARED = "review_cleared"


class PushSubscription(db.Model):
    """A browser's push subscription (``PushManager.subscribe``) for one person and device."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.Text)
    # SHA-256 of the endpoint: unique, and short enough to index on both databases.
    endpoint_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(128))
    auth: Mapped[str] = mapped_column(sa.String(64))
    device: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Last time the device confirmed it (app opened) or a push was accepted for it.
    last_used_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship()
    deliveries: Mapped[list["PushDelivery"]] = relationship(
        back_populates="subscription", cascade="all, delete-orphan", passive_deletes=True)

    def info(self) -> dict:
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Notification(db.Model):
    """A message for one person: listed in the app, and pushed to their devices once due.

    Written in the same transaction as the event that causes it, so none is lost; ``state`` is
    ``pending`` until ``due_at``, then ``sent`` (handed to the push deliveries), ``skipped``
    (nothing left to say when due) or ``merged`` (a duplicate folded into another).
    """

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedup_key", name="uq_notification_user_dedup"),
        sa.Index("ix_notification_state_due", "state", "due_at"),
        sa.Index("ix_notification_user_topic_state", "user_id", "topic", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(30))
    # Set for reminders: the same reminder is never enqueued twice for a person.
    dedup_key: Mapped[Optional[str]] = mapped_column(sa.String(160))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.String(500), default="")
    url: Mapped[str] = mapped_column(sa.String(500), default="/")
    # Entry UUIDs a grouped notification is about (returned or approved ones).
    subjects: Mapped[list] = mapped_column(sa.JSON, default=list)
    urgency: Mapped[str] = mapped_column(sa.String(10), default="normal")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    dispatched_at: Mapped[Optional[dt.datetime]] = mapped_column()
    read_at: Mapped[Optional[dt.datetime]] = mapped_column()

    user: Mapped[User] = relationship()

    def payload(self) -> dict:
        """What the service worker receives: ``{title, body, url}`` (+ ``tag`` to replace older ones; a
        ``"type": "clear"`` closes the shown notification of that tag instead of showing one)."""
        if self.topic == CLEARED:
            return {"title": self.title, "body": self.body, "url": self.url, "tag": WAITING, "type": "clear"}
        return {"title": self.title, "body": self.body, "url": self.url, "tag": self.topic}


class PushDelivery(db.Model):
    """Sending one notification to one subscription: attempts, next try, last answer."""

    __tablename__ = "push_delivery"
    __table_args__ = (sa.Index("ix_push_delivery_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notification.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("push_subscription.id", ondelete="CASCADE"), index=True)
    # pending, sent, failed
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_status: Mapped[Optional[int]] = mapped_column()
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column()

    notification: Mapped[Notification] = relationship()
    subscription: Mapped[PushSubscription] = relationship(back_populates="deliveries")
