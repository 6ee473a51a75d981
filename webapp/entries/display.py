"""How an entry's values read to a person: labels for codes, dd/mm/yyyy, ``1.234.567 đ``."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from webapp.extensions import db
from webapp.i18n import format_number, format_vnd
from webapp.kinds import Field, Kind
from webapp.plan.models import Campaign, Topic

SHOWN_APART = frozenset({"unit_id", "village_id", "date", "end_date", "participants_male",
                         "participants_female", "cost_vnd", "latitude", "longitude"})


def reference_labels(commune_id: int) -> dict[str, dict[str, str]]:
    """Names of the commune's configured topics and campaigns, by code."""
    topics = db.session.execute(sa.select(Topic.code, Topic.name).where(Topic.commune_id == commune_id))
    campaigns = db.session.execute(sa.select(Campaign.code, Campaign.name).where(Campaign.commune_id == commune_id))
    return {"topics": dict(topics.all()), "campaigns": dict(campaigns.all())}


def show_value(field: Field, value: Any, labels: dict[str, dict[str, str]]) -> str:
    """One value as text for people."""
    names = {code: str(label) for code, label in field.choices} or labels.get(field.source or "", {})
    if field.type == "multi":
        return ", ".join(names.get(v, v) for v in value)
    if field.type == "choice":
        return names.get(value, str(value))
    if field.type == "money":
        return format_vnd(value)
    if field.type == "int":
        return format_number(value)
    return str(value)


def describe(entry, kind: Kind) -> list[tuple[Any, str]]:
    """The (label, text) pairs of an entry's filled-in fields, in declaration order."""
    labels = reference_labels(entry.unit.commune_id)
    data = entry.to_data()
    rows = []
    for field in kind.all_fields:
        value = data.get(field.name)
        if field.name in SHOWN_APART or value in (None, "", []):
            continue
        rows.append((field.label, show_value(field, value, labels)))
    return rows


def field_labels(kind: Kind) -> dict[str, str]:
    """Field name → label, for the history of edits."""
    return {field.name: str(field.label) for field in kind.all_fields}
