"""Cross-field rules as data: the server's validator and the phone's ``static/js/form-rules.js`` read the same.

A rule is a small declarative object: which fields it looks at, what it checks, and the message shown next
to its field. ``Rule.check`` applies it to validated values on the server; ``Rule.describe`` gives the JSON the
entry form embeds (``#form-rules``), with the message in the page's language, so the browser refuses the same
input with the same words before saving, offline. Messages keep their ``%(n)s`` placeholders for the client.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

SHARE_MESSAGE = _l("Cannot be more than the %(n)s participants.")
TOTAL_MESSAGE = _l("Must equal men plus women (%(n)s).")
END_MESSAGE = _l("The end date cannot be before the date.")
SOURCE_MESSAGE = _l("A cost above 0 needs a funding source.")
NO_COST_MESSAGE = _l("“No cost” needs a cost of 0.")
FUTURE_MESSAGE = _l("The date cannot be in the future.")


def _number(value: Any) -> int:
    """A validated count, with blank as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class Rule:
    """One check across fields; ``code`` names what it checks (the client has one function per code)."""

    code: str
    field: str
    of: tuple[str, ...] = ()

    def check(self, clean: dict, errors: dict) -> None:
        """Add this rule's message to ``errors[field]`` when ``clean`` breaks it (a field in error is skipped)."""
        if self.field in errors or any(name in errors for name in self.of):
            return
        message = self.problem(clean)
        if message is not None:
            errors[self.field] = message

    def problem(self, clean: dict):
        """The message when ``clean`` breaks the rule, else None."""
        value = clean.get(self.field)
        if self.code == "share_of":
            total = sum(_number(clean.get(name)) for name in self.of)
            if value is not None and value > total:
                return _l("Cannot be more than the %(n)s participants.", n=total)
        elif self.code == "total_of":
            parts = [clean.get(name) for name in self.of]
            if value is not None and any(p is not None for p in parts):
                total = sum(_number(p) for p in parts)
                if value != total:
                    return _l("Must equal men plus women (%(n)s).", n=total)
        elif self.code == "end_not_before_start":
            start = clean.get(self.of[0])
            if value is not None and start is not None and value < start:
                return END_MESSAGE
        elif self.code == "cost_needs_source":
            cost = _number(clean.get(self.of[0]))
            if cost > 0 and not value:
                return SOURCE_MESSAGE
            if cost > 0 and value == "none":
                return NO_COST_MESSAGE
        elif self.code == "not_after_today":
            return None  # checked while parsing the date (it needs the commune's today)
        return None

    def describe(self) -> dict:
        """The rule for the browser: code, fields and the message (template) in the current language."""
        messages = {
            "share_of": SHARE_MESSAGE, "total_of": TOTAL_MESSAGE, "end_not_before_start": END_MESSAGE,
            "not_after_today": FUTURE_MESSAGE,
        }
        described = {"rule": self.code, "field": self.field, "of": list(self.of)}
        if self.code == "cost_needs_source":
            described["messages"] = {"missing": str(SOURCE_MESSAGE), "none": str(NO_COST_MESSAGE)}
        else:
            described["message"] = str(messages[self.code])  # untouched placeholders: no variables given
        return described


def share_of(field: str, of: tuple[str, ...] | list[str]) -> Rule:
    """``field`` (an "of whom" count) is at most the sum of ``of``."""
    return Rule("share_of", field, tuple(of))


def total_of(field: str, of: tuple[str, ...] | list[str]) -> Rule:
    """``field`` (an older client's single count), when sent with its parts, equals their sum."""
    return Rule("total_of", field, tuple(of))


def end_not_before_start(end: str = "end_date", start: str = "date") -> Rule:
    """An end date is not before the start date."""
    return Rule("end_not_before_start", end, (start,))


def cost_needs_source(source: str = "funding_source", cost: str = "cost_vnd") -> Rule:
    """A cost above 0 names a funding source other than "no cost"."""
    return Rule("cost_needs_source", source, (cost,))


def not_after_today(field: str) -> Rule:
    """A date not after the commune's today (the server checks it while parsing the date)."""
    return Rule("not_after_today", field)
