"""What a plan target measures, how it reads, and the checks on a target the officer types in."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.inputs import int_id
from webapp.i18n import format_number
from webapp.kinds import all_kinds, get_kind
from webapp.plan import indicators
from webapp.plan.models import PlanTarget, PlanYear
from webapp.units.models import Unit


@dataclass(frozen=True)
class Metric:
    """A way to measure a target; ``cumulative`` ones grow through the period (pace applies)."""

    code: str
    label: Any
    percent: bool = False
    cumulative: bool = True


METRICS: dict[str, Metric] = {m.code: m for m in (
    Metric("entries", _l("Number of activities")),
    Metric("participants", _l("Participants (attendances)")),
    Metric("women", _l("Women participants")),
    Metric("women_share", _l("Share of women among participants (%)"), percent=True, cumulative=False),
    Metric("villages_reached", _l("Villages reached (%)"), percent=True, cumulative=False),
    Metric("column", _l("Total of a count the activities give (e.g. broadcasts, banners)")),
    Metric("indicator", _l("National strategy indicator"), cumulative=False),
)}
UNIT_TYPES = ("branch", "organisation", "agency")
COMPARISONS = (">=", "<=")


def column_choices() -> list[tuple[str, str]]:
    """Every kind's report columns as ``kind.field`` with a label."""
    return [(f"{kind.code}.{f.name}", f"{kind.label}: {f.label}") for kind in all_kinds() for f in kind.report_columns]


def number_text(value: float | None) -> str:
    """``2``, ``60``, ``1.250``, ``95,5``: whole numbers without decimals."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return format_number(int(value))
    return f"{value:.1f}".replace(".", ",")


def is_percent(target: PlanTarget) -> bool:
    """Whether the target's value is a percentage."""
    if target.metric == "indicator":
        found = indicators.INDICATORS.get(target.indicator or "")
        return bool(found and found.unit == "percent")
    return METRICS.get(target.metric, METRICS["entries"]).percent


def goal_text(target: PlanTarget) -> str:
    """``≥ 2 per unit``, ``≥ 60%``, ``≤ 111``."""
    sign = "≥" if target.comparison == ">=" else "≤"
    text = f"{sign} {number_text(target.value)}{'%' if is_percent(target) else ''}"
    if target.unit_type:
        text += " " + _("for each unit")
    return text


def describe(target: PlanTarget) -> str:
    """The target's label: the officer's own words, else one made from what it measures."""
    if target.label:
        return target.label
    if target.metric == "indicator":
        found = indicators.INDICATORS.get(target.indicator or "")
        return str(found.label) if found else target.indicator or ""
    if target.metric == "column":
        return dict(column_choices()).get(target.report_column or "", target.report_column or "")
    parts = [str(METRICS[target.metric].label) if target.metric in METRICS else target.metric]
    kind = get_kind(target.kind or "")
    if kind is not None:
        parts.insert(0, f"{kind.label}:")
    if target.unit_id:
        unit = db.session.get(Unit, target.unit_id)
        if unit is not None:
            parts.append(f"({unit.name})")
    return " ".join(parts)


def validate(form: dict[str, str], unit_ids: set[int], period_codes: set[str]) -> tuple[dict, dict]:
    """Check a target form; return ``(clean, errors)`` with a message per field."""
    clean: dict[str, Any] = {"label": (form.get("label") or "").strip()[:300]}
    errors: dict[str, str] = {}
    metric = form.get("metric", "")
    if metric not in METRICS:
        errors["metric"] = _("Choose what the target measures.")
    clean["metric"] = metric
    kind = (form.get("kind") or "").strip() or None
    if kind is not None and get_kind(kind) is None:
        errors["kind"] = _("Unknown kind of activity: %(kind)s", kind=kind[:40])
    clean["kind"] = kind
    unit = (form.get("unit_id") or "").strip()
    clean["unit_id"] = int_id(unit)
    if unit and clean["unit_id"] not in unit_ids:
        errors["unit_id"] = _("Choose a unit of this commune.")
    unit_type = (form.get("unit_type") or "").strip() or None
    if unit_type is not None and unit_type not in UNIT_TYPES:
        errors["unit_type"] = _("Choose one of the options.")
    if unit_type is not None and metric not in ("entries", "participants", "women", "column"):
        errors["unit_type"] = _("“For each unit” only applies to counts of activities or participants.")
    clean["unit_type"] = unit_type
    column = (form.get("report_column") or "").strip() or None
    if metric == "column" and column not in dict(column_choices()):
        errors["report_column"] = _("Choose which count of the activities to add up.")
    clean["report_column"] = column if metric == "column" else None
    indicator = (form.get("indicator") or "").strip() or None
    if metric == "indicator" and indicator not in indicators.INDICATORS:
        errors["indicator"] = _("Choose the indicator.")
    clean["indicator"] = indicator if metric == "indicator" else None
    comparison = form.get("comparison", ">=")
    if comparison not in COMPARISONS:
        errors["comparison"] = _("Choose at least or at most.")
    clean["comparison"] = comparison
    raw = (form.get("value") or "").strip().replace(",", ".")
    try:
        clean["value"] = float(raw)
        if clean["value"] < 0 or clean["value"] > 1e12:
            raise ValueError(raw)
    except ValueError:
        errors["value"] = _("Give the target as a number of 0 or more, e.g. 2 or 60.")
    if "value" not in errors and METRICS.get(metric) and METRICS[metric].percent and clean["value"] > 100:
        errors["value"] = _("A percentage cannot be above 100.")
    period = (form.get("period_code") or "").strip()
    if period and period not in period_codes:
        errors["period_code"] = _("Choose one of the report periods.")
    clean["period_code"] = period
    return clean, errors


def plan_for(unit_id: int, year: int, create: bool = False) -> PlanYear | None:
    """The plan of a commune (or province) for a year; created empty when asked."""
    plan = db.session.scalar(sa.select(PlanYear).where(PlanYear.unit_id == unit_id, PlanYear.year == year))
    if plan is None and create:
        plan = PlanYear(unit_id=unit_id, year=year)
        db.session.add(plan)
        db.session.flush()
    return plan
