"""One read of the rollup for a whole page: the rows of a scope's units over a span of days, kept in memory
while the page is built, every total of the page summed from them in Python.

A dashboard asks the totals service some thirty questions (by kind, unit, village, month, campaign, each
target over its window and last year's, what is pending); each was one query. Inside ``preloaded(...)``
``totals.queries`` sends every question the frame covers (same units or fewer, days inside the span it
has read, a grouping the rollup keeps) here instead: the rollup's rows are read once per span (one
query, the ``unit_id, day`` index), the kind report columns once more when a question needs them.
The answers are those of ``rollup.queries`` row for row, in the same order (NULLs first on SQLite, last
on PostgreSQL, as ``ORDER BY`` gives them).
"""
from __future__ import annotations

import bisect
import contextlib
import datetime as dt
from typing import Any, Iterator

import sqlalchemy as sa
from flask import current_app, g

from webapp.extensions import db
from webapp.kinds import sensitive_kind_codes
from webapp.reports.rollup.models import KEY_COLUMNS, ReportRollup, ReportRollupColumn
from webapp.units.models import Unit

# Positions in a frame row (the rollup's key columns, then its measures).
DAY, UNIT, VILLAGE, KIND, CAMPAIGN, STATUS, FUNDING, GRP = range(len(KEY_COLUMNS))
MEASURES_AT = len(KEY_COLUMNS)
# More rows than this (a province's years, not a commune's) and the frame steps aside: the questions go
# to SQL one by one as before, rather than a worker holding the rows in memory (REPORT_FRAME_MAX_ROWS).
MAX_ROWS = 50_000


class Frame:
    """The rollup rows (and, on demand, the kind column rows) of ``unit_ids`` over a span of days."""

    def __init__(self, unit_ids, start: dt.date, end: dt.date) -> None:
        """Remember the units; nothing is read before the first question."""
        self.unit_ids = frozenset(unit_ids)
        self.span: tuple[dt.date, dt.date] | None = None
        self.rows: list[tuple] = []
        self.days: list[dt.date] = []
        self.column_spans: dict[str, tuple[dt.date, dt.date]] = {}
        self.columns: dict[tuple, dict[str, int]] = {}
        self.wanted = (start, end)
        self.queries = 0
        self.too_big = False
        self._units: dict[int, tuple[int | None, str]] | None = None

    # -- reading ------------------------------------------------------------------------------------

    def _read(self, model, start: dt.date, end: dt.date, *extra, where=()) -> list:
        """Rows of ``model`` for the frame's units between ``start`` and ``end`` (at most one more than
        the frame may hold: then it is marked ``too_big``). Read through Core with the day as the
        driver gives it (SQLite's text parsed by ``date.fromisoformat``, far cheaper than the ORM's)."""
        self.queries += 1
        keys = [sa.type_coerce(model.day, sa.String).label("day")] + [getattr(model, name) for name in KEY_COLUMNS[1:]]
        limit = int(current_app.config.get("REPORT_FRAME_MAX_ROWS", MAX_ROWS))
        rows = db.session.connection().execute(sa.select(*keys, *extra).where(
            model.unit_id.in_(sorted(self.unit_ids)), model.day >= start, model.day <= end, *where)
            .limit(limit + 1)).all()
        if len(rows) + len(self.rows) + sum(len(values) for values in self.columns.values()) > limit:
            self.too_big = True
            self.rows, self.days, self.columns = [], [], {}
            return []
        return [(_day(row[0]), *row[1:]) for row in rows]

    def _missing(self, span, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
        """The parts of ``start``–``end`` not yet read (the whole of it when nothing is)."""
        if span is None:
            return [(min(start, self.wanted[0]), max(end, self.wanted[1]))]
        parts = []
        if start < span[0]:
            parts.append((start, span[0] - dt.timedelta(days=1)))
        if end > span[1]:
            parts.append((span[1] + dt.timedelta(days=1), end))
        return parts

    def _cover(self, start: dt.date, end: dt.date) -> None:
        """Read the rollup rows of the days not read yet."""
        parts = self._missing(self.span, start, end)
        if not parts or self.too_big:
            return
        m = ReportRollup
        for low, high in parts:
            self.rows += [tuple(row) for row in self._read(m, low, high, m.entries, m.participants_male,
                                                           m.participants_female, m.cost_vnd)]
            if self.too_big:
                return
        self.rows.sort(key=lambda row: row[DAY])
        self.days = [row[DAY] for row in self.rows]
        lows, highs = [p[0] for p in parts], [p[1] for p in parts]
        self.span = (min(lows + ([self.span[0]] if self.span else [])),
                     max(highs + ([self.span[1]] if self.span else [])))

    def _cover_columns(self, names, start: dt.date, end: dt.date) -> None:
        """Read the kind report column rows of ``names`` for the days not read yet: each column keeps its
        own span (a page asks for a few columns, never all), the columns missing the same days in one read."""
        m = ReportRollupColumn
        wanted: dict[tuple, list[str]] = {}
        for name in sorted(set(names)):
            for part in self._missing(self.column_spans.get(name), start, end):
                wanted.setdefault(part, []).append(name)
        for (low, high), group in wanted.items():
            if self.too_big:
                return
            for row in self._read(m, low, high, m.name, m.value, where=(m.name.in_(group),)):
                values = self.columns.setdefault(tuple(row[:MEASURES_AT]), {})
                values[row[MEASURES_AT]] = values.get(row[MEASURES_AT], 0) + int(row[MEASURES_AT + 1] or 0)
            for name in group:
                span = self.column_spans.get(name)
                self.column_spans[name] = (min(low, span[0]) if span else low, max(high, span[1]) if span else high)

    def units(self) -> dict[int, tuple[int | None, str]]:
        """``{unit id: (commune id, path)}`` of the frame's units (read once)."""
        if self._units is None:
            self.queries += 1
            self._units = {uid: (commune, path) for uid, commune, path in db.session.execute(
                sa.select(Unit.id, Unit.commune_id, Unit.path).where(Unit.id.in_(sorted(self.unit_ids))))}
        return self._units

    # -- answering ----------------------------------------------------------------------------------

    def covers(self, scope_unit_ids, query) -> bool:
        """Whether the frame answers the question: about its units (or some of them, given as a list),
        its days read (now, if need be) and not more rows than it may hold."""
        if self.too_big or not isinstance(scope_unit_ids, (list, tuple, set, frozenset)) \
                or not set(scope_unit_ids) <= self.unit_ids:
            return False
        self._cover(query.start, query.end)
        if query.columns and not self.too_big:
            self._cover_columns(query.columns, query.start, query.end)
        return not self.too_big

    def _selected(self, scope_unit_ids, query) -> Iterator[tuple]:
        """The rows ``rollup.queries.conditions`` selects, in day order."""
        self._cover(query.start, query.end)
        low = bisect.bisect_left(self.days, query.start)
        high = bisect.bisect_right(self.days, query.end)
        units = set(scope_unit_ids)
        from webapp.reports.totals.queries import STATUSES

        statuses = None if tuple(query.statuses) == STATUSES else set(query.statuses)
        hidden = set() if query.sensitive else set(sensitive_kind_codes())
        under = None
        if query.unit_id or query.commune_id:
            known = self.units()
            prefix = None
            if query.unit_id:
                unit = db.session.get(Unit, query.unit_id)
                prefix = unit.path if unit is not None else "/none/"
            under = {uid for uid, (commune, path) in known.items()
                     if (prefix is None or path.startswith(prefix))
                     and (not query.commune_id or commune == query.commune_id)}
        for row in self.rows[low:high]:
            if (row[UNIT] in units and (statuses is None or row[STATUS] in statuses) and row[KIND] not in hidden
                    and (not query.kind or row[KIND] == query.kind)
                    and (not query.village_id or row[VILLAGE] == query.village_id)
                    and (not query.campaign or row[CAMPAIGN] == query.campaign)
                    and (under is None or row[UNIT] in under)):
                yield row

    def _group_value(self, row: tuple, key: str) -> Any:
        """The value ``rollup.queries.group_expression`` gives for ``row``."""
        if key == "kind":
            return row[KIND]
        if key == "unit":
            return row[UNIT]
        if key == "village":
            return row[VILLAGE]
        if key == "month":
            return f"{row[DAY].year:04d}-{row[DAY].month:02d}"
        if key == "campaign":
            return row[CAMPAIGN] or None
        if key == "commune":
            return self.units()[row[UNIT]][0]
        if key == "funding_source":
            return row[FUNDING] or None
        if key.startswith("detail:"):
            return row[GRP] or None
        raise ValueError(f"unknown group key {key!r}")

    def run(self, scope_unit_ids, query, key_value) -> list[tuple[dict[str, Any], list[int]]]:
        """What ``rollup.queries.run`` answers, summed from the frame."""
        sums: dict[tuple, list[int]] = {}
        extra: dict[tuple, dict[str, int]] = {}
        wanted = set(query.columns)
        for row in self._selected(scope_unit_ids, query):
            group = tuple(self._group_value(row, key) for key in query.group_by)
            counts = sums.setdefault(group, [0, 0, 0, 0, 0])
            entries, male, female, cost = row[MEASURES_AT:]
            counts[0] += entries or 0
            counts[1] += male or 0
            counts[2] += female or 0
            counts[3] += (male or 0) + (female or 0)
            counts[4] += cost or 0
            if wanted:
                columns = extra.setdefault(group, {})
                for name, value in self.columns.get(row[:MEASURES_AT], {}).items():
                    if name in wanted:
                        columns[name] = columns.get(name, 0) + value
        if not query.group_by and not sums:
            sums[()] = [0, 0, 0, 0, 0]
        found = []
        for group in sorted(sums, key=_order_key):
            counts = sums[group]
            if query.group_by and not counts[0]:
                continue
            columns = extra.get(group, {})
            found.append(({key: key_value(key, group[i]) for i, key in enumerate(query.group_by)},
                          counts + [columns.get(column, 0) for column in query.columns]))
        return found

    def distinct_values(self, scope_unit_ids, query, key: str, key_value) -> set:
        """What ``rollup.queries.distinct_values`` answers, from the frame."""
        return {key_value(key, self._group_value(row, key)) for row in self._selected(scope_unit_ids, query)
                if row[MEASURES_AT] > 0}


def _day(value) -> dt.date:
    """A day as read: a date (PostgreSQL) or ISO text (SQLite)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _order_key(group: tuple) -> tuple:
    """``ORDER BY`` of the group values: NULLs first on SQLite, last on PostgreSQL."""
    null = 1 if db.engine.dialect.name == "postgresql" else -1
    return tuple((null, "") if value is None else (0, value) for value in group)


def active() -> Frame | None:
    """The frame of the page being built, if any."""
    return g.get("_rollup_frame")


@contextlib.contextmanager
def preloaded(unit_ids, start: dt.date, end: dt.date) -> Iterator[Frame]:
    """Answer the totals of ``unit_ids`` from one read of the rollup while the block runs (the first
    read covers ``start``–``end``; a question about other days reads those days once more)."""
    previous = g.get("_rollup_frame")
    frame = Frame(unit_ids, start, end)
    g._rollup_frame = frame
    try:
        yield frame
    finally:
        g._rollup_frame = previous
