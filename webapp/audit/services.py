"""Finding audit events of a person's communes, with the filters of the audit page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager

from webapp.audit.admin_events import ADMIN_ACTION_LABELS
from webapp.auth.models import RoleAssignment, User
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.inputs import filter_day, int_id
from webapp.units.models import Unit

ENTRY_ACTIONS = ("create", "edit", "resubmit", "approve", "return", "lock", "reopen", "photo")
ACTIONS = ENTRY_ACTIONS + tuple(ADMIN_ACTION_LABELS)
AUDIT_ROLES = ("officer", "admin")


def audit_communes(user: User) -> set[int]:
    """The communes whose trail ``user`` may read: where they are officer; every commune for an admin."""
    if user.has_role("admin"):
        return set(db.session.scalars(sa.select(Unit.id).where(Unit.type == "commune")))
    return {a.unit.commune_id for a in user.roles if a.role == "officer"}


def _day(value: Any) -> dt.date | None:
    """A YYYY-MM-DD date, or None when absent or malformed."""
    return filter_day(value)


def _utc_midnight(day: dt.date) -> dt.datetime:
    """The commune's local midnight starting ``day``, as naive UTC (how times are stored)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")
    local = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


@dataclass
class AuditFilters:
    """Who, what, when and which kind of entry."""

    user_id: int | None = None
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""

    @classmethod
    def from_args(cls, args) -> "AuditFilters":
        """Read the filters leniently: a malformed value is ignored."""
        user_id = str(args.get("user_id", ""))
        action = str(args.get("action", ""))
        return cls(int_id(user_id), action if action in ACTIONS else "",
                   _day(args.get("from")), _day(args.get("to")), str(args.get("kind", ""))[:40])

    def apply(self, query: sa.Select) -> sa.Select:
        """Narrow ``query`` by these filters (dates are the commune's local days, both included)."""
        if self.user_id:
            query = query.where(AuditEvent.user_id == self.user_id)
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.date_from:
            query = query.where(AuditEvent.at >= _utc_midnight(self.date_from))
        if self.date_to:
            query = query.where(AuditEvent.at < _utc_midnight(self.date_to + dt.timedelta(days=1)))
        if self.kind:
            query = query.where(Entry.kind == self.kind)
        return query


def events_query(communes: set[int], filters: AuditFilters) -> sa.Select:
    """Audit events of entries of these communes, and of their periods; newest first."""
    ids = sorted(communes)
    query = (
        sa.select(AuditEvent)
        .outerjoin(Entry, AuditEvent.entry_id == Entry.id)
        .outerjoin(Unit, Entry.unit_id == Unit.id)
        .options(contains_eager(AuditEvent.entry))
        .where(sa.or_(
            Unit.commune_id.in_(ids),
            sa.and_(AuditEvent.entry_id.is_(None), AuditEvent.changes["commune_id"].as_integer().in_(ids)),
        ))
    )
    return filters.apply(query).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def people_of(communes: set[int]) -> list[User]:
    """Everyone holding a role in these communes, by name (the user filter)."""
    if not communes:
        return []
    return list(db.session.scalars(
        sa.select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Unit, RoleAssignment.unit_id == Unit.id)
        .where(Unit.commune_id.in_(sorted(communes))).distinct().order_by(User.full_name, User.id)))
