"""Closing and reopening a commune's periods: who may, what is checked, and the audit trail."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from webapp.auth.models import User, utcnow
from webapp.entries.services import record
from webapp.extensions import db
from webapp.inputs import filter_day, int_id, iso_date
from webapp.kinds import identities
from webapp.periods.models import ClosedPeriod
from webapp.units.models import Unit

MANAGER_ROLES = ("officer", "admin")


class PeriodError(ValueError):
    """A close or reopen that cannot be done; ``errors`` maps form field → message."""

    def __init__(self, errors: dict[str, str]):
        """Keep the messages by field."""
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class CloseRequest:
    """What the close form asked for, already parsed."""

    commune_id: int | None
    name: str
    start: dt.date | None
    end: dt.date | None
    reason: str
    errors: dict[str, str] = field(default_factory=dict)


def managed_communes(user: User) -> list[Unit]:
    """The communes whose periods ``user`` may close and reopen (officer of it, or admin)."""
    if user.has_role("admin"):
        return list(db.session.scalars(sa.select(Unit).where(Unit.type == "commune").order_by(Unit.name)))
    ids = {a.unit.commune_id for a in user.roles if a.role == "officer"}
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name)))


def may_manage(user: User, commune_id: int) -> bool:
    """Whether ``user`` may close or reopen periods of this commune."""
    return any(c.id == commune_id for c in managed_communes(user))


def _text(raw: Any, limit: int) -> str:
    """Trimmed text of at most ``limit`` characters ("" for anything that is not text)."""
    return raw.strip()[:limit] if isinstance(raw, str) else ""


def _reason_error(reason: str) -> str | None:
    """The problem with a close/reopen reason, if any (required; no personal numbers)."""
    if not reason:
        return _("Give the reason.")
    return identities.problem(reason)


def parse_close(form: Mapping[str, Any], communes: list[Unit]) -> CloseRequest:
    """Read and check the close form: a name, a valid date range and a reason are required."""
    errors: dict[str, str] = {}
    commune_id = None
    raw_commune = str(form.get("commune_id") or "")
    if len(communes) == 1 and not raw_commune:
        commune_id = communes[0].id
    elif int_id(raw_commune) is not None and any(c.id == int_id(raw_commune) for c in communes):
        commune_id = int_id(raw_commune)
    else:
        errors["commune_id"] = _("Choose one of the options.")
    name = _text(form.get("name"), 120)
    if not name:
        errors["name"] = _("Give the period a name, e.g. first half-year 2023.")
    dates = {}
    for key in ("start", "end"):
        dates[key] = iso_date(_text(form.get(key), 10))
        if dates[key] is None or filter_day(dates[key].isoformat()) != dates[key]:
            dates[key] = None
            errors[key] = _("Must be a date (YYYY-MM-DD).")
    if dates["start"] and dates["end"] and dates["end"] < dates["start"]:
        errors["end"] = _("The end cannot be before the start.")
    reason = _text(form.get("reason"), 1000)
    if _reason_error(reason):
        errors["reason"] = _reason_error(reason)
    return CloseRequest(commune_id, name, dates["start"], dates["end"], reason, errors)


def _overlapping(commune_id: int, start: dt.date, end: dt.date, other_than: int | None = None):
    """A closed period of the commune that overlaps ``start``–``end``, if any."""
    query = sa.select(ClosedPeriod).where(
        ClosedPeriod.commune_id == commune_id, ClosedPeriod.closed.is_(True),
        ClosedPeriod.start_date <= end, ClosedPeriod.end_date >= start)
    if other_than is not None:
        query = query.where(ClosedPeriod.id != other_than)
    return db.session.scalar(query.limit(1))


def _audit(period: ClosedPeriod, user: User, action: str, reason: str, device: str) -> None:
    """Record a lock or reopen in the audit trail (no entry: it concerns a whole period)."""
    record(None, user, action, {
        "period_id": period.id, "commune_id": period.commune_id, "period": period.name,
        "from": period.start_date.isoformat(), "to": period.end_date.isoformat(),
    }, device=device, comment=reason)


def close_period(user: User, request: CloseRequest, device: str = "web") -> ClosedPeriod:
    """Close a new period of a commune; refuses bad input and overlaps with a closed one."""
    errors = dict(request.errors)
    if request.commune_id is not None and not may_manage(user, request.commune_id):
        errors["commune_id"] = _("You may not close periods of this commune.")
    if not errors:
        clash = _overlapping(request.commune_id, request.start, request.end)
        if clash is not None:
            errors["start"] = _("Overlaps the closed period %(name)s.", name=clash.name)
    if errors:
        raise PeriodError(errors)
    period = ClosedPeriod(commune_id=request.commune_id, name=request.name, start_date=request.start,
                          end_date=request.end, closed=True, reason=request.reason, closed_by=user,
                          closed_at=utcnow())
    db.session.add(period)
    db.session.flush()
    _audit(period, user, "lock", request.reason, device)
    return period


def reopen_period(user: User, period: ClosedPeriod, reason: Any, device: str = "web") -> None:
    """Reopen a closed period (reason required): what is dated in it can change again."""
    reason = _text(reason, 1000)
    if not may_manage(user, period.commune_id):
        raise PeriodError({"_form": _("You may not reopen periods of this commune.")})
    if not period.closed:
        raise PeriodError({"_form": _("This period is already open.")})
    if _reason_error(reason):
        raise PeriodError({"reason": _reason_error(reason)})
    period.closed = False
    period.reopen_reason = reason
    period.reopened_at = utcnow()
    period.reopened_by = user
    _audit(period, user, "reopen", reason, device)


def close_again(user: User, period: ClosedPeriod, reason: Any, device: str = "web") -> None:
    """Close a reopened period again (reason required)."""
    reason = _text(reason, 1000)
    if not may_manage(user, period.commune_id):
        raise PeriodError({"_form": _("You may not close periods of this commune.")})
    if period.closed:
        raise PeriodError({"_form": _("This period is already closed.")})
    if _reason_error(reason):
        raise PeriodError({"reason": _reason_error(reason)})
    clash = _overlapping(period.commune_id, period.start_date, period.end_date, other_than=period.id)
    if clash is not None:
        raise PeriodError({"_form": _("Overlaps the closed period %(name)s.", name=clash.name)})
    period.closed = True
    period.reason = reason
    period.closed_at = utcnow()
    period.closed_by = user
    _audit(period, user, "lock", reason, device)


def periods_of(communes: list[Unit]) -> list[ClosedPeriod]:
    """Every period (closed or reopened) of these communes, latest first."""
    ids = [c.id for c in communes]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(ClosedPeriod).where(ClosedPeriod.commune_id.in_(ids))
                                   .order_by(ClosedPeriod.start_date.desc(), ClosedPeriod.id.desc())))


def closed_entry_condition(entry_model) -> sa.ColumnElement:
    """SQL condition: the entry is dated inside a closed period of its unit's commune."""
    unit = aliased(Unit)  # never correlated with a unit table of the enclosing query
    return sa.exists().where(
        unit.id == entry_model.unit_id, ClosedPeriod.closed.is_(True), ClosedPeriod.commune_id == unit.commune_id,
        ClosedPeriod.start_date <= entry_model.date, ClosedPeriod.end_date >= entry_model.date)

