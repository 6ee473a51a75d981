"""The server-side outbox: notifications written in the same transaction as the events that cause them.

Receivers of ``webapp.events`` only note what happened (no queries, so a 500-entry sync stays fast);
just before that transaction commits, the notes become notification rows, once per person and sort:

- an entry waits for review → its reviewers' pending "N hoạt động chờ duyệt" (the first due at once,
  the next no sooner than ``PUSH_WAITING_INTERVAL_MINUTES`` after the last one sent);
- an entry is returned → its author, due at once, grouped for ``PUSH_RETURNED_GROUP_MINUTES``;
- an entry is approved → its author's daily digest (``PUSH_DIGEST_HOUR``);
- an entry left the queue → the reviewers' pending message says the new number, or goes.
A rolled-back transaction leaves nothing.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from webapp import events
from webapp.auth.models import User, utcnow
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.push.models import APPROVED, RETURNED, WAITING, Notification, PushDelivery
from webapp.push.notify import URGENCY, commune_zone, compose, reviewers_of

NOTES = "binhdang_push_notes"  # key of the events noted in ``Session.info`` until commit


def _note(kind: str, entry: Entry) -> None:
    """Remember an event of this transaction (handled just before it commits)."""
    db.session.info.setdefault(NOTES, []).append((kind, entry))


@events.entry_created.connect
def _on_entry_created(sender, entry: Entry, **extra) -> None:
    """A new entry waits for review."""
    _note("waiting", entry)


@events.entry_updated.connect
def _on_entry_updated(sender, entry: Entry, resubmitted: bool = False, **extra) -> None:
    """A returned entry fixed by its author waits for review again."""
    if resubmitted:
        _note("waiting", entry)


@events.entry_status_changed.connect
def _on_status_changed(sender, entry: Entry, old: str = "", new: str = "", **extra) -> None:
    """Reviewed: the queue shrank; the author hears of a return at once, of approvals daily."""
    if old == "submitted":
        _note("reviewed", entry)
    if new in (RETURNED, APPROVED):
        _note(new, entry)


def _pending(user_id: int, topic: str) -> Notification | None:
    """The person's notification of ``topic`` not yet sent, if any (locked until commit)."""
    return db.session.scalar(sa.select(Notification).where(
        Notification.user_id == user_id, Notification.topic == topic, Notification.state == "pending")
        .order_by(Notification.id).limit(1).with_for_update())


def _last_sent(user_id: int, topic: str) -> dt.datetime | None:
    """When the person's last notification of ``topic`` reached a device (one that reached none, e.g.
    before they subscribed, does not start the grouping interval)."""
    delivered = sa.select(PushDelivery.id).where(PushDelivery.notification_id == Notification.id,
                                                 PushDelivery.state == "sent")
    return db.session.scalar(sa.select(sa.func.max(Notification.dispatched_at)).where(
        Notification.user_id == user_id, Notification.topic == topic, Notification.state == "sent",
        delivered.exists()))


def next_digest_time(now: dt.datetime) -> dt.datetime:
    """The next daily digest time (``PUSH_DIGEST_HOUR`` in the commune's time zone), as naive UTC."""
    local = now.replace(tzinfo=dt.timezone.utc).astimezone(commune_zone())
    due = local.replace(hour=int(current_app.config["PUSH_DIGEST_HOUR"]), minute=0, second=0, microsecond=0)
    if due <= local:
        due = dt.datetime.combine(due.date() + dt.timedelta(days=1), due.timetz())
    return due.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _due(user_id: int, topic: str, now: dt.datetime) -> dt.datetime:
    """When a new notification of ``topic`` may go out: at once, after the grouping gap, or at the digest."""
    if topic == APPROVED:
        return next_digest_time(now)
    setting = "PUSH_WAITING_INTERVAL_MINUTES" if topic == WAITING else "PUSH_RETURNED_GROUP_MINUTES"
    minutes = current_app.config[setting]
    last = _last_sent(user_id, topic)
    return now if last is None else max(now, last + dt.timedelta(minutes=float(minutes)))


def enqueue(user: User, topic: str, entries: list[Entry] = ()) -> Notification:
    """Add ``entries`` to the person's pending notification of ``topic``, or start one; refresh its text."""
    now = utcnow()
    notification = _pending(user.id, topic)
    if notification is None:
        notification = Notification(user=user, user_id=user.id, topic=topic, subjects=[],
                                    due_at=_due(user.id, topic, now), urgency=URGENCY[topic], created_at=now)
        db.session.add(notification)
    if topic != WAITING:
        notification.subjects = list(dict.fromkeys([*(notification.subjects or []), *(e.uuid for e in entries)]))
    notification.read_at = None
    compose(notification)
    return notification


def _refresh_waiting(user: User) -> None:
    """The queue shrank: the pending message says the new number, or goes if nothing waits."""
    pending = _pending(user.id, WAITING)
    if pending is not None and not compose(pending):
        pending.state, pending.dispatched_at, pending.read_at = "skipped", utcnow(), utcnow()


def write_outbox(session) -> None:
    """Turn this transaction's noted events into notification rows (``before_commit``), once per person."""
    if session.in_nested_transaction():
        return  # a savepoint (one entry of a sync batch): wait for the transaction itself
    notes = session.info.pop(NOTES, None)
    if not notes:
        return
    session.flush()
    live = [(kind, entry) for kind, entry in notes if sa.inspect(entry).persistent]  # not rolled back
    reviewers: dict[tuple[int, int], list[User]] = {}
    waiting: dict[int, User] = {}
    reviewed: dict[int, User] = {}
    for_author: dict[tuple[int, str], list[Entry]] = {}
    for kind, entry in live:
        if kind in ("waiting", "reviewed"):
            key = (entry.unit_id, entry.author_id)
            if key not in reviewers:
                reviewers[key] = reviewers_of(entry)
            (waiting if kind == "waiting" else reviewed).update({user.id: user for user in reviewers[key]})
        else:
            for_author.setdefault((entry.author_id, kind), []).append(entry)
    for user in waiting.values():
        enqueue(user, WAITING)
    for user_id, user in reviewed.items():
        if user_id not in waiting:
            _refresh_waiting(user)
    for (author_id, topic), entries in for_author.items():
        author = db.session.get(User, author_id)
        if author is not None and author.active:
            enqueue(author, topic, entries)


def _forget(session, transaction) -> None:
    """A transaction ended without committing its notes (rollback): drop them."""
    if transaction.parent is None:
        session.info.pop(NOTES, None)


if not sa.event.contains(db.session, "before_commit", write_outbox):
    sa.event.listen(db.session, "before_commit", write_outbox)
    sa.event.listen(db.session, "after_transaction_end", _forget)
