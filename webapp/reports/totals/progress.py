"""Targets of the plan against what approved entries (and the yearly figures) achieved."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webapp.plan import indicators, periods
from webapp.plan import targets as target_meta
from webapp.plan.models import PlanTarget, PlanYear
from webapp.reports.totals import privacy, sensitive
from webapp.reports.totals.figures import sibling_hidden
from webapp.reports.totals import queries as totals_service
from webapp.reports.totals.tables import Column, ReportContext, Table, share

STATUS_COLOURS = {"met": "green", "near": "amber", "far": "red", "none": "grey"}
# Metrics a target on a sensitive kind may have, and the published cell each reads (column: its own).
SENSITIVE_METRICS = {"entries": "entries", "participants": "participants_total", "women": "participants_female",
                     "women_share": None, "column": None}


@dataclass
class Measure:
    """A measured value; ``units_met``/``units_total`` when the target applies to each unit."""

    value: Any = None
    units_met: int | None = None
    units_total: int | None = None
    # What is shown instead of the value when it would reveal a small count of victims.
    hidden: privacy.Hidden | None = None
    # Nothing was recorded for the period at all (e.g. last year, before the app was used).
    no_data: bool = False

    @property
    def known(self) -> bool:
        """Whether there is a result to judge (not hidden, not missing)."""
        return self.hidden is None and not self.no_data and (self.value is not None or self.units_total is not None)

    def text(self, percent: bool) -> str:
        """How the result reads."""
        if self.hidden is not None:
            return str(self.hidden)
        if self.no_data:
            return _("no data yet")
        if self.units_total is not None:
            return _("%(met)s of %(total)s units", met=self.units_met, total=self.units_total)
        if self.value is None:
            return "—"
        return target_meta.number_text(self.value) + ("%" if percent else "")


@dataclass
class TargetResult:
    """One target's goal, result, last year's result and how far along it is."""

    target: PlanTarget
    label: str
    goal: str
    result: Measure
    last_year: Measure
    window: periods.PeriodWindow
    ratio: float | None
    status: str
    in_progress: bool

    @property
    def colour(self) -> str:
        """Red, amber or green for the progress bar (grey without data)."""
        return STATUS_COLOURS[self.status]

    @property
    def percent(self) -> int:
        """The bar's width, 0–100."""
        return max(0, min(100, round((self.ratio or 0) * 100)))

    @property
    def result_text(self) -> str:
        """The result as the report writes it."""
        return self.result.text(target_meta.is_percent(self.target))

    @property
    def last_year_text(self) -> str:
        """Last year's result over the same days."""
        return self.last_year.text(target_meta.is_percent(self.target))

    @property
    def assessment(self) -> str:
        """Met, not met, in progress or no data, as the report says it."""
        if self.result.hidden is not None:
            return _("Not assessed (figure withheld)")
        if self.status == "met":
            return _("Met")
        if self.status == "none":
            return _("No data")
        return _("In progress") if self.in_progress else _("Not met")


def _amber_from() -> float:
    """The share of a target from which the bar turns amber instead of red (a setting)."""
    return float(current_app.config.get("REPORT_AMBER_FROM", 0.7))


def target_window(owner_id: int, target: PlanTarget, year: int) -> periods.PeriodWindow | None:
    """The period a target is measured over (the annual period when none is named)."""
    if target.period_code:
        return periods.by_code(owner_id, target.period_code, year)
    return periods.annual_window(owner_id, year)


def _figures(ctx: ReportContext, year: int) -> dict[str, float]:
    """The yearly inputs of the commune, or summed over the province's communes."""
    if ctx.scope.commune is not None:
        return indicators.figures(ctx.scope.commune.id, year)
    return indicators.figures_summed(ctx.commune_ids, year)


def measure(ctx: ReportContext, target: PlanTarget, start: dt.date, end: dt.date, year: int) -> Measure:
    """The target's value between ``start`` and ``end`` (both included)."""
    if target.metric == "indicator":
        found = indicators.INDICATORS.get(target.indicator or "")
        values = _figures(ctx, year)
        if found is None:
            return Measure()
        siblings = sibling_hidden(ctx, year)
        small = [code for code in found.inputs if indicators.INPUTS[code].sensitive
                 and values.get(code) is not None and (values[code] < privacy.threshold() or code in siblings)]
        hidden = (privacy.marker() if found.unit == "count" else privacy.derived_marker()) if small else None
        return Measure(indicators.compute(found, values), hidden=hidden)
    kind = sensitive.target_kind(target)
    if kind is not None:
        return _sensitive_measure(ctx, target, kind, start, end)
    columns = (target.report_column,) if target.metric == "column" and target.report_column else ()
    query = dict(kind=target.kind, unit_id=target.unit_id, columns=columns)
    if target.metric == "villages_reached":
        reached = totals_service.distinct_values(ctx.unit_ids, ctx.query(start, end, **query), "village")
        villages = {village.id for village in ctx.scope.villages()}
        return Measure(share(len(reached & villages), len(villages)))
    if target.unit_type:
        units = [u for u in ctx.scope.units() if u.type == target.unit_type]
        if target.unit_id:
            parent = next((u for u in ctx.scope.units() if u.id == target.unit_id), None)
            units = [u for u in units if parent is not None and u.is_within(parent)]
        by_unit = ctx.totals(start, end, group_by=("unit",), kind=target.kind, columns=columns).by("unit")
        met = sum(1 for u in units if _compare(_metric_value(target, by_unit.get(u.id)), target))
        return Measure(met, units_met=met, units_total=len(units))
    return Measure(_metric_value(target, ctx.totals(start, end, **query).totals))


def _sensitive_measure(ctx: ReportContext, target: PlanTarget, kind, start: dt.date, end: dt.date) -> Measure:
    """A target on a sensitive kind: its published whole-year figure, else withheld (no verdict)."""
    window = periods.match_window(ctx.scope.period_owner_id, start, end)
    if target.unit_id or target.unit_type or target.metric not in SENSITIVE_METRICS:
        return Measure(hidden=privacy.derived_marker())
    found = sensitive.figures(ctx.scope, window, {}, kind)
    if not found.published:
        return Measure(hidden=privacy.derived_marker())
    cell = found.total or found.rows[0]
    if target.metric == "women_share":
        women, people = cell["participants_female"], cell["participants_total"]
        if isinstance(women, privacy.Hidden) or isinstance(people, privacy.Hidden):
            return Measure(hidden=privacy.derived_marker())
        return Measure(share(women, people) or 0.0)
    value = cell.get(SENSITIVE_METRICS[target.metric] or target.report_column or "")
    if value is None:
        return Measure(hidden=privacy.derived_marker())
    return Measure(hidden=value) if isinstance(value, privacy.Hidden) else Measure(value)


def _metric_value(target: PlanTarget, counts: dict | None) -> float:
    """The metric read from a row of counts (zero when the group logged nothing)."""
    counts = counts or {}
    if target.metric == "entries":
        return counts.get("entries", 0)
    if target.metric == "participants":
        return counts.get("participants_total", 0)
    if target.metric == "women":
        return counts.get("participants_female", 0)
    if target.metric == "women_share":
        return share(counts.get("participants_female", 0), counts.get("participants_total", 0)) or 0.0
    if target.metric == "column":
        return counts.get(target.report_column or "", 0)
    return 0


def _compare(value, target: PlanTarget) -> bool:
    """Whether ``value`` meets the target."""
    if value is None:
        return False
    return value >= target.value if target.comparison == ">=" else value <= target.value


def _ratio(result: Measure, target: PlanTarget) -> float | None:
    """How far along: 1.0 or more when met."""
    if result.units_total is not None:
        return result.units_met / result.units_total if result.units_total else None
    value = result.value
    if value is None:
        return None
    if target.comparison == ">=":
        return value / target.value if target.value else 1.0
    return target.value / value if value else 1.0


def evaluate(ctx: ReportContext, plan: PlanYear | None, chosen: periods.PeriodWindow) -> list[TargetResult]:
    """Every target of ``plan`` whose period overlaps ``chosen``, measured up to the end of ``chosen``."""
    if plan is None or ctx.scope.owner is None:
        return []
    base = ReportContext(scope=ctx.scope, window=chosen)
    whole = ctx.scope.whole
    in_scope = {unit.id for unit in ctx.scope.units()}
    results = []
    logged: dict[tuple[dt.date, dt.date], bool] = {}
    for target in plan.targets:
        if not whole and (target.metric == "indicator" or (not target.unit_type and target.unit_id not in in_scope)):
            continue
        window = target_window(ctx.scope.owner.id, target, plan.year)
        if window is None or window.end < chosen.start or window.start > chosen.end:
            continue
        end = min(window.end, chosen.end)
        result = measure(base, target, window.start, end, plan.year)
        last_start, last_end = periods.PeriodWindow.shifted(window, -1)
        last_end = min(last_end, periods.PeriodWindow.shifted(chosen, -1)[1])
        if target.metric != "indicator" and not _has_entries(base, last_start, last_end, logged):
            last = Measure(no_data=True)
        else:
            last = measure(base, target, last_start, last_end, plan.year - 1)
            if target.metric == "indicator" and last.value is None and last.hidden is None:
                last = Measure(no_data=True)
        results.append(_judge(target, window, end, result, last))
    return results


def _has_entries(ctx: ReportContext, start: dt.date, end: dt.date, seen: dict) -> bool:
    """Whether anything at all was approved in scope between ``start`` and ``end`` (asked once per span)."""
    if (start, end) not in seen:
        seen[(start, end)] = ctx.totals(start, end).totals["entries"] > 0
    return seen[(start, end)]


def _judge(target: PlanTarget, window, end: dt.date, result: Measure, last: Measure) -> TargetResult:
    """Colour and wording of one target's progress (none when the result is hidden or missing)."""
    ratio = _ratio(result, target) if result.known else None
    in_progress = end < window.end
    metric = target_meta.METRICS.get(target.metric)
    if ratio is None:
        status = "none"
    elif ratio >= 1.0 and (result.units_total is None or result.units_met == result.units_total):
        status = "met"
    else:
        score = ratio
        if in_progress and metric is not None and metric.cumulative:
            elapsed = ((end - window.start).days + 1) / ((window.end - window.start).days + 1)
            score = ratio / elapsed if elapsed else ratio
        status = "near" if score >= _amber_from() else "far"
    return TargetResult(target=target, label=target_meta.describe(target), goal=target_meta.goal_text(target),
                        result=result, last_year=last, window=window, ratio=ratio, status=status,
                        in_progress=in_progress)


def targets_table(results: list[TargetResult]) -> Table:
    """Target, result, same period last year, met or not (the report's targets table)."""
    columns = [Column("label", _("Target"), "text"), Column("period", _("Period"), "text"),
               Column("goal", _("Plan"), "text"), Column("result", _("Result"), "text"),
               Column("last_year", _("Same period last year"), "text"),
               Column("assessment", _("Assessment"), "text")]
    rows = []
    for item in results:
        rows.append({"group": item.target.id, "label": item.label, "period": item.window.label,
                     "goal": item.goal, "result": item.result_text, "last_year": item.last_year_text,
                     "assessment": item.assessment})
    return Table(code="targets", title=_("Targets"), columns=columns, rows=rows)

