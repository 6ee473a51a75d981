"""``Kind``: the one declaration per activity kind, and the fields every entry shares."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Mapping

from flask_babel import lazy_gettext as _l

from webapp.kinds.fields import Field, FieldError, ValidationContext

FUNDING_SOURCES = (
    ("commune_budget", _l("Commune budget")),
    ("national_programme", _l("National target programme")),
    ("social_contribution", _l("Social contribution")),
    ("union_funds", _l("Union funds")),
    ("none", _l("No cost")),
)
TARGET_GROUPS = (
    ("residents", _l("Residents")),
    ("women", _l("Women")),
    ("men", _l("Men")),
    ("youth", _l("Youth and students")),
    ("couples", _l("Couples and families")),
    ("cadres", _l("Cadres and civil servants")),
    ("women_leaders", _l("Women leaders")),
    ("ethnic_minority", _l("Ethnic minority people")),
    ("elderly", _l("Elderly people")),
)

# The fields of the contract and of domain.md that every entry has, in form order.
COMMON_FIELDS: tuple[Field, ...] = (
    Field("unit_id", _l("Unit"), "choice", required=True, source="units"),
    Field("village_id", _l("Village / place"), "choice", required=True, source="villages"),
    Field("date", _l("Date"), "date", required=True),
    Field("end_date", _l("End date (if several days)"), "date"),
    Field("topics", _l("Topics"), "multi", source="topics"),
    Field("campaign", _l("Campaign"), "choice", source="campaigns"),
    Field("target_group", _l("Target group"), "choice", choices=TARGET_GROUPS),
    Field("participants_male", _l("Participants: men"), "int", required=True, maximum=100_000),
    Field("participants_female", _l("Participants: women"), "int", required=True, maximum=100_000),
    Field("ethnic_minority", _l("Of whom ethnic minority"), "int", maximum=200_000),
    Field("under_16", _l("Of whom under 16"), "int", maximum=200_000),
    Field("materials", _l("Materials distributed (copies)"), "int", maximum=1_000_000),
    Field("cost_vnd", _l("Cost (VND)"), "money", required=True),
    Field("funding_source", _l("Funding source"), "choice", choices=FUNDING_SOURCES),
    Field("notes", _l("Notes"), "textarea", max_length=2000,
          help=_l("No names, addresses or phone numbers of victims of violence.")),
    Field("latitude", _l("Latitude"), "decimal", minimum=-90, maximum=90),
    Field("longitude", _l("Longitude"), "decimal", minimum=-180, maximum=180),
)
COMMON_NAMES = frozenset(f.name for f in COMMON_FIELDS)
HIDDEN_IN_FORM = frozenset({"latitude", "longitude"})


def _check_participant_shares(clean: dict, errors: dict) -> None:
    """"Of whom" counts cannot exceed the participants; an end date cannot precede the start."""
    total = (clean.get("participants_male") or 0) + (clean.get("participants_female") or 0)
    for name in ("ethnic_minority", "under_16"):
        if clean.get(name) is not None and name not in errors and clean[name] > total:
            errors[name] = _l("Cannot be more than the %(n)s participants.", n=total)
    if clean.get("end_date") and clean.get("date") and clean["end_date"] < clean["date"]:
        errors.setdefault("end_date", _l("The end date cannot be before the date."))


@dataclass(frozen=True)
class Kind:
    """An activity kind: its code, labels, own fields and cross-field checks.

    Everything about a kind comes from here: the HTML form, the validation shared by the form and
    the sync API, the OpenAPI schema and the report columns. Adding a kind is one new module in
    ``webapp/kinds`` that defines ``KIND``. What is derived from the fields is computed once per kind.
    """

    code: str
    label: Any
    fields: tuple[Field, ...]
    description: Any = ""
    position: int = 100
    checks: tuple[Callable[[dict, dict], None], ...] = ()

    @cached_property
    def all_fields(self) -> tuple[Field, ...]:
        """Common fields first, then this kind's."""
        return COMMON_FIELDS + self.fields

    @cached_property
    def field_names(self) -> frozenset[str]:
        """Every name ``data`` may hold for this kind."""
        return frozenset(f.name for f in self.all_fields)

    @property
    def sensitive(self) -> bool:
        """Whether any field counts victims or people supported (see ``Field.sensitive``)."""
        return any(f.sensitive for f in self.fields)

    @cached_property
    def report_columns(self) -> tuple[Field, ...]:
        """This kind's numeric fields summed in reports (beside entries, participants and cost)."""
        return tuple(f for f in self.fields if f.report)

    def validate(self, raw: Mapping[str, Any], ctx: ValidationContext) -> tuple[dict, dict]:
        """Check ``raw`` (form or API data); return ``(clean, errors)`` — errors map field → message."""
        clean: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for name in raw:
            if name not in self.field_names:
                errors[name] = _l("Unknown field for this kind of activity.")
        for fld in self.all_fields:
            value = raw.get(fld.name)
            if fld.is_blank(value):
                if fld.required:
                    errors[fld.name] = _l("Required.")
                clean[fld.name] = fld.blank_value()
                continue
            try:
                clean[fld.name] = fld.parse(value, ctx)
            except FieldError as exc:
                errors[fld.name] = exc.message
        _check_participant_shares(clean, errors)
        closed = ctx.closed_period_error(clean.get("unit_id"), clean.get("date"))
        if closed is not None and "date" not in errors:
            errors["date"] = closed
        for check in self.checks:
            check(clean, errors)
        if self.sensitive:  # where someone was supported is not stored: the place could identify them
            clean["latitude"] = clean["longitude"] = None
            errors.pop("latitude", None)
            errors.pop("longitude", None)
        return clean, errors

    def schema(self) -> dict:
        """The OpenAPI schema of ``data`` for this kind."""
        return {
            "type": "object",
            "title": str(self.label),
            "required": [f.name for f in self.all_fields if f.required],
            "properties": {f.name: f.schema() for f in self.all_fields},
            "additionalProperties": False,
        }
