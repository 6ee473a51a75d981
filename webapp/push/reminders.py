"""Reminders before each campaign starts and before each report deadline, enqueued idempotently.

Campaign dates are the commune's ``Campaign`` windows; report deadlines are the ends of its
configured report periods (``webapp.plan.periods``: the half-year report's 14/06, the year's 14/12).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.auth.models import RoleAssignment, User, utcnow
from webapp.extensions import db
from webapp.plan import periods as report_periods
from webapp.plan.models import Campaign
from webapp.push.models import REMINDER, Notification
from webapp.push.notify import commune_zone, path_for
from webapp.units.models import Unit


@dataclass(frozen=True)
class Upcoming:
    """Something a commune should prepare for: a campaign start or a report deadline."""

    key: str  # stable identity, e.g. "campaign:thang-hd-bdg:2023-11-15"
    title: str
    body: str
    url: str


def _yearly(month: int, day: int, today: dt.date) -> dt.date:
    """The next date on or after ``today`` with this month and day (29 Feb falls back to 28 Feb)."""
    for year in (today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            candidate = dt.date(year, month, 28)
        if candidate >= today:
            return candidate
    raise ValueError("no date")  # unreachable: next year's date is always after today


def upcoming(commune_id: int, today: dt.date, days_before: int) -> list[Upcoming]:
    """Campaign starts and report deadlines of the commune from today to ``days_before`` days ahead."""
    found = []
    horizon = today + dt.timedelta(days=days_before)
    campaigns = db.session.scalars(sa.select(Campaign).where(
        Campaign.commune_id == commune_id, Campaign.start_month.is_not(None)).order_by(Campaign.position))
    for campaign in campaigns:
        start = _yearly(campaign.start_month, campaign.start_day or 1, today)
        if start <= horizon:
            found.append(Upcoming(
                f"campaign:{campaign.code}:{start.isoformat()}",
                _("Coming up: %(name)s", name=campaign.name)[:200],
                _("Starts on %(date)s. Plan your unit's activities for it.", date=start.strftime("%d/%m/%Y")),
                path_for("entries.choose_kind")))
    for year in (today.year, today.year + 1):
        # Report deadlines: the end of each configured report period with fixed dates (half-year, year).
        for window in report_periods.windows_for_year(commune_id, year):
            if window.type == "range" and today <= window.end <= horizon:
                found.append(Upcoming(
                    f"deadline:{window.key}",
                    _("Report deadline: %(period)s", period=window.label)[:200],
                    _("Due on %(date)s. Log and review the remaining activities before then.",
                      date=window.end.strftime("%d/%m/%Y")),
                    path_for("entries.index")))
    return found


def enqueue_reminders(now: dt.datetime | None = None) -> int:
    """Add each due reminder once per person with a role in the commune; return how many were added."""
    now = now or utcnow()
    today = now.replace(tzinfo=dt.timezone.utc).astimezone(commune_zone()).date()
    days_before = int(current_app.config["PUSH_REMINDER_DAYS_BEFORE"])
    added = 0
    communes = list(db.session.scalars(sa.select(Unit.id).where(Unit.type == "commune")))
    for commune_id in communes:
        with force_locale("vi"):
            items = upcoming(commune_id, today, days_before)
        if not items:
            continue
        people = list(db.session.scalars(
            sa.select(User.id).join(RoleAssignment, RoleAssignment.user_id == User.id)
            .join(Unit, RoleAssignment.unit_id == Unit.id)
            .where(Unit.commune_id == commune_id, User.active.is_(True)).distinct()))
        keys = [f"reminder:{item.key}" for item in items]
        existing = set(db.session.execute(sa.select(Notification.user_id, Notification.dedup_key).where(
            Notification.user_id.in_(people), Notification.dedup_key.in_(keys))).all())
        for item, key in zip(items, keys):
            for user_id in people:
                if (user_id, key) in existing:
                    continue
                db.session.add(Notification(user_id=user_id, topic=REMINDER, dedup_key=key, title=item.title,
                                            body=item.body, url=item.url, urgency="normal", due_at=now,
                                            created_at=now))
                added += 1
    return added
