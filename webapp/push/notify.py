"""What is said to whom: the reviewers of an entry, and the texts of each sort of notification.

Texts are Vietnamese (whoever caused the event) and never carry a person's name: an entry is named
by its kind and date. ``compose`` is called when a notification is written and again when it is
sent, so the number it announces is the current one.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.auth.models import RoleAssignment, User
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import get_kind
from webapp.push.models import APPROVED, CLEARED, RETURNED, WAITING, Notification
from webapp.review.services import waiting_count
from webapp.units.models import Unit

URGENCY = {WAITING: "normal", RETURNED: "high", APPROVED: "low", CLEARED: "normal"}


def path_for(endpoint: str, **values) -> str:
    """The path of an app URL, also outside a request (the worker)."""
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build(endpoint, values)


def reviewers_of(entry: Entry | None, unit_id: int | None = None, author_id: int | None = None) -> list[User]:
    """Who reviews ``entry`` (or an entry of ``unit_id`` by ``author_id``): supervisors over its unit,
    else the commune's officers; never its author."""
    if entry is not None:
        unit_id, author_id = entry.unit_id, entry.author_id
    unit = db.session.get(Unit, unit_id)
    rows = db.session.execute(
        sa.select(User, RoleAssignment.role, Unit.path)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Unit, RoleAssignment.unit_id == Unit.id)
        .where(RoleAssignment.role.in_(("supervisor", "officer")), Unit.commune_id == unit.commune_id,
               User.active.is_(True), User.id != author_id)).all()
    supervisors = {u.id: u for u, role, path in rows if role == "supervisor" and unit.path.startswith(path)}
    if supervisors:
        return list(supervisors.values())
    return list({u.id: u for u, role, _path in rows if role == "officer"}.values())


def _entry_words(entry: Entry) -> str:
    """"Tuyên truyền ngày 12/06/2023": kind and date, no names."""
    kind = get_kind(entry.kind)
    return _("%(kind)s on %(date)s", kind=kind.label if kind else entry.kind, date=entry.date.strftime("%d/%m/%Y"))


def _still(notification: Notification, status: str) -> list[Entry]:
    """The subject entries of ``notification`` that still have ``status`` and belong to its person."""
    uuids = list(notification.subjects or [])
    if not uuids:
        return []
    return list(db.session.scalars(sa.select(Entry).where(
        Entry.uuid.in_(uuids), Entry.status == status, Entry.author_id == notification.user_id)
        .order_by(Entry.date)))


def compose(notification: Notification) -> bool:
    """Fill title, body and URL from the current state (in Vietnamese); False when nothing is left to say."""
    with force_locale("vi"):
        if notification.topic == WAITING:
            count = waiting_count(notification.user)
            if not count:
                return False
            notification.title = ngettext("%(num)d entry waits for review", "%(num)d entries wait for review", count)
            notification.body = _("Open the review list to approve them or return them with a comment.")
            notification.url = path_for("review.queue")
        elif notification.topic == RETURNED:
            entries = _still(notification, "returned")
            if not entries:
                return False
            if len(entries) == 1:
                notification.title = _("An entry was returned to you")
                notification.body = _("%(entry)s: fix it as the reviewer asks, then save.",
                                      entry=_entry_words(entries[0]))
                notification.url = path_for("entries.edit", entry_uuid=entries[0].uuid)
            else:
                notification.title = ngettext("%(num)d entry was returned to you",
                                              "%(num)d entries were returned to you", len(entries))
                notification.body = _("Fix them as the reviewers ask, then save.")
                notification.url = path_for("entries.index", status="returned")
        elif notification.topic == APPROVED:
            entries = _still(notification, "approved")
            if not entries:
                return False
            notification.title = ngettext("%(num)d of your entries was approved",
                                          "%(num)d of your entries were approved", len(entries))
            notification.body = _("They now count in the commune's report.")
            notification.url = path_for("entries.index", status="approved")
        elif notification.topic == CLEARED:
            if waiting_count(notification.user):
                return False  # something waits again: the "waiting" message stays
            notification.title = _("Nothing waits for review")
            notification.body = _("Every entry has been reviewed.")
            notification.url = path_for("review.queue")
    return True


def compose_waiting_unknown(notification: Notification) -> None:
    """The text of a new "waiting" message before anyone counted the queue (the worker counts at sending)."""
    with force_locale("vi"):
        notification.title = _("New entries wait for review")
        notification.body = _("Open the review list to approve them or return them with a comment.")
        notification.url = path_for("review.queue")


def fresh(notifications: list[Notification]) -> list[Notification]:
    """The notifications to show, with the pending "waiting" ones counting the queue as it is now."""
    for notification in notifications:
        if notification.topic == WAITING and notification.state == "pending":
            compose(notification)
    return notifications


def commune_zone() -> ZoneInfo:
    """The commune's time zone (``BABEL_DEFAULT_TIMEZONE``, Asia/Ho_Chi_Minh)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")
