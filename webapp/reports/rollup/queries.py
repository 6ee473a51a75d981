"""Totals read from the rollup: the same answers as the entry table's GROUP BY, from far fewer rows.

``webapp.reports.totals.queries`` sends here every query the rollup can answer (all but groupings by a
kind field other than the kind's main option); the per-entry reads of small-cell privacy stay on the
entry table.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from webapp.extensions import db
from webapp.kinds import get_kind
from webapp.reports.rollup import group_field
from webapp.reports.rollup.models import ReportRollup, ReportRollupColumn
from webapp.units.models import Unit


def can_answer(query) -> bool:
    """True when every group key of ``query`` is kept in the rollup."""
    for key in query.group_by:
        if key.startswith("detail:"):
            kind = get_kind(query.kind) if query.kind else None
            option = group_field(kind) if kind is not None else None
            if option is None or key != f"detail:{option.name}":
                return False
    return True


def group_expression(model, key: str):
    """The rollup column (or expression) a group key stands for; "" in the rollup reads as None."""
    from webapp.reports.totals.queries import year_month

    simple = {"kind": model.kind, "unit": model.unit_id, "village": model.village_id}
    if key in simple:
        return simple[key]
    if key == "month":
        return year_month(model.day)
    if key == "campaign":
        return sa.func.nullif(model.campaign, "")
    if key == "commune":
        return Unit.commune_id
    if key == "funding_source":
        return sa.func.nullif(model.funding_source, "")
    if key.startswith("detail:"):
        return sa.func.nullif(model.grp, "")
    raise ValueError(f"unknown group key {key!r}")


def conditions(model, scope_unit_ids, query) -> list:
    """WHERE conditions on a rollup table: the same builder as the entry table's (``totals.filters``)."""
    from webapp.reports.totals import filters

    return filters.conditions(filters.FilterColumns.of(model), scope_unit_ids, query)


def _select(model, scope_unit_ids, query, *columns):
    """SELECT ``columns`` from ``model`` under the query's conditions (joined to units for communes)."""
    statement = sa.select(*columns).select_from(model)
    if "commune" in query.group_by:
        statement = statement.join(Unit, Unit.id == model.unit_id)
    return statement.where(*conditions(model, scope_unit_ids, query))


def _column_sums(scope_unit_ids, query) -> dict[tuple, dict[str, int]]:
    """Kind report columns summed per group: ``{group values: {"kind.field": sum}}``."""
    model = ReportRollupColumn
    groups = [group_expression(model, key).label(f"g{i}") for i, key in enumerate(query.group_by)]
    statement = _select(model, scope_unit_ids, query, *groups, model.name, sa.func.sum(model.value)).where(
        model.name.in_(query.columns)).group_by(*groups, model.name)
    found: dict[tuple, dict[str, int]] = {}
    for record in db.session.execute(statement):
        values = list(record)
        found.setdefault(tuple(values[:len(groups)]), {})[values[len(groups)]] = int(values[-1] or 0)
    return found


def run(scope_unit_ids, query, key_value) -> list[tuple[dict[str, Any], list[int]]]:
    """``(group values, [measures…, columns…])`` per group, in group order, from the rollup."""
    model = ReportRollup
    zero = sa.literal(0)
    groups = [group_expression(model, key).label(f"g{i}") for i, key in enumerate(query.group_by)]
    measures = [sa.func.coalesce(sa.func.sum(model.entries), zero),
                sa.func.coalesce(sa.func.sum(model.participants_male), zero),
                sa.func.coalesce(sa.func.sum(model.participants_female), zero),
                sa.func.coalesce(sa.func.sum(model.participants_male + model.participants_female), zero),
                sa.func.coalesce(sa.func.sum(model.cost_vnd), zero)]
    statement = _select(model, scope_unit_ids, query, *groups, *measures)
    if groups:
        statement = statement.group_by(*groups).order_by(*groups)
    columns = _column_sums(scope_unit_ids, query) if query.columns else {}
    found = []
    for record in db.session.execute(statement):
        values = list(record)
        group_values = tuple(values[:len(groups)])
        counts = [int(v or 0) for v in values[len(groups):]]
        if groups and not counts[0]:
            continue
        extra = columns.get(group_values, {})
        counts += [extra.get(column, 0) for column in query.columns]
        found.append(({key: key_value(key, group_values[i]) for i, key in enumerate(query.group_by)}, counts))
    return found


def distinct_values(scope_unit_ids, query, key: str, key_value) -> set:
    """The distinct values of a group key among the entries the rollup counts."""
    model = ReportRollup
    expression = group_expression(model, key)
    statement = _select(model, scope_unit_ids, dataclasses.replace(query, group_by=(key,)),
                        expression).where(model.entries > 0).distinct()
    return {key_value(key, value) for value in db.session.scalars(statement)}
