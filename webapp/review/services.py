"""The review rules, shared by the queue, the entry page and ``POST /api/v1/entries/<uuid>/review``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp import events
from webapp.auth import permissions
from webapp.auth.models import User, utcnow
from webapp.entries.models import AuditEvent, Entry
from webapp.entries.services import locked_reason, next_change_seq, record
from webapp.extensions import db
from webapp.inputs import int_id, month_range, storable
from webapp.kinds import identities
from webapp.periods.services import closed_entry_condition
from webapp.units.models import Unit

ACTIONS = {"approve": "approved", "return": "returned"}
COMMENT_LIMIT = 2000


class ReviewRefused(Exception):
    """A review that cannot be done: ``status`` (400/403/409), a ``code`` and a message for people."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        """Keep the answer's parts."""
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def may_review(user: User, entry: Entry) -> bool:
    """Whether ``user`` is a supervisor, officer or admin over the entry's unit and not its author."""
    return entry.author_id != user.id and permissions.unit_in_scope(user, entry.unit, permissions.REVIEW_ROLES)


def changed_by(user: User, entry: Entry) -> bool:
    """Whether ``user`` wrote any revision of ``entry`` (created, edited or resubmitted it)."""
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.entry_id == entry.id, AuditEvent.user_id == user.id,
        AuditEvent.action.in_(("create", "edit", "resubmit")))) > 0


def check(user: User, entry: Entry, action: Any, comment: Any, revision: Any) -> str:
    """Every rule of a review, in order; returns the cleaned comment or raises ``ReviewRefused``."""
    if entry.author_id == user.id:
        raise ReviewRefused(403, "own_entry", _("Nobody may review their own entry."))
    if not permissions.unit_in_scope(user, entry.unit, permissions.REVIEW_ROLES):
        raise ReviewRefused(403, "forbidden", _("Only a supervisor or officer over this unit may review it."))
    if action not in ACTIONS:
        raise ReviewRefused(400, "invalid", _("Choose approve or return."),
                            {"action": _("Choose approve or return.")})
    if action == "approve" and changed_by(user, entry):
        raise ReviewRefused(403, "changed_entry", _("You changed this entry, so someone else must approve it "
                                                    "(you may still return it)."))
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ReviewRefused(400, "invalid", _("The comment must be text."), {"comment": _("Must be text.")})
    if not storable(comment):
        message = _("Contains a character that cannot be stored.")
        raise ReviewRefused(400, "invalid", message, {"comment": message})
    comment = comment.strip()
    if isinstance(revision, str) and int_id(revision) is not None:
        revision = int_id(revision)
    if isinstance(revision, bool) or not isinstance(revision, int):
        raise ReviewRefused(400, "invalid", _("Send the revision you reviewed."),
                            {"revision": _("Must be a whole number.")})
    reason = locked_reason(entry)
    if reason is not None:
        raise ReviewRefused(409, "locked", reason)
    if entry.status != "submitted":
        raise ReviewRefused(409, "not_waiting", _("This entry was returned and waits for its author."))
    if revision != entry.revision:
        raise ReviewRefused(409, "stale", _("The entry changed after you opened it. Look at the current "
                                            "version and review again."))
    if action == "return" and not comment:
        raise ReviewRefused(400, "invalid", _("Say what must be fixed."), {"comment": _("Required when returning.")})
    if len(comment) > COMMENT_LIMIT:
        raise ReviewRefused(400, "invalid", _("The comment is too long."),
                            {"comment": _("At most %(n)s characters.", n=COMMENT_LIMIT)})
    message = identities.problem(comment)
    if message:
        raise ReviewRefused(400, "invalid", message, {"comment": message})
    return comment


def review(user: User, entry: Entry, action: Any, comment: Any, revision: Any, device: str = "") -> Entry:
    """Approve or return ``entry`` (never committed here); raises ``ReviewRefused`` when a rule says no.

    The status change gets a new revision and change number, so devices pull it, and is audited.
    """
    comment = check(user, entry, action, comment, revision)
    old, new = entry.status, ACTIONS[action]
    entry.status = new
    entry.review_comment = comment
    entry.revision += 1
    entry.updated_at = utcnow()
    entry.change_seq = next_change_seq()
    record(entry, user, action, {"status": [old, new]}, device=device, comment=comment)
    events.entry_status_changed.send(user, entry=entry, old=old, new=new, comment=comment)
    return entry


@dataclass
class QueueFilters:
    """Filters of the review queue, read leniently from the query string."""

    unit_id: int | None = None
    village_id: int | None = None
    kind: str = ""
    month: str = ""  # YYYY-MM

    @classmethod
    def from_args(cls, args) -> "QueueFilters":
        """A malformed value is ignored, never an error page."""
        month = str(args.get("month", ""))[:7]
        if month_range(month) is None:
            month = ""
        return cls(int_id(args.get("unit_id")), int_id(args.get("village_id")), str(args.get("kind", ""))[:40], month)

    def as_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (only those set)."""
        values = {"unit_id": self.unit_id, "village_id": self.village_id, "kind": self.kind, "month": self.month}
        return {k: v for k, v in values.items() if v}

    def apply(self, query: sa.Select) -> sa.Select:
        """Narrow ``query`` by these filters."""
        if self.unit_id:
            query = query.where(Entry.unit_id == self.unit_id)
        if self.village_id:
            query = query.where(Entry.village_id == self.village_id)
        if self.kind:
            query = query.where(Entry.kind == self.kind)
        if self.month:
            start, end = month_range(self.month)
            query = query.where(Entry.date >= start, Entry.date <= end)
        return query


def queue(user: User, filters: QueueFilters | None = None) -> sa.Select:
    """Entries waiting for ``user``: submitted, in units they may review, not their own; newest first."""
    query = sa.select(Entry).where(
        Entry.status == "submitted",
        Entry.unit_id.in_(permissions.reviewable_unit_ids(user)),
        Entry.author_id != user.id,
    )
    if filters is not None:
        query = filters.apply(query)
    return query.order_by(Entry.updated_at.desc(), Entry.id.desc())


def count(query: sa.Select) -> int:
    """How many rows ``query`` gives."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0


def waiting_count(user: User) -> int:
    """How many entries wait for ``user`` (the number a reviewer's push announces)."""
    return count(queue(user))


def approvable(query: sa.Select) -> sa.Select:
    """The part of a queue query that can be approved now (not dated in a closed period)."""
    return query.where(sa.not_(closed_entry_condition(Entry)))


def in_closed_periods(entries: list[Entry]) -> set[int]:
    """The ids of those ``entries`` dated inside a closed period (one query for a page of them)."""
    ids = [entry.id for entry in entries]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Entry.id).where(Entry.id.in_(ids), closed_entry_condition(Entry))))


def reviewable_units(user: User) -> list[Unit]:
    """The units whose entries ``user`` may review, in tree order (the queue's unit filter)."""
    return list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(permissions.reviewable_unit_ids(user)))
                                   .order_by(Unit.path)))
