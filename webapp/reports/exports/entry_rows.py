"""Entries of a period one row each, every field a column (kind fields as ``kind.field``): for CSV and XLSX.

Rows are read in batches straight from SQL, so a year of 100,000 entries streams in constant memory.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import all_kinds
from webapp.reports.totals import privacy
from webapp.reports.totals.builders import hidden_entry_cells
from webapp.reports.totals.tables import ReportContext
from webapp.reports.totals import entry_conditions
from webapp.units.models import Unit, Village

BATCH = 1000


@dataclass(frozen=True)
class EntryColumn:
    """A column of the entry list: its machine name (CSV header) and its label (XLSX header)."""

    name: str
    label: str
    type: str = "text"


def entry_columns() -> list[EntryColumn]:
    """The common fields, then every kind's own fields."""
    columns = [
        EntryColumn("uuid", "UUID"), EntryColumn("kind", _("Kind")), EntryColumn("status", _("Status")),
        EntryColumn("unit_id", _("Unit id"), "int"), EntryColumn("unit", _("Unit")),
        EntryColumn("village_id", _("Village id"), "int"), EntryColumn("village", _("Village")),
        EntryColumn("date", _("Date"), "date"), EntryColumn("end_date", _("End date"), "date"),
        EntryColumn("topics", _("Topics")), EntryColumn("campaign", _("Campaign")),
        EntryColumn("target_group", _("Target group")),
        EntryColumn("participants_male", _("Men"), "int"), EntryColumn("participants_female", _("Women"), "int"),
        EntryColumn("participants_total", _("Participants"), "int"),
        EntryColumn("ethnic_minority", _("Of whom ethnic minority"), "int"),
        EntryColumn("under_16", _("Of whom under 16"), "int"), EntryColumn("materials", _("Materials"), "int"),
        EntryColumn("cost_vnd", _("Cost (VND)"), "money"), EntryColumn("funding_source", _("Funding source")),
        EntryColumn("notes", _("Notes")), EntryColumn("latitude", _("Latitude"), "decimal"),
        EntryColumn("longitude", _("Longitude"), "decimal"), EntryColumn("author", _("Entered by")),
        EntryColumn("created_at", _("Created at")), EntryColumn("updated_at", _("Updated at")),
        EntryColumn("review_comment", _("Review comment")),
    ]
    for kind in all_kinds():
        for fld in kind.fields:
            ctype = "int" if fld.type == "int" else "money" if fld.type == "money" else "text"
            columns.append(EntryColumn(f"{kind.code}.{fld.name}", f"{kind.label}: {fld.label}", ctype))
    return columns


def _plain(value: Any) -> Any:
    """A value as a cell holds it: lists joined, dates ISO, datetimes to the minute."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def entry_rows(ctx: ReportContext, statuses: tuple[str, ...] | None = None) -> Iterator[list[Any]]:
    """Every entry of the context's window (all statuses unless given), in date order, as cell lists."""
    columns = entry_columns()
    hidden = hidden_entry_cells(ctx)
    mark = str(privacy.marker())
    query = ctx.query(statuses=statuses or ("submitted", "approved", "returned"))
    fields = [Entry.id, Entry.uuid, Entry.kind, Entry.status, Entry.unit_id, Entry.village_id, Entry.date,
              Entry.end_date, Entry.topics, Entry.campaign, Entry.target_group, Entry.participants_male,
              Entry.participants_female, Entry.ethnic_minority, Entry.under_16, Entry.materials, Entry.cost_vnd,
              Entry.funding_source, Entry.notes, Entry.latitude, Entry.longitude, Entry.created_at,
              Entry.updated_at, Entry.review_comment, Entry.details]
    statement = (sa.select(*fields, Unit.name.label("unit"), Village.name.label("village"),
                           User.username.label("author"))
                 .join(Unit, Unit.id == Entry.unit_id).join(Village, Village.id == Entry.village_id)
                 .join(User, User.id == Entry.author_id)
                 .where(*entry_conditions(ctx.unit_ids, query)).order_by(Entry.date, Entry.id)
                 .execution_options(yield_per=BATCH))
    for entry in db.session.execute(statement):
        values = entry._asdict()
        values["topics"] = entry.topics or []
        values["participants_total"] = entry.participants_male + entry.participants_female
        for name, value in (entry.details or {}).items():
            key = f"{entry.kind}.{name}"
            values[key] = mark if entry.id in hidden.get(key, ()) else value
        yield [_plain(values.get(column.name)) for column in columns]
