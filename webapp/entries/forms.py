"""Between HTML form posts and a kind's validation: the form's inputs carry the API field names."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from webapp.kinds import Kind, ValidationContext
from webapp.kinds.fields import Field


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


# The entry form's sections, in order; a kind's own fields come second, and any field no section
# names (one a kind adds later) goes last. Latitude/longitude are filled by "Ghi vị trí", not typed.
FORM_SECTIONS: tuple[tuple[str, Any, tuple[str, ...] | None], ...] = (
    ("where", _l("Where and when"), ("unit_id", "village_id", "date", "end_date")),
    ("kind", None, None),
    ("participants", _l("Participants"), ("participants_male", "participants_female", "ethnic_minority",
                                          "ethnic_minority_male", "ethnic_minority_female", "under_16",
                                          "under_16_male", "under_16_female")),
    ("content", _l("Content"), ("topics", "campaign", "target_group", "materials")),
    ("cost", _l("Cost"), ("cost_vnd", "funding_source", "notes")),
)
NOT_TYPED = frozenset({"latitude", "longitude"})


@dataclass(frozen=True)
class FormSection:
    """A titled group of fields of the entry form."""

    key: str
    title: Any
    fields: tuple[Field, ...]

    @property
    def names(self) -> frozenset[str]:
        """The names of its fields."""
        return frozenset(f.name for f in self.fields)


@dataclass(frozen=True)
class FormLayout:
    """The form in two parts: what the common case needs on one screen, and "Thêm chi tiết"."""

    main: tuple[FormSection, ...]
    more: tuple[FormSection, ...]
    more_open: bool


# Optional fields that a required one needs beside it: a cost above 0 needs its funding source.
BESIDE_REQUIRED = frozenset({"funding_source"})


def is_essential(kind: Kind, field: Field) -> bool:
    """Shown up front: a required field, one a required field needs (the cost's source), or a figure
    of the kind that its report counts."""
    return field.required or field.name in BESIDE_REQUIRED or (field.report and field in kind.fields)


def form_layout(kind: Kind, values: dict[str, Any], errors: dict[str, Any]) -> FormLayout:
    """Split ``kind``'s fields into the main part and the folded one; the fold starts open when one
    of its fields holds a value or an error (a returned entry, a refused post)."""
    asked = getattr(kind, "form_fields", None)  # a kind may keep older clients' fields out of the form
    typed = [f for f in kind.all_fields if f.name not in NOT_TYPED and (asked is None or f.name in asked)]
    placed: set[str] = set()
    groups: list[tuple[str, Any, list[Field]]] = []
    by_name = {f.name: f for f in typed}
    for key, title, names in FORM_SECTIONS:
        fields = [f for f in kind.fields if f.name in by_name] if names is None else [
            by_name[n] for n in names if n in by_name]
        fields = [f for f in fields if f.name not in placed]
        placed.update(f.name for f in fields)
        groups.append((key, kind.label if names is None else title, fields))
    groups.append(("other", None, [f for f in typed if f.name not in placed]))
    main = tuple(FormSection(key, title, tuple(f for f in fields if is_essential(kind, f)))
                 for key, title, fields in groups)
    more = tuple(FormSection(key, title, tuple(f for f in fields if not is_essential(kind, f)))
                 for key, title, fields in groups)
    folded = [f for section in more for f in section.fields]
    more_open = any(f.name in errors or not f.is_blank(values.get(f.name)) for f in folded)
    return FormLayout(tuple(s for s in main if s.fields), tuple(s for s in more if s.fields), more_open)
