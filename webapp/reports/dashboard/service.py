"""The dashboard: totals of a chosen period from approved entries, targets, charts and what is pending."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp import page_memo
from webapp.inputs import int_id
from webapp.extensions import db
from webapp.kinds import get_kind
from webapp.plan import periods
from webapp.plan.targets import plan_for
from webapp.reports.dashboard import charts
from webapp.reports.rollup import ReportRollup, frame
from webapp.reports.totals import builders, distinct_values, labels, params, sensitive
from webapp.reports.totals.figures import figures_table
from webapp.reports.totals.progress import evaluate
from webapp.reports.totals.scope import ReportScope
from webapp.reports.totals.tables import ReportContext, with_share


@dataclass
class Selection:
    """The period and filters read from the URL (bad values are dropped with a message)."""

    window: periods.PeriodWindow
    year: int
    filters: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def query_args(self, scope: ReportScope) -> dict[str, Any]:
        """The URL arguments that name this selection (for export links)."""
        args = {"from": self.window.start.isoformat(), "to": self.window.end.isoformat()}
        if scope.commune is not None and len(scope.communes) > 1:
            args["commune"] = scope.commune.id
        return args


def default_year(scope: ReportScope) -> int:
    """The report year to open on: the current one if it has approved entries, else the recent year
    with the most of them (a demo or an archive opens where its figures are)."""
    owner = scope.period_owner_id
    today = dt.date.today()
    if owner is None:
        return today.year
    units = scope.unit_id_list()
    bounds = db.session.execute(sa.select(sa.func.min(ReportRollup.day), sa.func.max(ReportRollup.day)).where(
        ReportRollup.unit_id.in_(units), ReportRollup.status == "approved", ReportRollup.entries > 0)).one()
    current = periods.report_year_of(owner, today)
    if bounds[0] is None:
        return current
    first, last = periods.report_year_of(owner, bounds[0]), periods.report_year_of(owner, bounds[1])
    years = list(range(max(first, last - 9), last + 1))
    windows = [periods.annual_window(owner, year) for year in years]
    sums = [sa.func.coalesce(sa.func.sum(sa.case((sa.and_(ReportRollup.day >= w.start, ReportRollup.day <= w.end),
                                                  ReportRollup.entries), else_=0)), 0) for w in windows]
    found = db.session.execute(sa.select(*sums).where(
        ReportRollup.unit_id.in_(units), ReportRollup.status == "approved",
        ReportRollup.day >= min(w.start for w in windows), ReportRollup.day <= max(w.end for w in windows))).one()
    counts = {year: int(count or 0) for year, count in zip(years, found)}
    if counts.get(current):
        return current
    return max(counts, key=lambda year: (counts[year], year))


def read_selection(scope: ReportScope, args) -> Selection:
    """Period (a ``period`` key, moved to ``year`` when given, or ``from``/``to``) and filters; the
    default is the annual period of ``default_year``."""
    errors: list[str] = []
    owner = scope.period_owner_id
    window = None
    key = (args.get("period") or "").strip()
    year = args.get("year", "")
    year = int_id(year)
    year = year if year is not None and 2000 <= year <= 2100 else None
    if key and key != "custom":
        window = periods.resolve(owner, key) if owner else None
        if window is None:
            errors.append(_("Unknown period “%(key)s”.", key=key[:40]))
        elif year and year != window.year:
            window = periods.resolve(owner, window.key.replace(f"-{window.year}", f"-{year}", 1)) or window
    else:
        try:
            bounds = params.parse_window(args, required=False)
            if bounds:
                window = periods.match_window(owner, *bounds)
        except params.ParamError as exc:
            errors.append(exc.message)
    if window is None:
        year = year or default_year(scope)
        window = periods.annual_window(owner, year) if owner else periods.custom_window(
            dt.date(year, 1, 1), dt.date(year, 12, 31))
    filters: dict[str, Any] = {}
    for name, reader in (("kind", params.parse_kind), ("unit", lambda a: params.parse_int(a, "unit")),
                         ("village", lambda a: params.parse_int(a, "village"))):
        try:
            value = reader(args)
        except params.ParamError as exc:
            errors.append(exc.message)
            continue
        if value:
            filters[{"unit": "unit_id", "village": "village_id"}.get(name, name)] = value
    if args.get("campaign"):
        filters["campaign"] = args.get("campaign")[:64]
    return Selection(window=window, year=window.year, filters=filters, errors=errors)


def _pending(ctx: ReportContext) -> dict[str, Any]:
    """Entries of the period not yet approved (waiting for review, or returned), by kind."""
    waiting = ctx.totals(group_by=("kind",), statuses=("submitted",))
    returned = ctx.totals(group_by=("kind",), statuses=("returned",))
    rows = []
    for code in sorted(set(waiting.by("kind")) | set(returned.by("kind"))):
        kind = get_kind(code)
        rows.append({"label": str(kind.label) if kind else code,
                     "submitted": waiting.by("kind").get(code, {}).get("entries", 0),
                     "returned": returned.by("kind").get(code, {}).get("entries", 0)})
    return {"rows": rows, "submitted": waiting.totals["entries"], "returned": returned.totals["entries"]}


def build(scope: ReportScope, selection: Selection) -> dict[str, Any]:
    """Everything the dashboard shows, its totals summed from one read of the rollup (``rollup.frame``):
    the chosen period and the year before it, which last year's targets are measured over."""
    ctx = ReportContext(scope=scope, window=selection.window, filters=selection.filters)
    last_year_start = periods.PeriodWindow.shifted(selection.window, -1)[0]
    if not current_app.config.get("REPORT_FRAME", True):  # off: one query per total (the bench's baseline)
        return _build(ctx, scope, selection)
    with page_memo.remembering(), frame.preloaded(ctx.unit_ids, min(last_year_start, selection.window.start),
                                                  selection.window.end):
        return _build(ctx, scope, selection)


def _build(ctx: ReportContext, scope: ReportScope, selection: Selection) -> dict[str, Any]:
    """``build`` once the rollup frame is in place."""
    totals = with_share(ctx.totals().totals)
    by_kind = builders.summary_table(ctx)
    by_month = builders.dimension_table(ctx, "month")
    by_village = builders.dimension_table(ctx, "village")
    tables = [by_kind, builders.people_table(ctx), builders.dimension_table(ctx, "unit"), by_village, by_month,
              builders.dimension_table(ctx, "campaign")]
    if len(scope.selected_communes) > 1:
        tables.insert(1, builders.dimension_table(ctx, "commune"))
    owner = scope.owner
    plan = plan_for(owner.id, selection.window.year) if owner is not None else None
    results = evaluate(ctx, plan, selection.window)
    active = distinct_values(ctx.unit_ids, ctx.query(statuses=("submitted", "approved", "returned")), "unit")
    idle = [unit for unit in scope.units() if unit.id not in active]
    reached = sum(1 for row in by_village.rows if row["entries"])
    sensitive_tables = [found.table() for found in sensitive.all_figures(scope, selection.window, selection.filters)
                        if selection.filters.get("kind") in (None, found.kind.code)]
    extra = [figures_table(ctx, selection.window.year)] if selection.window.is_annual and scope.whole else []
    month_chart = charts.stacked_columns(
        _("Participants by month"),
        [(row["label"], row["participants_male"], row["participants_female"]) for row in by_month.rows],
        (_("Men"), _("Women")))
    kind_chart = charts.horizontal_bars(
        _("Activities by kind"), sorted(((row["label"], row["entries"]) for row in by_kind.rows if row["entries"]),
                                        key=lambda item: -item[1]))
    village_chart = charts.horizontal_bars(
        _("Activities by village"), [(row["label"], row["entries"]) for row in by_village.rows])
    return {"ctx": ctx, "totals": totals, "tables": tables, "by_kind": by_kind, "by_month": by_month,
            "by_village": by_village, "results": results, "idle": idle, "pending": _pending(ctx),
            "villages_reached": reached, "villages_total": len(by_village.rows), "plan": plan,
            "charts": {"month": month_chart, "kind": kind_chart, "village": village_chart},
            "sensitive_tables": sensitive_tables, "extra_tables": extra,
            "campaigns": labels.campaign_names(ctx.commune_ids),
            "windows": periods.windows_for_year(scope.period_owner_id, selection.year)
            if scope.period_owner_id else []}

