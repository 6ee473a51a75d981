"""THE totals service: sums of entries in SQL (GROUP BY), the same on SQLite and PostgreSQL.

Every figure of the dashboard, the totals API, the DOCX and the XLSX comes from ``run``. It reads the
report rollup (``webapp.reports.rollup``) whenever the rollup keeps what is asked, else the entry table
(``run_direct``); both give the same answer, which the property tests check.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.reports.totals import filters
from webapp.reports.rollup.models import headline_people
from webapp.units.models import Unit

# The contract's group keys, plus ``commune`` for a province's roll-up.
PUBLIC_GROUP_KEYS = ("kind", "unit", "village", "month", "campaign", "commune")
MEASURES = ("entries", "participants_male", "participants_female", "participants_total", "cost_vnd")
STATUSES = filters.STATUSES


class year_month(FunctionElement):
    """``YYYY-MM`` of a date column, in each database's own dialect."""

    type = sa.String()
    inherit_cache = True
    name = "year_month"


@compiles(year_month, "sqlite")
def _year_month_sqlite(element, compiler, **kw):
    """SQLite: strftime."""
    return "strftime('%%Y-%%m', %s)" % compiler.process(element.clauses, **kw)


@compiles(year_month)
def _year_month_default(element, compiler, **kw):
    """PostgreSQL (and others with to_char)."""
    return "to_char(%s, 'YYYY-MM')" % compiler.process(element.clauses, **kw)


@dataclass
class TotalsQuery:
    """What to total: a date window (both ends included), groups, statuses and filters.

    ``group_by`` may also hold internal keys: ``detail:<field>`` (a kind field kept in ``details``)
    and ``funding_source``. ``columns`` are kind report columns written ``kind.field``.
    """

    start: dt.date
    end: dt.date
    group_by: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("approved",)
    kind: str | None = None
    unit_id: int | None = None
    village_id: int | None = None
    campaign: str | None = None
    commune_id: int | None = None
    columns: tuple[str, ...] = ()
    # Entries of sensitive kinds (support of victims) count only in a query that says so: the
    # published figures of those kinds come from ``totals.sensitive`` alone (whole year, commune or
    # more, suppressed); every other figure leaves them out, so no difference reveals them.
    sensitive: bool = False


@dataclass
class Totals:
    """Rows (group keys and counts) and the totals over them."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)

    def by(self, key: str) -> dict[Any, dict[str, Any]]:
        """Rows indexed by one group key (for a single-key grouping)."""
        return {row[key]: row for row in self.rows}


def group_expression(key: str):
    """The SQL expression a group key stands for."""
    if key == "kind":
        return Entry.kind
    if key == "unit":
        return Entry.unit_id
    if key == "village":
        return Entry.village_id
    if key == "month":
        return year_month(Entry.date)
    if key == "campaign":
        return Entry.campaign
    if key == "commune":
        return Unit.commune_id
    if key == "funding_source":
        return Entry.funding_source
    if key.startswith("detail:"):
        return Entry.details[key[len("detail:"):]].as_string()
    raise ValueError(f"unknown group key {key!r}")


def column_expression(column: str):
    """SUM of a kind's report column (``kind.field``) over that kind's entries only."""
    kind, _, name = column.partition(".")
    if kind == "*":  # an "of whom" count of the participants (PEOPLE_COLUMNS), headline kinds only
        return sa.func.coalesce(sa.func.sum(headline_people(Entry.kind, getattr(Entry, name))), 0)
    value = sa.cast(Entry.details[name].as_string(), sa.BigInteger)
    return sa.func.coalesce(sa.func.sum(sa.case((Entry.kind == kind, value), else_=None)), 0)


def entry_conditions(scope_unit_ids, query: TotalsQuery) -> list:
    """WHERE conditions on the entry table: visible units, the window, the statuses and the filters."""
    return filters.conditions(filters.FilterColumns.of(Entry, day="date"), scope_unit_ids, query)


def _measures(columns: tuple[str, ...]) -> list:
    """The SELECTed sums, labelled as the contract names them (participants: headline-feeding kinds only)."""
    zero = sa.literal(0)
    male = headline_people(Entry.kind, Entry.participants_male)
    female = headline_people(Entry.kind, Entry.participants_female)
    return [
        sa.func.count(Entry.id).label("entries"),
        sa.func.coalesce(sa.func.sum(male), zero).label("participants_male"),
        sa.func.coalesce(sa.func.sum(female), zero).label("participants_female"),
        sa.func.coalesce(sa.func.sum(male + female), zero).label("participants_total"),
        sa.func.coalesce(sa.func.sum(Entry.cost_vnd), zero).label("cost_vnd"),
    ] + [column_expression(column).label(f"c{i}") for i, column in enumerate(columns)]


def _key_value(key: str, value: Any) -> Any:
    """Group values as JSON types: ids as int, the rest as text (None stays None)."""
    if value is None:
        return None
    if key in ("unit", "village", "commune"):
        return int(value)
    return str(value)


def use_rollup(query: TotalsQuery) -> bool:
    """Whether the rollup answers ``query`` (it may be switched off with ``REPORT_ROLLUP = False``)."""
    from webapp.reports.rollup import queries as rollup_queries

    return current_app.config.get("REPORT_ROLLUP", True) and rollup_queries.can_answer(query)


def run(scope_unit_ids, query: TotalsQuery) -> Totals:
    """Total the entries ``query`` selects among the units of ``scope_unit_ids`` (None: all units)."""
    if not use_rollup(query):
        return run_direct(scope_unit_ids, query)
    from webapp.reports.rollup import frame, queries as rollup_queries

    names = list(MEASURES) + list(query.columns)
    result = Totals(totals={name: 0 for name in names})
    page = frame.active()
    source = page if page is not None and page.covers(scope_unit_ids, query) else rollup_queries
    for row, counts in source.run(scope_unit_ids, query, _key_value):
        row.update(zip(names, counts))
        for name, count in zip(names, counts):
            result.totals[name] += count
        if query.group_by:
            result.rows.append(row)
    if not query.group_by:
        result.rows.append(dict(result.totals))
    return result


def run_direct(scope_unit_ids, query: TotalsQuery) -> Totals:
    """``run`` from the entry table itself (a GROUP BY over entries)."""
    groups = [group_expression(key).label(f"g{i}") for i, key in enumerate(query.group_by)]
    statement = sa.select(*groups, *_measures(query.columns)).select_from(Entry)
    if "commune" in query.group_by:
        statement = statement.join(Unit, Unit.id == Entry.unit_id)
    statement = statement.where(*entry_conditions(scope_unit_ids, query))
    if groups:
        statement = statement.group_by(*groups).order_by(*groups)
    result = Totals()
    names = list(MEASURES) + list(query.columns)
    totals = {name: 0 for name in names}
    for record in db.session.execute(statement):
        values = list(record)
        row = {key: _key_value(key, values[i]) for i, key in enumerate(query.group_by)}
        counts = [int(v or 0) for v in values[len(groups):]]
        row.update(zip(names, counts))
        for name, count in zip(names, counts):
            totals[name] += count
        if groups:
            result.rows.append(row)
    if not groups:
        result.rows.append(dict(totals))
    result.totals = totals
    return result


def distinct_values(scope_unit_ids, query: TotalsQuery, key: str) -> set:
    """The distinct values of a group key among the selected entries (e.g. villages reached)."""
    if use_rollup(TotalsQuery(query.start, query.end, (key,), query.statuses, query.kind)):
        from webapp.reports.rollup import frame, queries as rollup_queries

        page = frame.active()
        source = page if page is not None and page.covers(scope_unit_ids, query) else rollup_queries
        return source.distinct_values(scope_unit_ids, query, key, _key_value)
    expression = group_expression(key)
    statement = sa.select(expression).select_from(Entry)
    if key == "commune":
        statement = statement.join(Unit, Unit.id == Entry.unit_id)
    statement = statement.where(*entry_conditions(scope_unit_ids, query)).distinct()
    return {_key_value(key, value) for value in db.session.scalars(statement)}


def entry_values(scope_unit_ids, query: TotalsQuery, group_key: str, column: str) -> list[tuple]:
    """``(entry id, group value, status, value)`` of one report column, entry by entry.

    Only privacy suppression needs this (a published total must not reveal a hidden entry); it reads
    the entries of one kind, so it stays small.
    """
    kind, _, name = column.partition(".")
    value = sa.cast(Entry.details[name].as_string(), sa.BigInteger)
    statement = sa.select(Entry.id, group_expression(group_key), Entry.status, value).select_from(Entry)
    if group_key == "commune":
        statement = statement.join(Unit, Unit.id == Entry.unit_id)
    statement = statement.where(Entry.kind == kind, *entry_conditions(scope_unit_ids, query))
    return [(row[0], _key_value(group_key, row[1]), row[2], int(row[3] or 0))
            for row in db.session.execute(statement.order_by(Entry.id))]
