"""Names for the codes and ids a total is grouped by: units, villages, campaigns, kinds, months."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.kinds import all_kinds, get_kind
from webapp.kinds.base import FUNDING_SOURCES
from webapp.plan.models import Campaign
from webapp.units.models import Unit, Village

UNIT_TYPES = (
    ("branch", _l("Village branches")),
    ("organisation", _l("Mass organisations")),
    ("agency", _l("Agencies")),
)


def unit_names(ids) -> dict[int, str]:
    """Unit names by id."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())


def village_names(ids) -> dict[int, str]:
    """Village names by id."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Village.id, Village.name).where(Village.id.in_(ids))).all())


def campaign_names(commune_ids) -> dict[str, str]:
    """Campaign names by code, for the given communes (the first name wins when codes repeat)."""
    names: dict[str, str] = {}
    for code, name in db.session.execute(sa.select(Campaign.code, Campaign.name).where(
            Campaign.commune_id.in_(list(commune_ids))).order_by(Campaign.position, Campaign.id)):
        names.setdefault(code, name)
    return names


def kind_label(code: str | None) -> str:
    """A kind's label in the current language (the code itself for an unknown kind)."""
    kind = get_kind(code or "")
    return str(kind.label) if kind else (code or "")


def kind_labels() -> dict[str, str]:
    """Every kind's label by code."""
    return {kind.code: str(kind.label) for kind in all_kinds()}


def funding_label(code: str | None) -> str:
    """A funding source's label; entries without one say so."""
    labels = {value: str(label) for value, label in FUNDING_SOURCES}
    if code is None:
        return _("Not stated")
    return labels.get(code, code)


def month_label(value: str | None) -> str:
    """``2023-06`` → ``06/2023``."""
    if not value:
        return ""
    year, _dash, month = value.partition("-")
    return f"{month}/{year}"


def unit_type_label(code: str | None) -> str:
    """The plural label of a unit type."""
    return str(dict(UNIT_TYPES).get(code or "", code or ""))


def group_labels(key: str, values, commune_ids) -> dict[Any, str]:
    """Names of the values of one group key (for API ``labels`` and tables)."""
    values = list(values)
    if key == "unit" or key == "commune":
        return unit_names(values)
    if key == "village":
        return village_names(values)
    if key == "campaign":
        names = campaign_names(commune_ids)
        return {v: (names.get(v, v) if v else _("No campaign")) for v in values}
    if key == "kind":
        return {v: kind_label(v) for v in values}
    if key == "month":
        return {v: month_label(v) for v in values}
    if key == "funding_source":
        return {v: funding_label(v) for v in values}
    return {v: str(v) for v in values}
