"""Entries of a period one row each, every field a column (kind fields as ``kind.field``): for CSV and XLSX.

Two views of the same rows: for people (Vietnamese headers, names and labels instead of codes, dates
dd/mm/yyyy, times in the commune's time zone) and for machines (the codes, ISO dates, times with
their UTC offset). Rows are read in batches straight from SQL, so a year of 100,000 entries streams
in constant memory.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import all_kinds
from webapp.kinds.base import COMMON_FIELDS, FUNDING_SOURCES, TARGET_GROUPS
from webapp.plan.models import Topic
from webapp.reports.totals import entry_conditions
from webapp.reports.totals.labels import campaign_names
from webapp.reports.totals.tables import ReportContext
from webapp.units.models import Unit, Village

BATCH = 1000
TYPES = {"int": "int", "money": "money", "decimal": "decimal", "date": "date"}


@dataclass(frozen=True)
class EntryColumn:
    """A column of the entry list: its machine name (codes header) and its label (people's header)."""

    name: str
    label: str
    type: str = "text"
    people: bool = True  # shown in the people's view (ids are for machines only)
    choices: tuple = ()  # (code, label) pairs of a choice field of a kind


# The "of whom" counts by sex, each beside the single count older phones send.
SPLIT_OF_WHOM = ("ethnic_minority_male", "ethnic_minority_female")
SPLIT_UNDER_16 = ("under_16_male", "under_16_female")


def entry_columns() -> list[EntryColumn]:
    """The common fields, then every kind's own fields."""
    columns = [
        EntryColumn("uuid", _("Entry code")), EntryColumn("kind", _("Kind")), EntryColumn("status", _("Status")),
        EntryColumn("unit_id", _("Unit id"), "int", people=False), EntryColumn("unit", _("Unit")),
        EntryColumn("village_id", _("Village id"), "int", people=False), EntryColumn("village", _("Village")),
        EntryColumn("date", _("Date"), "date"), EntryColumn("end_date", _("End date"), "date"),
        EntryColumn("topics", _("Topics")), EntryColumn("campaign", _("Campaign")),
        EntryColumn("target_group", _("Target group"), choices=TARGET_GROUPS),
        EntryColumn("participants_male", _("Men"), "int"), EntryColumn("participants_female", _("Women"), "int"),
        EntryColumn("participants_total", _("Participants (attendances)"), "int"),
        EntryColumn("ethnic_minority", _("Of whom ethnic minority"), "int"),
        *(EntryColumn(f.name, str(f.label), "int") for f in COMMON_FIELDS if f.name in SPLIT_OF_WHOM),
        EntryColumn("under_16", _("Of whom under 16"), "int"),
        *(EntryColumn(f.name, str(f.label), "int") for f in COMMON_FIELDS if f.name in SPLIT_UNDER_16),
        EntryColumn("materials", _("Materials"), "int"),
        EntryColumn("cost_vnd", _("Cost (VND)"), "money"),
        EntryColumn("funding_source", _("Funding source"), choices=FUNDING_SOURCES),
        EntryColumn("notes", _("Notes")), EntryColumn("latitude", _("Latitude"), "decimal"),
        EntryColumn("longitude", _("Longitude"), "decimal"), EntryColumn("author", _("Entered by")),
        EntryColumn("created_at", _("Created at"), "datetime"), EntryColumn("updated_at", _("Updated at"), "datetime"),
        EntryColumn("review_comment", _("Review comment")),
    ]
    for kind in all_kinds():
        for fld in kind.fields:
            columns.append(EntryColumn(f"{kind.code}.{fld.name}", f"{kind.label}: {fld.label}",
                                       TYPES.get(fld.type, "text"), choices=tuple(fld.choices)))
    return columns


def people_columns() -> list[EntryColumn]:
    """The columns people see (no internal ids)."""
    return [column for column in entry_columns() if column.people]


def status_labels() -> dict[str, str]:
    """An entry's review status in words."""
    return {"submitted": _("Waiting for review"), "approved": _("Approved"), "returned": _("Returned")}


def local_zone() -> ZoneInfo:
    """The commune's time zone (``BABEL_DEFAULT_TIMEZONE``, Asia/Ho_Chi_Minh)."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")


def local_time(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A stored UTC time (naive) in the commune's zone."""
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(zone)


def _records(ctx: ReportContext, statuses: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Every entry of the window with the given statuses, in date order, as a dict of raw values."""
    query = ctx.query(statuses=statuses)
    fields = [Entry.id, Entry.uuid, Entry.kind, Entry.status, Entry.unit_id, Entry.village_id, Entry.date,
              Entry.end_date, Entry.topics, Entry.campaign, Entry.target_group, Entry.participants_male,
              Entry.participants_female, Entry.ethnic_minority, Entry.ethnic_minority_male,
              Entry.ethnic_minority_female, Entry.under_16, Entry.under_16_male, Entry.under_16_female,
              Entry.materials, Entry.cost_vnd,
              Entry.funding_source, Entry.notes, Entry.latitude, Entry.longitude, Entry.created_at,
              Entry.updated_at, Entry.review_comment, Entry.details]
    statement = (sa.select(*fields, Unit.name.label("unit"), Village.name.label("village"),
                           User.username.label("author"), User.full_name.label("author_name"))
                 .join(Unit, Unit.id == Entry.unit_id).join(Village, Village.id == Entry.village_id)
                 .join(User, User.id == Entry.author_id)
                 .where(*entry_conditions(ctx.unit_ids, query)).order_by(Entry.date, Entry.id)
                 .execution_options(yield_per=BATCH))
    zone = local_zone()
    for entry in db.session.execute(statement):
        values = entry._asdict()
        values["topics"] = entry.topics or []
        values["participants_total"] = entry.participants_male + entry.participants_female
        values["created_at"] = local_time(entry.created_at, zone)
        values["updated_at"] = local_time(entry.updated_at, zone)
        for name, value in (entry.details or {}).items():
            values[f"{entry.kind}.{name}"] = value
        yield values


def _code_value(value: Any) -> Any:
    """A value for machines: lists joined, dates ISO, times ISO with their UTC offset."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def entry_rows(ctx: ReportContext, statuses: tuple[str, ...] = ("approved",)) -> Iterator[list[Any]]:
    """The machines' rows (codes), one per entry, in the order of ``entry_columns()``."""
    columns = entry_columns()
    for values in _records(ctx, statuses):
        yield [_code_value(values.get(column.name)) for column in columns]


class PeopleLabels:
    """Names for the codes of the people's view: kinds, statuses, topics, campaigns, choices."""

    def __init__(self, ctx: ReportContext):
        """Read the communes' topic and campaign names once."""
        self.kinds = {kind.code: str(kind.label) for kind in all_kinds()}
        self.statuses = status_labels()
        self.topics: dict[str, str] = {}
        for code, name in db.session.execute(sa.select(Topic.code, Topic.name).where(
                Topic.commune_id.in_(list(ctx.commune_ids))).order_by(Topic.position, Topic.id)):
            self.topics.setdefault(code, name)
        self.campaigns = campaign_names(ctx.commune_ids)

    def value(self, column: EntryColumn, values: dict[str, Any]) -> Any:
        """The cell of ``column`` for people (dates and times stay typed; the writer formats them)."""
        value = values.get(column.name)
        if column.name == "kind":
            return self.kinds.get(value, value)
        if column.name == "status":
            return self.statuses.get(value, value)
        if column.name == "author":
            return values.get("author_name") or value
        if column.name == "topics":
            return "; ".join(self.topics.get(v, v) for v in value or [])
        if column.name == "campaign":
            return self.campaigns.get(value, value) if value else None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if column.choices and value is not None:
            names = {code: str(label) for code, label in column.choices}
            if isinstance(value, list):
                return "; ".join(names.get(v, str(v)) for v in value)
            return names.get(value, value)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value


def people_rows(ctx: ReportContext, statuses: tuple[str, ...] = ("approved",)) -> Iterator[list[Any]]:
    """The people's rows, one per entry, in the order of ``people_columns()``."""
    columns = people_columns()
    names = PeopleLabels(ctx)
    for values in _records(ctx, statuses):
        yield [names.value(column, values) for column in columns]
