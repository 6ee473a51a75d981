"""Between HTML form posts and a kind's validation: the form's inputs carry the API field names."""
from __future__ import annotations

from typing import Any

from webapp.kinds import Kind, ValidationContext


def form_data(kind: Kind, form) -> dict[str, Any]:
    """The submitted values of ``kind``'s fields, as text (lists for multi-choice)."""
    data: dict[str, Any] = {}
    for field in kind.all_fields:
        if field.type == "multi":
            values = [v for v in form.getlist(field.name) if v]
            if values:
                data[field.name] = values
        elif field.name in form:
            data[field.name] = form.get(field.name)
    return data


def initial_values(kind: Kind, ctx: ValidationContext, units: list | None = None) -> dict[str, Any]:
    """Sensible starting values for a new entry: today, the person's first unit and its village, no cost."""
    values: dict[str, Any] = {"date": ctx.today.isoformat(), "cost_vnd": "0",
                              "participants_male": "", "participants_female": ""}
    if units:
        values["unit_id"] = str(units[0].id)
        if units[0].village_id:
            values["village_id"] = str(units[0].village_id)
    return values
