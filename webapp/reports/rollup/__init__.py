"""The report rollup: sums of entries kept up to date in each writing transaction.

Callers who change an entry's counted fields or status take ``snapshot(entry)`` BEFORE the change and
after it, and hand the pairs to ``record``::

    before = rollup.snapshot(entry)
    entry.status = "approved"
    rollup.record([(before, rollup.snapshot(entry))])

``(None, facts)`` adds a new entry, ``(facts, None)`` removes one. ``record`` writes set-based upserts
in the current transaction and never commits. ``rebuild`` recomputes the rollup from the entry table
(``flask rollup-rebuild``), e.g. after a bulk change such as a village merge.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Iterable, NamedTuple

import sqlalchemy as sa

from webapp.extensions import db
from webapp.kinds import Field, Kind, all_kinds, feeds_headline, get_kind
from webapp.reports.rollup.models import (KEY_COLUMNS, MEASURE_COLUMNS, PEOPLE_COLUMNS, ReportRollup,
                                          ReportRollupColumn, headline_kind_filter, headline_people)

__all__ = ["Facts", "snapshot", "record", "rebuild", "rebuild_statements", "group_field", "ReportRollup", "ReportRollupColumn"]


class Facts(NamedTuple):
    """What one entry adds to the rollup: its key, its common measures and its report columns."""

    key: tuple
    measures: tuple[int, int, int, int]
    columns: tuple[tuple[str, int], ...]


def group_field(kind: Kind) -> Field | None:
    """The field a kind's table is grouped by: its first single choice with declared options."""
    for fld in kind.fields:
        if fld.type == "choice" and fld.choices:
            return fld
    return None


def _number(value) -> int:
    """A report column's value as an integer (missing or empty: 0)."""
    if value is None or value == "":
        return 0
    return int(value)


def snapshot(entry) -> Facts | None:
    """The facts ``entry`` adds to the rollup now (None for an entry not yet dated or placed)."""
    if entry is None or entry.date is None or entry.unit_id is None or entry.village_id is None:
        return None
    details = entry.details or {}
    kind = get_kind(entry.kind)
    option = group_field(kind) if kind is not None else None
    grp = details.get(option.name) if option is not None else None
    key = (entry.date, entry.unit_id, entry.village_id, entry.kind, entry.campaign or "", entry.status,
           entry.funding_source or "", "" if grp is None else str(grp))
    headline = feeds_headline(entry.kind)  # participants of a kind without a counted audience never count
    measures = (1, int(entry.participants_male or 0) if headline else 0,
                int(entry.participants_female or 0) if headline else 0, int(entry.cost_vnd or 0))
    columns = tuple((f"{entry.kind}.{f.name}", _number(details.get(f.name)))
                    for f in (kind.report_columns if kind is not None else ()))
    if headline:
        columns += tuple((f"*.{name}", _number(getattr(entry, name))) for name in PEOPLE_COLUMNS)
    return Facts(key, measures, columns)


def _deltas(pairs: Iterable[tuple[Facts | None, Facts | None]]) -> tuple[dict, dict]:
    """Net changes per key (and per key and column); what cancels out is dropped."""
    core: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    columns: dict[tuple, int] = defaultdict(int)
    for old, new in pairs:
        for facts, sign in ((old, -1), (new, 1)):
            if facts is None:
                continue
            sums = core[facts.key]
            for index, value in enumerate(facts.measures):
                sums[index] += sign * value
            for name, value in facts.columns:
                columns[facts.key + (name,)] += sign * value
    core = {key: sums for key, sums in core.items() if any(sums)}
    columns = {key: value for key, value in columns.items() if value}
    return core, columns


@lru_cache(maxsize=None)
def _upsert_statement(table: sa.Table, summed: tuple[str, ...]) -> sa.TextClause:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET m = m + excluded.m``, one text for both engines.

    Written as text with typed parameters because SQLAlchemy 2.0 cannot cache the compiled form of its
    dialects' ``on_conflict_do_update`` (it compiled it again on every sync, 11 % of a small sync's CPU).
    """
    names = [column.name for column in table.columns if column.name != "id"]
    conflict = list(KEY_COLUMNS) + (["name"] if "name" in table.c else [])
    quoted = ", ".join(f'"{name}"' for name in names)
    values = ", ".join(f":{name}" for name in names)
    target = ", ".join(f'"{name}"' for name in conflict)
    updates = ", ".join(f'"{name}" = "{table.name}"."{name}" + excluded."{name}"' for name in summed)
    text = sa.text(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({values}) '
                   f"ON CONFLICT ({target}) DO UPDATE SET {updates}")
    return text.bindparams(*(sa.bindparam(name, type_=table.c[name].type) for name in names))


def _upsert(table: sa.Table, rows: list[dict], summed: tuple[str, ...]) -> None:
    """Add ``rows`` to ``table``: new keys inserted, existing keys' ``summed`` columns increased."""
    if rows:
        db.session.execute(_upsert_statement(table, summed), rows)


def record(pairs: Iterable[tuple[Facts | None, Facts | None]]) -> None:
    """Apply ``(old_facts, new_facts)`` pairs to the rollup in the current transaction (no commit)."""
    core, columns = _deltas(pairs)
    if not core and not columns:
        return
    _upsert(ReportRollup.__table__, [dict(zip(KEY_COLUMNS + MEASURE_COLUMNS, key + tuple(sums)))
                                     for key, sums in sorted(core.items(), key=_sort_key)],
            MEASURE_COLUMNS)
    _upsert(ReportRollupColumn.__table__, [dict(zip(KEY_COLUMNS + ("name", "value"), key + (value,)))
                                           for key, value in sorted(columns.items(), key=_sort_key)],
            ("value",))
    if all(value >= 0 for sums in core.values() for value in sums) and all(v >= 0 for v in columns.values()):
        return  # nothing decreased (new entries only): no row can have fallen to zero
    days = sorted({key[0] for key in core} | {key[0] for key in columns})
    db.session.execute(sa.delete(ReportRollup).where(ReportRollup.entries == 0, ReportRollup.day.in_(days)))
    db.session.execute(sa.delete(ReportRollupColumn).where(ReportRollupColumn.value == 0,
                                                           ReportRollupColumn.day.in_(days)))


def _sort_key(item) -> tuple:
    """Rows in key order, so two writers lock rollup rows in the same order (no deadlock)."""
    return tuple("" if value is None else str(value) for value in item[0])


def _key_expressions() -> list:
    """The rollup key computed from the entry table, in ``KEY_COLUMNS`` order."""
    from webapp.entries.models import Entry

    options = [(Entry.kind == kind.code, Entry.details[group_field(kind).name].as_string())
               for kind in all_kinds() if group_field(kind) is not None]
    grp = sa.func.coalesce(sa.case(*options, else_=None), "") if options else sa.literal("")
    return [Entry.date, Entry.unit_id, Entry.village_id, Entry.kind, sa.func.coalesce(Entry.campaign, ""),
            Entry.status, sa.func.coalesce(Entry.funding_source, ""), grp]


def rebuild_statements(commune_id: int | None = None, people: bool = True) -> list:
    """The statements that recompute the rollup of one commune (or everything) from the entry table.

    ``people=False`` leaves out the "of whom" counts (for a migration older than their columns).
    """
    from webapp.entries.models import Entry
    from webapp.units.models import Unit

    units = sa.select(Unit.id).where(Unit.commune_id == commune_id) if commune_id is not None else None
    statements = []
    for model in (ReportRollup, ReportRollupColumn):
        statement = sa.delete(model)
        if units is not None:
            statement = statement.where(model.unit_id.in_(units))
        statements.append(statement)
    scope = [Entry.unit_id.in_(units)] if units is not None else []
    keys = _key_expressions()
    zero = sa.literal(0)
    core = sa.select(*keys, sa.func.count(Entry.id),
                     sa.func.coalesce(sa.func.sum(headline_people(Entry.kind, Entry.participants_male)), zero),
                     sa.func.coalesce(sa.func.sum(headline_people(Entry.kind, Entry.participants_female)), zero),
                     sa.func.coalesce(sa.func.sum(Entry.cost_vnd), zero)).where(*scope).group_by(*keys)
    statements.append(sa.insert(ReportRollup).from_select(list(KEY_COLUMNS + MEASURE_COLUMNS), core))
    for name in PEOPLE_COLUMNS if people else ():
        value = sa.func.sum(getattr(Entry, name))
        columns = sa.select(*keys, sa.literal(f"*.{name}", sa.String), value).where(
            headline_kind_filter(Entry.kind), *scope).group_by(*keys).having(value != 0)
        statements.append(sa.insert(ReportRollupColumn).from_select(list(KEY_COLUMNS + ("name", "value")), columns))
    for kind in all_kinds():
        if kind.report_columns:
            statements.append(_columns_statement(kind, keys, scope))
    return statements


def _columns_statement(kind: Kind, keys: list, scope: list):
    """One INSERT … SELECT of every report column of ``kind``: the kind's entries grouped once (a CTE with
    one sum per column), then one row per key and column whose sum is not zero (UNION ALL)."""
    from webapp.entries.models import Entry

    fields = list(kind.report_columns)
    sums = [sa.func.sum(sa.cast(Entry.details[fld.name].as_string(), sa.BigInteger)).label(f"c{index}")
            for index, fld in enumerate(fields)]
    grouped = sa.select(*[key.label(name) for key, name in zip(keys, KEY_COLUMNS)], *sums).where(
        Entry.kind == kind.code, *scope).group_by(*keys).cte(f"sums_{kind.code}")
    parts = [sa.select(*[grouped.c[name] for name in KEY_COLUMNS], sa.literal(f"{kind.code}.{fld.name}", sa.String),
                       grouped.c[f"c{index}"]).where(grouped.c[f"c{index}"] != 0)
             for index, fld in enumerate(fields)]
    rows = parts[0] if len(parts) == 1 else sa.union_all(*parts)
    return sa.insert(ReportRollupColumn).from_select(list(KEY_COLUMNS + ("name", "value")), rows)


def rebuild(commune_id: int | None = None) -> None:
    """Recompute the rollup of one commune's units (or of everything) from the entry table (no commit)."""
    for statement in rebuild_statements(commune_id):
        db.session.execute(statement)
