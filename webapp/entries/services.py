"""Creating, editing and finding entries: the one path both the HTML form and the sync API use."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from flask import abort, current_app
from flask_babel import get_timezone
from flask_babel import gettext as _

from webapp import events
from webapp.auth import permissions
from webapp.auth.models import User, utcnow
from webapp.database import wait_for_writers
from webapp.entries import settings_cache
from webapp.entries.models import AuditEvent, ChangeCounter, Entry
from webapp.extensions import db
from webapp.inputs import int_id, month_range
from webapp.kinds import Kind, ValidationContext, sensitive_kind_codes
from webapp.kinds.fields import ClosedRange
from webapp.periods.models import ClosedPeriod
from webapp.reports import rollup
from webapp.plan.models import Campaign, Topic
from webapp.text import fold
from webapp.units.models import Unit, Village


def commune_today() -> dt.date:
    """Today's date in the commune (Asia/Ho_Chi_Minh), the bound for "not in the future"."""
    return dt.datetime.now(get_timezone()).date()


def parse_uuid(value: Any) -> str | None:
    """The canonical lower-case form of a UUID string, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuidlib.UUID(value.strip()))
    except ValueError:
        return None


def validation_context(user: User, strict_types: bool = False) -> ValidationContext:
    """What a person may choose when logging: their units, their communes' villages, topics, campaigns
    (computed once per process until one of them changes; see ``settings_cache``)."""
    made = settings_cache.cached(("validation", user.id, strict_types),
                                 lambda: _validation_context(user, strict_types))
    return dataclasses.replace(made, today=commune_today())


def _validation_context(user: User, strict_types: bool) -> ValidationContext:
    """``validation_context`` computed from the database."""
    units = permissions.loggable_units(user)
    villages = permissions.villages_for(user)
    communes = permissions.commune_ids(user)
    topics = list(db.session.scalars(
        sa.select(Topic).where(Topic.commune_id.in_(communes)).order_by(Topic.position, Topic.name)))
    campaigns = list(db.session.scalars(
        sa.select(Campaign).where(Campaign.commune_id.in_(communes)).order_by(Campaign.position, Campaign.id)))
    # A campaign kept for several years (one row a year, same code) is one choice.
    seen: set[str] = set()
    campaigns = [c for c in campaigns if not (c.code in seen or seen.add(c.code))]
    return ValidationContext(
        unit_ids=frozenset(u.id for u in units),
        village_ids=frozenset(v.id for v in villages),
        topic_codes=frozenset(t.code for t in topics),
        campaign_codes=frozenset(c.code for c in campaigns),
        today=commune_today(),
        earliest=dt.date.fromisoformat(current_app.config["EARLIEST_ENTRY_DATE"]),
        strict_types=strict_types,
        choices={
            "units": [(str(u.id), u.name) for u in units],
            "villages": [(str(v.id), v.name) for v in villages],
            "topics": [(t.code, t.name) for t in topics],
            "campaigns": [(c.code, c.name) for c in campaigns],
        },
        closed_periods=closed_ranges(units, communes),
        version=settings_cache.settings_version(),
    )


def closed_ranges(units: list[Unit], communes: set[int]) -> tuple[ClosedRange, ...]:
    """The closed periods of ``communes``, each with the ids of ``units`` it covers."""
    return tuple(ClosedRange(p.start_date, p.end_date, p.name,
                             frozenset(u.id for u in units if u.commune_id == p.commune_id))
                 for p in ClosedPeriod.closed_in(communes))


def closed_periods_changed(validation: ValidationContext) -> bool:
    """Whether units, villages, topics, campaigns or periods changed since ``validation`` was made.

    Called under the change counter's lock (which closing and reopening a period take too), so what it
    reads stays true until this transaction commits.
    """
    return settings_cache.settings_version(fresh=True) != validation.version


def lock_changes() -> None:
    """Start a write transaction by locking the change counter (created on first use).

    Every writer takes this lock before it reads what it will change (sync, edit, review), so two
    writers never interleave: no lost update, and change numbers become visible in commit order.
    """
    db.session.commit()  # end any read-only transaction the request opened (sign-in checks)
    wait_for_writers(db.session)
    locked = db.session.execute(
        sa.update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value)
    ).rowcount
    if locked:
        return
    try:
        with db.session.begin_nested():
            db.session.add(ChangeCounter(id=1, value=0))
    except IntegrityError:
        pass  # another request created it at the same moment
    db.session.execute(sa.update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value))


def reserve_changes(count: int) -> int:
    """Lock the change counter and take ``count`` change numbers at once; return the first of them.

    The lock lasts until this transaction ends, so call it as late as possible: after every read and
    every check, just before the writes that carry the numbers.
    """
    wait_for_writers(db.session)
    table = ChangeCounter.__table__
    statement = table.update().where(table.c.id == 1).values(value=table.c.value + count).returning(table.c.value)
    last = db.session.connection().execute(statement).scalar()
    if last is None:
        try:
            with db.session.begin_nested():
                db.session.add(ChangeCounter(id=1, value=0))
        except IntegrityError:
            pass  # another request created it at the same moment
        last = db.session.connection().execute(statement).scalar()
    return last - count + 1


def next_change_seq() -> int:
    """Take the next change number; the counter row stays locked until this transaction commits."""
    result = db.session.execute(
        sa.update(ChangeCounter).where(ChangeCounter.id == 1)
        .values(value=ChangeCounter.value + 1).returning(ChangeCounter.value)
    ).scalar()
    if result is None:
        db.session.add(ChangeCounter(id=1, value=1))
        db.session.flush()
        return 1
    return result


def record(entry: Entry | None, user: User | None, action: str, changes: dict | None = None,
           device: str = "", comment: str = "") -> AuditEvent:
    """Append an audit event (the trail is only ever added to)."""
    event = AuditEvent(entry=entry, user=user, action=action, changes=_jsonable(changes or {}),
                       device=device[:120], comment=comment)
    db.session.add(event)
    return event


def audit_changes(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` of what differs between two ``to_data()`` shapes, ready to store."""
    return _jsonable({k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})


def _jsonable(changes: dict) -> dict:
    """Dates as ISO text, so the trail stores on both databases."""
    def convert(value):
        return value.isoformat() if isinstance(value, dt.date) else value
    return {k: [convert(v) for v in pair] if isinstance(pair, list) else convert(pair)
            for k, pair in changes.items()}


def _touch(entry: Entry) -> None:
    """Stamp a change: new time, next change number, fresh search text."""
    entry.updated_at = utcnow()
    entry.change_seq = next_change_seq()
    unit = db.session.get(Unit, entry.unit_id)
    village = db.session.get(Village, entry.village_id)
    entry.refresh_search_text(unit.name if unit else "", village.name if village else "")


def create_entry(user: User, entry_uuid: str, kind: Kind, clean: dict, device: str = "") -> Entry:
    """Save a new, already validated entry under the UUID its device made; status "submitted"."""
    entry = Entry(uuid=entry_uuid, kind=kind.code, author=user, status="submitted", revision=1)
    changes = entry.apply(clean)
    db.session.add(entry)
    _touch(entry)
    rollup.record([(None, rollup.snapshot(entry))])
    record(entry, user, "create", changes, device=device)
    events.entry_created.send(user, entry=entry)
    return entry


def update_entry(user: User, entry: Entry, clean: dict, device: str = "") -> bool:
    """Apply validated data to ``entry``; a returned entry goes back to review. False if nothing changed."""
    before = rollup.snapshot(entry)
    changes = entry.apply(clean)
    if not changes:
        return False
    entry.revision += 1
    resubmitted = entry.status == "returned"
    if resubmitted:
        entry.status = "submitted"
        record(entry, user, "resubmit", {"status": ["returned", "submitted"]}, device=device)
    _touch(entry)
    rollup.record([(before, rollup.snapshot(entry))])
    record(entry, user, "edit", changes, device=device)
    events.entry_updated.send(user, entry=entry, resubmitted=resubmitted)
    return True


def visible_entries(user: User) -> sa.Select:
    """A query of every entry ``user`` may see: the unit tree decides, and an entry of a sensitive
    kind (support of victims) is seen only by its author and whoever reviews its unit (supervisors
    above it, the commune officer, an admin) — never by a province role or a colleague."""
    query = sa.select(Entry).where(Entry.unit_id.in_(permissions.visible_unit_ids(user)))
    return query.where(*sensitive_entry_conditions(user))


def returned_to(user: User, limit: int = 50) -> list[Entry]:
    """Entries of ``user``'s own that a reviewer returned: the top of their home list ("Cần sửa")."""
    query = visible_entries(user).where(Entry.author_id == user.id, Entry.status == "returned")
    return list(db.session.scalars(query.order_by(Entry.date.desc(), Entry.id.desc()).limit(limit)))


def sensitive_entry_conditions(user: User) -> list:
    """Conditions that keep entries of sensitive kinds to their author and their unit's reviewers."""
    sensitive = sensitive_kind_codes()
    if not sensitive:
        return []
    return [sa.or_(Entry.kind.notin_(sensitive), Entry.author_id == user.id,
                   Entry.unit_id.in_(permissions.reviewable_unit_ids(user)))]


def locked_reason(entry: Entry) -> str | None:
    """Why ``entry`` cannot change now (approved, or in a closed period), or None when it can."""
    if entry.is_locked:
        return _("This entry is approved and locked; it can no longer be edited.")
    period = ClosedPeriod.covering(entry.unit.commune_id if entry.unit else None, entry.date)
    if period is not None:
        return _("This entry is dated in the closed period %(name)s (%(start)s – %(end)s); "
                 "it cannot change until the period is reopened.", name=period.name,
                 start=period.start_date.strftime("%d/%m/%Y"), end=period.end_date.strftime("%d/%m/%Y"))
    return None


def can_edit(user: User, entry: Entry) -> bool:
    """Its author, or someone who logs for its unit, may edit an entry that is not locked."""
    if locked_reason(entry) is not None:
        return False
    return entry.author_id == user.id or permissions.unit_in_scope(user, entry.unit)


def get_entry_or_404(user: User, entry_uuid: str, for_edit: bool = False) -> Entry:
    """Load an entry the user may see (else 404, never revealing it exists); ``for_edit`` adds 403."""
    canonical = parse_uuid(entry_uuid)
    if canonical is None:
        abort(404)
    entry = db.session.scalar(visible_entries(user).where(Entry.uuid == canonical))
    if entry is None:
        abort(404)
    reason = locked_reason(entry) if for_edit else None
    if reason is not None:
        abort(403, description=reason)
    if for_edit and not can_edit(user, entry):
        abort(403)
    return entry


@dataclass
class EntryFilters:
    """Filters of the entry list, read from the query string."""

    kind: str = ""
    status: str = ""
    village_id: int | None = None
    month: str = ""  # YYYY-MM
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "EntryFilters":
        """Read filters leniently: a malformed value is ignored, never an error page."""
        month = args.get("month", "")
        if month_range(month) is None:
            month = ""
        return cls(
            kind=args.get("kind", "")[:40],
            status=args.get("status", "") if args.get("status") in ("submitted", "approved", "returned") else "",
            village_id=int_id(args.get("village_id")),
            month=month,
            q=args.get("q", "")[:100],
        )

    def apply(self, query: sa.Select) -> sa.Select:
        """Narrow ``query`` by these filters."""
        if self.kind:
            query = query.where(Entry.kind == self.kind)
        if self.status:
            query = query.where(Entry.status == self.status)
        if self.village_id:
            query = query.where(Entry.village_id == self.village_id)
        if self.month:
            start, end = month_range(self.month)
            query = query.where(Entry.date >= start, Entry.date <= end)
        for word in fold(self.q).split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(Entry.search_text.like(f"%{escaped}%", escape="\\"))
        return query
