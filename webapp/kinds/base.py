"""``Kind``: the one declaration per activity kind, and the fields every entry shares."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Callable, Mapping

from flask_babel import lazy_gettext as _l

from webapp.kinds.fields import Field, FieldError, ValidationContext
from webapp.kinds.rules import (Rule, cost_needs_source, end_not_before_start, not_after_today, share_of,
                                   total_of)

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

SPLIT_NOTE = ("Older clients may send only the single total {total}; it is kept as sent and counted in the "
              "total columns, with nothing in the split columns. When {male}/{female} are sent, {total} is "
              "computed from them (and, if also sent, must equal their sum).")
NO_AUDIENCE_NOTE = ("Not required for kinds without a counted audience: a value an older client still sends is "
                    "accepted and kept, and left out of the headline count of participants.")


def _of_whom(name: str, label, male_label, female_label) -> tuple[Field, ...]:
    """An "of whom" count of participants, by sex, plus the older single total (kept for older clients)."""
    note = SPLIT_NOTE.format(total=name, male=f"{name}_male", female=f"{name}_female")
    return (
        Field(f"{name}_male", male_label, "int", maximum=100_000),
        Field(f"{name}_female", female_label, "int", maximum=100_000),
        Field(name, label, "int", maximum=200_000, legacy=True, api_note=note),
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
    Field("participants_male", _l("Participants: men"), "int", required=True, maximum=100_000, default=0),
    Field("participants_female", _l("Participants: women"), "int", required=True, maximum=100_000, default=0),
    *_of_whom("ethnic_minority", _l("Of whom ethnic minority"), _l("Of whom ethnic minority: men"),
              _l("Of whom ethnic minority: women")),
    *_of_whom("under_16", _l("Of whom under 16"), _l("Of whom under 16: boys"), _l("Of whom under 16: girls")),
    Field("materials", _l("Materials distributed (copies)"), "int", maximum=1_000_000),
    Field("cost_vnd", _l("Cost (VND)"), "money", required=True),
    Field("funding_source", _l("Funding source"), "choice", choices=FUNDING_SOURCES,
          help=_l("Required when the cost is above 0.")),
    Field("notes", _l("Notes"), "textarea", max_length=2000,
          help=_l("No names, addresses or phone numbers of victims of violence.")),
    Field("latitude", _l("Latitude"), "decimal", minimum=-90, maximum=90),
    Field("longitude", _l("Longitude"), "decimal", minimum=-180, maximum=180),
)
COMMON_NAMES = frozenset(f.name for f in COMMON_FIELDS)
HIDDEN_IN_FORM = frozenset({"latitude", "longitude"})
PARTICIPANTS = (_l("Participants: men"), _l("Participants: women"))
# Counts that belong to the participants: left out of the form of a kind without a counted audience.
OF_PARTICIPANTS = frozenset({"participants_male", "participants_female", "ethnic_minority", "ethnic_minority_male",
                             "ethnic_minority_female", "under_16", "under_16_male", "under_16_female"})


def common_rules() -> tuple[Rule, ...]:
    """The rules every kind has: dates, "of whom" shares of the participants, cost and its source."""
    shares: list[Rule] = []
    for name in ("ethnic_minority", "under_16"):
        shares += [share_of(f"{name}_male", ["participants_male"]),
                   share_of(f"{name}_female", ["participants_female"]),
                   total_of(name, [f"{name}_male", f"{name}_female"]),
                   share_of(name, ["participants_male", "participants_female"])]
    return (not_after_today("date"), not_after_today("end_date"), end_not_before_start(), *shares,
            cost_needs_source())


@dataclass(frozen=True)
class People:
    """A count of people by sex that an entry holds: its participants, or recipients, contestants …"""

    code: str
    male: str
    female: str
    headline: bool = False  # whether it feeds the report's headline "lượt người tham dự"


@dataclass(frozen=True)
class Kind:
    """An activity kind: its code, labels, own fields, the people it counts and its cross-field rules.

    Everything about a kind comes from here: the HTML form, the validation shared by the form and
    the sync API, the rules the phone checks before saving, the OpenAPI schema and the report columns.
    Adding a kind is one new module in ``webapp/kinds`` that defines ``KIND``.

    ``participants``: the labels (men, women) of the counted audience — participants, trainees, an
    audience — which feeds the report's headline; None for a kind without a counted audience (a
    broadcast, a banner, an online post, a commendation): its form leaves the participants out, the API
    does not require them, and what an older client still sends is kept out of the headline.
    ``people``: the kind's other counts of people by sex (recipients, contestants, members …).
    """

    code: str
    label: Any
    fields: tuple[Field, ...]
    description: Any = ""
    position: int = 100
    checks: tuple[Callable[[dict, dict], None], ...] = ()
    participants: tuple[Any, Any] | None = PARTICIPANTS
    people: tuple[People, ...] = ()
    rules: tuple[Rule, ...] = ()

    @cached_property
    def all_fields(self) -> tuple[Field, ...]:
        """Common fields first (labelled and required as this kind's participants say), then this kind's."""
        common = []
        for fld in COMMON_FIELDS:
            if fld.name in OF_PARTICIPANTS and self.participants is None:
                fld = replace(fld, required=False, legacy=True, api_note=fld.api_note or NO_AUDIENCE_NOTE)
            elif fld.name in ("participants_male", "participants_female"):
                fld = replace(fld, label=self.participants[fld.name == "participants_female"])
            common.append(fld)
        return tuple(common) + self.fields

    @cached_property
    def field_names(self) -> frozenset[str]:
        """Every name ``data`` may hold for this kind."""
        return frozenset(f.name for f in self.all_fields)

    @cached_property
    def form_fields(self) -> frozenset[str]:
        """The names of the fields the HTML form shows (older clients' fields and GPS are not typed in)."""
        return frozenset(f.name for f in self.all_fields if not f.legacy and f.name not in HIDDEN_IN_FORM)

    @property
    def counts_participants(self) -> bool:
        """Whether the kind has a counted audience (whose participants feed the headline)."""
        return self.participants is not None

    @cached_property
    def people_counts(self) -> tuple[People, ...]:
        """Every count of people by sex this kind has; those with ``headline`` feed the report's headline."""
        own = (People("participants", "participants_male", "participants_female", headline=True),)
        return (own if self.counts_participants else ()) + self.people

    @property
    def sensitive(self) -> bool:
        """Whether any field counts victims or people supported (see ``Field.sensitive``)."""
        return any(f.sensitive for f in self.fields)

    @cached_property
    def report_columns(self) -> tuple[Field, ...]:
        """This kind's numeric fields summed in reports (beside entries, participants and cost)."""
        return tuple(f for f in self.fields if f.report)

    @cached_property
    def all_rules(self) -> tuple[Rule, ...]:
        """The cross-field rules of this kind: the common ones, then its own."""
        return common_rules() + self.rules

    def client_rules(self) -> list[dict]:
        """The rules the entry form checks in the browser: every field's bounds, then the cross-field rules.

        Messages are in the current language, as the server would give them (``static/js/form-rules.js``).
        """
        described = []
        for fld in self.all_fields:
            if fld.type not in ("int", "money") and not fld.required:
                continue
            item: dict[str, Any] = {"rule": "field", "field": fld.name, "required": fld.required,
                                    "message": str(_l("Required."))}
            if fld.type in ("int", "money"):
                item.update(minimum=fld.minimum or 0, maximum=fld.maximum,
                            min_message=str(_l("Must be %(n)s or more.")),
                            max_message=str(_l("Must be %(n)s or less.")))
            described.append(item)
        return described + [rule.describe() for rule in self.all_rules]

    def kept_legacy_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values of fields the form no longer shows that an edit must keep: what an older client sent.

        A single total computed from its parts (``under_16`` from ``under_16_male``/``_female``) is left
        out: it is computed again from what the form sends.
        """
        derived = {rule.field for rule in self.all_rules if rule.code == "total_of"
                   and any(values.get(name) not in (None, "") for name in rule.of)}
        return {f.name: values[f.name] for f in self.all_fields
                if f.legacy and f.name not in derived and values.get(f.name) not in (None, "", 0, "0")}

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
        for rule in self.all_rules:
            rule.check(clean, errors)
        closed = ctx.closed_period_error(clean.get("unit_id"), clean.get("date"))
        if closed is not None and "date" not in errors:
            errors["date"] = closed
        for check in self.checks:
            check(clean, errors)
        self._derive_totals(clean)
        if self.sensitive:  # where someone was supported is not stored: the place could identify them
            clean["latitude"] = clean["longitude"] = None
            errors.pop("latitude", None)
            errors.pop("longitude", None)
        return clean, errors

    def _derive_totals(self, clean: dict) -> None:
        """An older client's single count (e.g. ``under_16``) is the sum of its parts when they are given."""
        for rule in self.all_rules:
            parts = [clean.get(name) for name in rule.of]
            if rule.code == "total_of" and clean.get(rule.field) is None and any(p is not None for p in parts):
                clean[rule.field] = sum(p or 0 for p in parts)

    def schema(self) -> dict:
        """The OpenAPI schema of ``data`` for this kind."""
        return {
            "type": "object",
            "title": str(self.label),
            "required": [f.name for f in self.all_fields if f.required],
            "properties": {f.name: f.schema() for f in self.all_fields},
            "additionalProperties": False,
        }
