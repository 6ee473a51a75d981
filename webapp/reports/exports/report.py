"""The periodic report as data: header, title, sections I–V with their tables, recipients, signature.

The DOCX and XLSX writers draw this same object, so every export shows the same figures.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

from flask_babel import gettext as _

from webapp.kinds import all_kinds
from webapp.plan.periods import PeriodWindow
from webapp.plan.targets import plan_for
from webapp.reports import services
from webapp.reports.totals import builders, sensitive
from webapp.reports.exports import narrative
from webapp.reports.totals.figures import figures_table
from webapp.reports.models import ReportSettings
from webapp.reports.totals.progress import TargetResult, evaluate, targets_table
from webapp.reports.totals.scope import ReportScope
from webapp.reports.totals.tables import ReportContext, Table
from webapp.reports.totals import distinct_values

# Which kinds go in which part of section II, in the order of domain.md; a kind added later and
# not listed here lands in "Other activities".
KIND_SECTIONS = (
    ("outreach", ("outreach", "contest")),
    ("training", ("training",)),
    ("action_months", ()),
    ("media", ("broadcast", "print_media", "online")),
    ("models", ("model_club", "support")),
    ("inspection", ("inspection",)),
    ("targets", ()),
    ("funding", ()),
    ("commendation", ("commendation",)),
)


@dataclass
class Block:
    """A paragraph, a sub-heading or a table of a section."""

    type: str
    text: str = ""
    table: Table | None = None


@dataclass
class Part:
    """A numbered section (I–V); ``landscape`` when it holds wide tables."""

    number: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False

    def paragraph(self, text: str) -> None:
        """Add a paragraph."""
        self.blocks.append(Block("paragraph", text))

    def heading(self, text: str) -> None:
        """Add a sub-heading."""
        self.blocks.append(Block("heading", text))

    def add_table(self, table: Table) -> None:
        """Add a table."""
        self.blocks.append(Block("table", table=table))


@dataclass
class Report:
    """Everything the report shows."""

    settings: ReportSettings
    window: PeriodWindow
    report_date: dt.date
    subtitle: str
    scope_note: str
    parts: list[Part]
    tables: list[Table]
    context: ReportContext
    targets: list[TargetResult]

    @property
    def date_line(self) -> str:
        """``Thanh Xá, ngày 04 tháng 12 năm 2023``: days and months with a leading zero."""
        day, month = self.report_date.strftime("%d"), self.report_date.strftime("%m")
        return _("%(place)s, %(day)s/%(month)s/%(year)s", place=self.settings.place_name, day=day, month=month,
                 year=self.report_date.year)

    @property
    def number_line(self) -> str:
        """``Số: 125/BC-UBND`` (blank number when not yet given)."""
        number = self.settings.report_number or "\u00a0" * 6
        return _("No.: %(number)s/%(suffix)s", number=number, suffix=self.settings.number_suffix)


def subtitle_for(window: PeriodWindow) -> str:
    """The title line under BÁO CÁO, naming the period."""
    if window.type == "campaign":
        return _("Results of the %(campaign)s", campaign=window.label)
    if window.is_annual:
        return _("Results of gender-equality work and the advancement of women in %(year)s", year=window.year)
    if window.type == "custom":
        start, end = window.start.strftime("%d/%m/%Y"), window.end.strftime("%d/%m/%Y")
        return _("Results of gender-equality work and the advancement of women from %(start)s to %(end)s",
                 start=start, end=end)
    return _("Results of gender-equality work and the advancement of women: %(period)s",
             period=narrative.lower_first(window.label))


def build_report(scope: ReportScope, window: PeriodWindow, report_date: dt.date | None = None,
                 progress: Callable[[int], None] | None = None, own_texts: bool = True) -> Report:
    """Total everything for ``window`` and draft the text (or use the officer's own, unless
    ``own_texts`` is False); ``progress`` hears 0–100."""
    step = progress or (lambda percent: None)
    ctx = ReportContext(scope=scope, window=window)
    owner = scope.owner
    settings = services.settings_for(owner or (scope.communes[0] if scope.communes else None))
    texts = services.texts_for(owner.id if owner else None, window.key) if own_texts else {}
    plan = plan_for(owner.id, window.year) if owner is not None else None
    summary = builders.summary_table(ctx)
    step(10)
    units = scope.units()
    active = distinct_values(ctx.unit_ids, ctx.query(), "unit")
    idle = [unit for unit in units if unit.id not in active]
    results = evaluate(ctx, plan, window)
    step(20)
    tables: list[Table] = [summary]
    part1 = Part("I", _("Direction and documents issued"))
    _fill(part1, texts.get("direction"), narrative.direction(plan, scope.label, len(units) - len(idle), len(units)))
    part2 = Part("II", _("Results"), landscape=True)
    part2.paragraph(narrative.results_intro(summary))
    part2.add_table(summary)
    people = builders.people_table(ctx)
    part2.add_table(people)
    tables.append(people)
    _results(ctx, part2, tables, results, step)
    part3 = Part("III", _("Assessment"))
    _fill(part3, texts.get("assessment"), narrative.assessment(results, summary, idle))
    part4 = Part("IV", _("Tasks for the next period"))
    months = [w.label for w in builders.action_month_windows(ctx)]
    _fill(part4, texts.get("next"), narrative.next_period(results, months))
    part5 = Part("V", _("Proposals and recommendations"))
    _fill(part5, texts.get("recommendations"), narrative.recommendations())
    note = "" if scope.whole else _("(Units covered: %(units)s)", units=scope.label)
    step(90)
    return Report(settings=settings, window=window, report_date=report_date or min(dt.date.today(), window.end),
                  subtitle=subtitle_for(window), scope_note=note, parts=[part1, part2, part3, part4, part5],
                  tables=tables, context=ctx, targets=results)


def _fill(part: Part, text: str | None, drafted: list[str]) -> None:
    """The officer's own text (paragraphs split at blank lines) or the drafted paragraphs."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()] if text else drafted
    for paragraph in paragraphs:
        if len(paragraph) <= 80 and re.match(r"^\d+\.\s", paragraph):
            part.heading(paragraph)  # "1. Ưu điểm": a numbered sub-heading
        else:
            part.paragraph(paragraph)


def _results(ctx: ReportContext, part: Part, tables: list[Table], results: list[TargetResult], step) -> None:
    """Section II's numbered parts, each with its sentence and table."""
    kinds = {kind.code: kind for kind in all_kinds()}
    listed = {code for _section, codes in KIND_SECTIONS for code in codes}
    sections = list(KIND_SECTIONS) + [("other", tuple(code for code in kinds if code not in listed))]
    titles = {"outreach": _("Outreach and communication"), "training": _("Training and capacity building"),
              "action_months": _("Action months"), "media": _("Broadcasts, banners and online"),
              "models": _("Models, clubs and support"), "inspection": _("Inspections"),
              "targets": _("Targets"), "funding": _("Funding"), "commendation": _("Commendations"),
              "other": _("Other activities")}
    number = 0
    for index, (code, kind_codes) in enumerate(sections):
        step(20 + int(60 * index / len(sections)))
        blocks: list[tuple[str, Table | None]] = []
        if code == "action_months":
            # the table's note says how many villages it reached: no sentence repeats it above
            blocks = [("", builders.action_month_table(ctx, cut, full))
                      for cut, full in builders.action_month_spans(ctx)]
        elif code == "targets":
            if results:
                blocks.append(("", targets_table(results)))
            if ctx.window.is_annual:
                blocks.append((_("Yearly figures entered by the commune."), figures_table(ctx, ctx.window.year)))
        elif code == "funding":
            funding = builders.funding_table(ctx)
            blocks.append(("", funding))
            blocks.append((narrative.funding_in_words(funding), None))
        else:
            for kind_code in kind_codes:
                if kind_code in kinds and kinds[kind_code].sensitive:
                    found = sensitive.figures(ctx.scope, ctx.window, ctx.filters, kinds[kind_code])
                    table = found.table()
                    blocks.append(("", table) if found.published else (f"{table.title}: {table.note}", None))
                elif kind_code in kinds:
                    table = builders.kind_table(ctx, kinds[kind_code])
                    blocks.append((narrative.kind_sentence(table, str(kinds[kind_code].label)), table))
        if not blocks:
            continue
        number += 1
        part.heading(f"{number}. {titles[code]}")
        for sentence, table in blocks:
            if sentence:
                part.paragraph(sentence)
            if table is not None:
                part.add_table(table)
                tables.append(table)
