"""THE filters of a totals query, written once for every table that answers it (the entry table and
the rollup tables): the window, the visible units, the statuses, sensitive kinds left out unless asked,
and the kind, village, campaign, unit (with its sub-units) and commune filters.

Both tables name their columns alike but for the date (``Entry.date``, the rollup's ``day``); a
table is described by ``FilterColumns``. One builder keeps the two answers from drifting apart (they
once disagreed on which kinds are sensitive).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from webapp.extensions import db
from webapp.kinds import sensitive_kind_codes
from webapp.units.models import Unit

STATUSES = ("submitted", "approved", "returned")


@dataclass(frozen=True)
class FilterColumns:
    """The columns of one table that the filters read."""

    day: Any
    unit_id: Any
    status: Any
    kind: Any
    village_id: Any
    campaign: Any

    @classmethod
    def of(cls, model, day: str = "day") -> "FilterColumns":
        """The columns of a mapped class whose date column is named ``day``."""
        return cls(day=getattr(model, day), unit_id=model.unit_id, status=model.status, kind=model.kind,
                   village_id=model.village_id, campaign=model.campaign)


def conditions(columns: FilterColumns, scope_unit_ids, query) -> list:
    """WHERE conditions of ``query`` (a ``TotalsQuery``) on the table ``columns`` describes, among the
    units ``scope_unit_ids`` (a list or a subquery; None: every unit)."""
    found = [columns.day >= query.start, columns.day <= query.end]
    if scope_unit_ids is not None:
        found.append(columns.unit_id.in_(scope_unit_ids))
    if tuple(query.statuses) != STATUSES:
        found.append(columns.status.in_(query.statuses))
    if query.kind:
        found.append(columns.kind == query.kind)
    if not query.sensitive and sensitive_kind_codes():
        found.append(columns.kind.notin_(sensitive_kind_codes()))
    if query.village_id:
        found.append(columns.village_id == query.village_id)
    if query.campaign:
        found.append(columns.campaign == query.campaign)
    if query.unit_id:
        unit = db.session.get(Unit, query.unit_id)
        path = unit.path if unit is not None else "/none/"
        found.append(columns.unit_id.in_(sa.select(Unit.id).where(Unit.path.startswith(path))))
    if query.commune_id:
        found.append(columns.unit_id.in_(sa.select(Unit.id).where(Unit.commune_id == query.commune_id)))
    return found
