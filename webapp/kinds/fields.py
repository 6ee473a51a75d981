"""Field declarations: one object says how a value is typed in, checked, described and counted."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from flask_babel import lazy_gettext as _l

from webapp.inputs import int_id, iso_date, storable
from webapp.kinds import identities

# Numbers that look like a Vietnamese phone (10 digits from 0) or an ID card (9 or 12 digits):
# a free-text note must never carry what identifies a person (domain.md, Privacy).
PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:0\d{9}|\d{12}|\d{9})(?!\d)")
MAX_INT = 2_000_000_000
MAX_VND = 10**13


class FieldError(ValueError):
    """A value that cannot be accepted; ``message`` is shown next to the input."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ClosedRange:
    """A closed period: nothing dated from ``start`` to ``end`` may be logged for ``unit_ids``."""

    start: dt.date
    end: dt.date
    name: str
    unit_ids: frozenset[int]


@dataclass(frozen=True)
class ValidationContext:
    """What validation needs to know about the person and the commune (built by the entries service)."""

    unit_ids: frozenset[int]
    village_ids: frozenset[int]
    topic_codes: frozenset[str]
    campaign_codes: frozenset[str]
    today: dt.date
    earliest: dt.date = dt.date(2000, 1, 1)
    strict_types: bool = False  # JSON clients send real numbers; HTML forms send text
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    closed_periods: tuple[ClosedRange, ...] = ()
    version: int = 0  # of the settings it was made from (``entries.settings_cache``)

    def closed_period_error(self, unit_id: Any, day: Any):
        """The message for a ``day`` inside a closed period of ``unit_id``'s commune, else None."""
        for closed in self.closed_periods:
            if unit_id in closed.unit_ids and isinstance(day, dt.date) and closed.start <= day <= closed.end:
                return _l("This date is in the closed period %(name)s (%(start)s – %(end)s); "
                          "nothing dated in it can be added or changed until it is reopened.",
                          name=closed.name, start=closed.start.strftime("%d/%m/%Y"),
                          end=closed.end.strftime("%d/%m/%Y"))
        return None


@dataclass(frozen=True)
class Field:
    """One input of an entry: its name is the API field name and the HTML input name."""

    name: str
    label: Any
    type: str = "text"  # text, textarea, int, money, date, choice, multi, decimal
    required: bool = False
    minimum: int | float | None = None
    maximum: int | float | None = None
    max_length: int = 500
    choices: tuple[tuple[str, Any], ...] = ()
    source: str | None = None  # dynamic choices: units, villages, topics, campaigns
    help: Any = None
    report: bool = False  # summed in the report's columns for its kind
    # Counts victims of violence or the people supported: the whole kind becomes sensitive (its
    # entries are seen by their author, the unit's reviewers and the commune officer only, carry no
    # GPS, and its figures are published for whole report periods of a commune or more only).
    sensitive: bool = False
    check: Callable[[Any, ValidationContext], None] | None = None
    # Kept for older clients: accepted, stored and described, but no longer shown in the form.
    legacy: bool = False
    api_note: str | None = None  # said in the OpenAPI description only (English, for client authors)
    default: Any = None  # what the field holds when left out (None: the blank value of its type)

    # ---- parsing and validation -------------------------------------------------------------
    def is_blank(self, raw: Any) -> bool:
        """Whether ``raw`` counts as "not given"."""
        return raw is None or (isinstance(raw, str) and raw.strip() == "") or raw == []

    def parse(self, raw: Any, ctx: ValidationContext) -> Any:
        """Turn ``raw`` (form text or JSON value) into the stored value, or raise ``FieldError``."""
        parser = getattr(self, f"_parse_{self.type}")
        value = parser(raw, ctx)
        if self.check is not None:
            self.check(value, ctx)
        return value

    def _parse_text(self, raw: Any, ctx: ValidationContext) -> str:
        """Free text, trimmed, bounded, without a phone or ID number."""
        if not isinstance(raw, str):
            raise FieldError(_l("Must be text."))
        value = raw.strip()
        if not storable(value):
            raise FieldError(_l("Contains a character that cannot be stored."))
        if len(value) > self.max_length:
            raise FieldError(_l("At most %(n)s characters.", n=self.max_length))
        message = identities.problem(value)
        if message:
            raise FieldError(message)
        return value

    _parse_textarea = _parse_text

    def _parse_int(self, raw: Any, ctx: ValidationContext) -> int:
        """A whole number within the declared bounds."""
        if isinstance(raw, bool):
            raise FieldError(_l("Must be a whole number."))
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, str) and not ctx.strict_types and re.fullmatch(r"\s*-?[0-9]{1,15}\s*", raw):
            value = int(raw)
        elif isinstance(raw, str) and not ctx.strict_types and re.fullmatch(r"\s*[0-9]{1,3}(\.[0-9]{3}){1,4}\s*", raw):
            value = int(raw.replace(".", ""))  # "1.234.567" as Vietnamese write it
        else:
            raise FieldError(_l("Must be a whole number."))
        lower = 0 if self.minimum is None else self.minimum
        upper = (MAX_VND if self.type == "money" else MAX_INT) if self.maximum is None else self.maximum
        if value < lower:
            raise FieldError(_l("Must be %(n)s or more.", n=lower))
        if value > upper:
            raise FieldError(_l("Must be %(n)s or less.", n=upper))
        return value

    _parse_money = _parse_int

    def _parse_decimal(self, raw: Any, ctx: ValidationContext) -> float:
        """A number (GPS coordinate) within bounds."""
        if isinstance(raw, bool):
            raise FieldError(_l("Must be a number."))
        try:
            value = float(raw)
        except (TypeError, ValueError, OverflowError):
            raise FieldError(_l("Must be a number.")) from None
        if value != value or (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise FieldError(_l("Out of range."))
        return value

    def _parse_date(self, raw: Any, ctx: ValidationContext) -> dt.date:
        """A date written YYYY-MM-DD, not in the future, not before 2000."""
        if not isinstance(raw, str):
            raise FieldError(_l("Must be a date (YYYY-MM-DD)."))
        value = iso_date(raw)
        if value is None:
            raise FieldError(_l("Must be a date (YYYY-MM-DD)."))
        if value > ctx.today:
            raise FieldError(_l("The date cannot be in the future."))
        if value < ctx.earliest:
            raise FieldError(_l("The date cannot be before %(d)s.", d=ctx.earliest.strftime("%d/%m/%Y")))
        return value

    def allowed(self, ctx: ValidationContext) -> set[str]:
        """The values a choice field accepts."""
        if self.source is None:
            return {value for value, _label in self.choices}
        return {value for value, _label in ctx.choices.get(self.source, [])}

    def _parse_choice(self, raw: Any, ctx: ValidationContext) -> Any:
        """One of the declared or configured values (ids come back as ints)."""
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            raise FieldError(_l("Choose one of the options."))
        if self.source in ("units", "villages"):
            return self._parse_reference(raw, ctx)
        value = str(raw).strip()
        if value not in self.allowed(ctx):
            raise FieldError(_l("Choose one of the options."))
        return value

    def _parse_reference(self, raw: Any, ctx: ValidationContext) -> int:
        """A unit or village id the person may use."""
        value = int_id(raw)
        if value is None:
            raise FieldError(_l("Choose one of the options."))
        if self.source == "units" and value not in ctx.unit_ids:
            raise FieldError(_l("You may not log activities for this unit."))
        if self.source == "villages" and value not in ctx.village_ids:
            raise FieldError(_l("This village is not in your commune."))
        return value

    def _parse_multi(self, raw: Any, ctx: ValidationContext) -> list[str]:
        """Several of the declared or configured values, without repeats, in a stable order."""
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise FieldError(_l("Choose from the options."))
        allowed = self.allowed(ctx)
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise FieldError(_l("Unknown option: %(v)s", v=", ".join(unknown)[:80]))
        return sorted(set(values))

    def blank_value(self) -> Any:
        """What an optional field holds when left empty."""
        if self.default is not None:
            return self.default
        if self.type == "multi":
            return []
        if self.type in ("text", "textarea"):
            return ""
        return None

    # ---- description ------------------------------------------------------------------------
    def schema(self) -> dict:
        """The JSON Schema (OpenAPI 3) of this field's value in ``data``."""
        description = str(self.label)
        if self.type in ("int", "money"):
            schema = {"type": "integer", "minimum": self.minimum or 0}
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        elif self.type == "decimal":
            schema = {"type": "number", "minimum": self.minimum, "maximum": self.maximum}
        elif self.type == "date":
            schema = {"type": "string", "format": "date"}
        elif self.type == "multi":
            schema = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
            if self.choices:
                schema["items"]["enum"] = [value for value, _ in self.choices]
        elif self.type == "choice" and self.source in ("units", "villages"):
            schema = {"type": "integer"}
            description += " (id from GET /api/v1/me)"
        elif self.type == "choice":
            schema = {"type": "string"}
            if self.choices:
                schema["enum"] = [value for value, _ in self.choices]
            elif self.source:
                description += f" (code of a configured {self.source[:-1]})"
        else:
            schema = {"type": "string", "maxLength": self.max_length}
        if not self.required and self.type in ("int", "money", "decimal", "date", "choice"):
            schema["nullable"] = True
        if self.api_note:
            description += f". {self.api_note}"
        if self.legacy:
            schema["deprecated"] = True
        schema["description"] = description
        return schema
