"""The server-side outbox: notifications written in the same transaction as the events that cause them.

Receivers of ``webapp.events`` only note what happened (no queries, so a 500-entry sync stays fast);
just before that transaction commits, the notes become notification rows, once per person and sort:

- an entry waits for review → its reviewers get a pending "entries wait for review" message, unless
  one already waits (the first due at once, the next no sooner than ``PUSH_WAITING_INTERVAL_MINUTES``
  after the last one sent). Nothing is counted and nothing locked here: a sync only notes who must
  hear; the worker counts the queue when it sends ("N hoạt động chờ duyệt"), and so does the list;
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
from webapp.entries import settings_cache
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.push.models import APPROVED, CLEARED, RETURNED, WAITING, Notification, PushDelivery
from webapp.push.notify import URGENCY, commune_zone, compose, compose_waiting_unknown, reviewers_of
from webapp.review.services import waiting_count

NOTES = "binhdang_push_notes"  # key of the events noted in ``Session.info`` until commit


def _note(kind: str, entry: Entry) -> None:
    """Remember an event of this transaction (handled just before it commits)."""
    db.session.info.setdefault(NOTES, []).append((kind, entry))


@events.entry_created.connect
def _on_entry_created(sender, entry: Entry, **extra) -> None:
    """A new entry waits for review."""
    _note("waiting", entry)


@events.entries_created.connect
def _on_entries_created(sender, rows: list[dict], **extra) -> None:
    """New entries written set-based wait for review: their reviewers, by unit and author, must hear."""
    for key in {(row["unit_id"], row["author_id"]) for row in rows}:
        db.session.info.setdefault(NOTES, []).append(("waiting_for", key))


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


def note_waiting(ids: list[int]) -> None:
    """Something waits for these reviewers: a pending message each, unless one already waits.

    Two queries whatever the size of the queue, and no row locked: two batches that both find no
    pending message both add one, and the worker folds such twins into one when it sends.
    """
    if not ids:
        return
    pending = sa.and_(Notification.user_id.in_(ids), Notification.topic == WAITING, Notification.state == "pending")
    found = db.session.execute(sa.select(Notification.user_id, Notification.read_at).where(pending)).all()
    have = {user_id for user_id, _read in found}
    if len(have) < len(ids):
        now = utcnow()
        for user_id in ids:
            if user_id not in have:
                notification = Notification(user_id=user_id, topic=WAITING, subjects=[], urgency=URGENCY[WAITING],
                                            due_at=_due(user_id, WAITING, now), created_at=now)
                compose_waiting_unknown(notification)
                db.session.add(notification)
    if any(read_at is not None for _id, read_at in found):  # shown as unread again, as a new message would be
        db.session.execute(sa.update(Notification).where(pending, Notification.read_at.is_not(None))
                           .values(read_at=None).execution_options(synchronize_session=False))


def _refresh_waiting(user: User) -> None:
    """The queue shrank: the pending message says the new number, or goes if nothing waits; when
    nothing waits any more, the devices that show an earlier "N entries wait" are told to close it."""
    pending = _pending(user.id, WAITING)
    if pending is not None:
        if compose(pending):
            return
        pending.state, pending.dispatched_at, pending.read_at = "skipped", utcnow(), utcnow()
    elif waiting_count(user):
        return
    _clear_shown_waiting(user)


def _clear_shown_waiting(user: User) -> None:
    """Queue a "clear" push when a "waiting" push reached a device since the last clear (once, not at
    every review); it is never listed in the app (read at once, and filtered out of the list)."""
    shown = _last_sent(user.id, WAITING)
    if shown is None:
        return
    cleared = db.session.scalar(sa.select(sa.func.max(Notification.created_at)).where(
        Notification.user_id == user.id, Notification.topic == CLEARED))
    if cleared is not None and cleared >= shown:
        return
    now = utcnow()
    notification = Notification(user=user, user_id=user.id, topic=CLEARED, subjects=[], due_at=now,
                                urgency=URGENCY[CLEARED], created_at=now, read_at=now)
    compose(notification)
    db.session.add(notification)


def reviewer_ids(unit_id: int, author_id: int) -> list[int]:
    """The ids of who reviews an entry of ``unit_id`` by ``author_id`` (cached until the settings change)."""
    return settings_cache.cached(("reviewers", unit_id, author_id),
                                 lambda: [user.id for user in reviewers_of(None, unit_id, author_id)])


def write_outbox(session) -> None:
    """Turn this transaction's noted events into notification rows (``before_commit``), once per person."""
    if session.in_nested_transaction():
        return  # a savepoint (one entry of a sync batch): wait for the transaction itself
    notes = session.info.pop(NOTES, None)
    if not notes:
        return
    session.flush()
    live = [(kind, entry) for kind, entry in notes
            if kind == "waiting_for" or sa.inspect(entry).persistent]  # not rolled back
    reviewers: dict[tuple[int, int], list[User]] = {}
    waiting: dict[int, None] = {}  # reviewer ids, in order
    reviewed: dict[int, User] = {}
    for_author: dict[tuple[int, str], list[Entry]] = {}
    for kind, entry in live:
        if kind in ("waiting", "waiting_for"):
            waiting.update(dict.fromkeys(reviewer_ids(*(entry if kind == "waiting_for" else
                                                        (entry.unit_id, entry.author_id)))))
        elif kind == "reviewed":
            key = (entry.unit_id, entry.author_id)
            if key not in reviewers:
                reviewers[key] = reviewers_of(entry)
            reviewed.update({user.id: user for user in reviewers[key]})
        else:
            for_author.setdefault((entry.author_id, kind), []).append(entry)
    note_waiting(list(waiting))
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
