"""Saving the plan, its targets, the yearly figures and the report periods, after checks."""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.plan import indicators
from webapp.plan.models import PlanTarget, PlanYear, ReportPeriod
from webapp.plan.periods import PERIOD_TYPES

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}$")
TARGET_FIELDS = ("label", "metric", "kind", "unit_id", "unit_type", "report_column", "indicator", "comparison",
                 "value", "period_code")


def save_plan_document(plan: PlanYear, form) -> dict[str, str]:
    """Store the plan's title, document and basis; return errors (nothing stored when any)."""
    values = {name: (form.get(name) or "").replace("\r\n", "\n").strip() for name in ("title", "document", "basis")}
    errors = {name: _("At most %(n)s characters.", n=300) for name in ("title", "document") if len(values[name]) > 300}
    if len(values["basis"]) > 4000:
        errors["basis"] = _("At most %(n)s characters.", n=4000)
    if not errors:
        for name, value in values.items():
            setattr(plan, name, value)
    return errors


def apply_target(target: PlanTarget, clean: dict[str, Any]) -> None:
    """Copy checked target values onto a row."""
    for name in TARGET_FIELDS:
        setattr(target, name, clean.get(name))
    target.period_code = clean.get("period_code") or ""
    target.label = clean.get("label") or ""


def add_target(plan: PlanYear, clean: dict[str, Any]) -> PlanTarget:
    """A new target at the end of the plan."""
    position = max([t.position for t in plan.targets] + [0]) + 1
    target = PlanTarget(plan=plan, position=position, value=0.0, metric="entries")
    apply_target(target, clean)
    db.session.add(target)
    return target


def read_figures(form) -> tuple[dict[str, float | None], dict[str, str]]:
    """The yearly figures typed in: whole numbers of 0 or more, empty for "not known"."""
    values: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for code in indicators.INPUTS:
        raw = (form.get(code) or "").strip().replace(".", "").replace(" ", "")
        if raw == "":
            values[code] = None
        elif raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= 10**9:
            values[code] = float(int(raw))
        else:
            errors[code] = _("Give a whole number of 0 or more, or leave it empty.")
    pairs = (("key_leaders_women", "key_leaders_total"), ("residents_reached", "residents_total"),
             ("village_rules_reviewed", "village_rules_total"), ("village_rules_compliant", "village_rules_total"),
             ("victims_supported", "violence_victims"))
    for part, whole in pairs:
        if values.get(part) is not None and values.get(whole) is not None and values[part] > values[whole]:
            errors[part] = _("Cannot be more than “%(whole)s”.", whole=indicators.INPUTS[whole].label)
    return values, errors


def _int_in(form, name: str, low: int, high: int, errors: dict[str, str], required: bool) -> int | None:
    """A whole number between ``low`` and ``high``."""
    raw = (form.get(name) or "").strip()
    if raw == "":
        if required:
            errors[name] = _("Required.")
        return None
    digits = raw[1:] if raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18) or not low <= int(raw) <= high:
        errors[name] = _("Give a whole number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return int(raw)


def read_period(form, unit_id: int, existing: ReportPeriod | None, campaign_codes: set[str]) -> tuple[dict, dict]:
    """Check a report period form; return ``(clean, errors)``."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"name": (form.get("name") or "").strip()[:200]}
    if not clean["name"]:
        errors["name"] = _("Required.")
    if existing is None:
        code = (form.get("code") or "").strip().lower()
        if not _CODE.match(code):
            errors["code"] = _("Use lower-case letters, digits and hyphens (e.g. half-year).")
        elif db.session.scalar(sa.select(ReportPeriod.id).where(ReportPeriod.unit_id == unit_id,
                                                                ReportPeriod.code == code)):
            errors["code"] = _("Another period already has this code.")
        clean["code"] = code
    ptype = form.get("type", "")
    if ptype not in PERIOD_TYPES:
        errors["type"] = _("Choose one of the options.")
    clean["type"] = ptype
    needs_days = ptype == "range"
    clean["start_month"] = _int_in(form, "start_month", 1, 12, errors, needs_days)
    clean["start_day"] = _int_in(form, "start_day", 1, 31, errors, needs_days)
    clean["end_month"] = _int_in(form, "end_month", 1, 12, errors, needs_days)
    clean["end_day"] = _int_in(form, "end_day", 1, 31, errors, needs_days)
    clean["start_year_offset"] = _int_in(form, "start_year_offset", -1, 0, errors, False) or 0
    campaign = (form.get("campaign_code") or "").strip() or None
    if ptype == "campaign" and campaign not in campaign_codes:
        errors["campaign_code"] = _("Choose the campaign whose dates this period follows.")
    clean["campaign_code"] = campaign if ptype == "campaign" else None
    clean["is_annual"] = form.get("is_annual") == "1"
    clean["active"] = form.get("active") == "1"
    clean["position"] = _int_in(form, "position", 0, 999, errors, False) or 0
    if needs_days and not errors and clean["start_year_offset"] == 0 and \
            (clean["start_month"], clean["start_day"]) > (clean["end_month"], clean["end_day"]):
        errors["end_day"] = _("The period ends before it starts; start it in the previous year.")
    return clean, errors


def save_period(unit_id: int, row: ReportPeriod | None, clean: dict[str, Any]) -> ReportPeriod:
    """Store a period row; only one row is the annual period (the caller commits)."""
    if row is None:
        row = ReportPeriod(unit_id=unit_id)
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    if clean.get("is_annual"):
        db.session.flush()
        db.session.execute(sa.update(ReportPeriod).where(ReportPeriod.unit_id == unit_id, ReportPeriod.id != row.id)
                           .values(is_annual=False))
    return row
