"""Figures of sensitive kinds (support of victims of violence): see docs/architecture.md, "Privacy of
small counts".

Every other table, chart and total leaves sensitive kinds out (``TotalsQuery.sensitive`` is False), so
no difference of two published figures holds a sensitive entry. Their own figures are made here only:

- when the window is the annual report period (no custom dates, month, quarter, half-year or action
  month), for a whole commune or province (no unit, village or campaign filter, not a supervisor's
  part of a commune); otherwise a message says why nothing is shown;
- per commune, over that commune's own annual window (its settings, which a province cannot change);
- to a province role, a commune's figures only once the commune has closed a period covering that
  year, so they cannot move between two requests;
- every cell below the threshold hidden, then secondary suppression so that no published sum (men +
  women = total; communes = their total) has exactly one hidden cell. The hidden set is computed over
  all the communes the person sees whichever one is chosen, so one commune's view hides what the
  province's table hides.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.kinds import Kind, all_kinds
from webapp.periods.models import ClosedPeriod
from webapp.plan import periods
from webapp.reports.totals import privacy
from webapp.reports.totals import queries as totals_service
from webapp.reports.totals.scope import ReportScope
from webapp.reports.totals.tables import Column, Table

PEOPLE = ("participants_male", "participants_female", "participants_total")
TOTAL = "total"


def sensitive_kinds() -> list[Kind]:
    """Kinds with a sensitive field (today: support)."""
    return [kind for kind in all_kinds() if kind.sensitive]


def measures(kind: Kind) -> tuple[str, ...]:
    """The cells of a sensitive kind's row: activities, people, then each sensitive field."""
    return ("entries", *PEOPLE, *(f"{kind.code}.{f.name}" for f in kind.fields if f.sensitive))


def refusal(scope: ReportScope, window: periods.PeriodWindow, filters: dict[str, Any]) -> str | None:
    """Why sensitive figures are not published for this selection (None when they are)."""
    if not window.is_annual:
        return _("Figures on violence and the support of victims are published for the whole reporting "
                 "year only, not for a month, quarter, half-year, action month or dates chosen by hand.")
    narrowing = [name for name, value in filters.items() if value and name not in ("kind", "statuses")]
    if narrowing or not scope.whole:
        return _("Figures on violence and the support of victims are published for a whole commune or "
                 "province only, not by unit, village or campaign.")
    return None


def province_view(user) -> bool:
    """Whether the person sees communes only as a province does (no officer or admin role)."""
    return user.has_role("province_officer") and not user.has_role("officer", "admin")


def year_closed(commune_id: int, window: periods.PeriodWindow) -> bool:
    """Whether the commune has closed a period covering the whole window."""
    return db.session.scalar(sa.select(ClosedPeriod.id).where(
        ClosedPeriod.commune_id == commune_id, ClosedPeriod.closed.is_(True),
        ClosedPeriod.start_date <= window.start, ClosedPeriod.end_date >= window.end).limit(1)) is not None


@dataclass
class SensitiveFigures:
    """One sensitive kind's published cells per commune and in total, or why there are none."""

    kind: Kind
    year: int
    measures: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] | None = None
    message: str | None = None
    waiting: list[str] = field(default_factory=list)  # communes (names) that have not closed the year

    @property
    def published(self) -> bool:
        """Whether any figure is shown."""
        return self.message is None and bool(self.rows)

    def labels(self) -> dict[str, str]:
        """Column labels of the measures."""
        fields = {f"{self.kind.code}.{f.name}": str(f.label) for f in self.kind.fields}
        base = {"entries": _("Activities"), "participants_male": _("Men (persons)"),
                "participants_female": _("Women (persons)"), "participants_total": _("Participants (total)")}
        return {name: base.get(name) or fields[name] for name in self.measures}

    def table(self) -> Table:
        """The figures as a report table (dashboard, DOCX, XLSX)."""
        labels = self.labels()
        columns = [Column("label", _("Commune"), "text")] + [
            Column(name, labels[name], "int", sensitive=True) for name in self.measures]
        title = _("%(kind)s: whole reporting year %(year)s", kind=self.kind.label, year=self.year)
        notes = [self.message] if self.message else []
        if self.waiting:
            notes.append(_("Not yet published (the commune has not closed the year): %(names)s.",
                           names=", ".join(self.waiting)))
        notes.append(_("Counts below %(n)s are shown as “<%(n)s”.", n=privacy.threshold()))
        return Table(code=f"sensitive-{self.kind.code}", title=title, columns=columns,
                     rows=[dict(row) for row in self.rows],
                     total=dict(self.total) if self.total else None, note=" ".join(notes))

    def as_json(self) -> dict[str, Any]:
        """The figures for the totals API: hidden cells as the ``<5`` text."""
        def plain(row):
            return {key: str(value) if isinstance(value, privacy.Hidden) else value
                    for key, value in row.items() if key not in ("label", "group")}
        return {"kind": self.kind.code, "year": self.year, "published": self.published, "message": self.message,
                "rows": [plain(row) for row in self.rows], "totals": plain(self.total) if self.total else None}


def _counts(unit_ids, commune_id: int, kind: Kind, year: int) -> dict[str, int]:
    """A commune's approved figures of ``kind`` over its own annual window, within ``unit_ids``."""
    window = periods.annual_window(commune_id, year)
    columns = tuple(name for name in measures(kind) if "." in name)
    query = totals_service.TotalsQuery(start=window.start, end=window.end, kind=kind.code, columns=columns,
                                       commune_id=commune_id, sensitive=True)
    return dict(totals_service.run(unit_ids, query).totals)


def figures(scope: ReportScope, window: periods.PeriodWindow, filters: dict[str, Any], kind: Kind) -> SensitiveFigures:
    """The published figures of ``kind`` for this selection (see the module's rules)."""
    result = SensitiveFigures(kind=kind, year=window.year, measures=measures(kind))
    result.message = refusal(scope, window, filters)
    if result.message is not None:
        return result
    every = ReportScope(user=scope.user, communes=scope.communes, commune=None, province=scope.province)
    hide_open_years = province_view(scope.user)
    values: dict[tuple, int] = {}
    shown = []
    every_units = every.unit_id_list()  # read once, and a list the page's rollup frame can answer for
    for commune in scope.communes:
        if hide_open_years and not year_closed(commune.id, periods.annual_window(commune.id, window.year)):
            if scope.commune is None or scope.commune.id == commune.id:
                result.waiting.append(commune.name)
            continue
        counts = _counts(every_units, commune.id, kind, window.year)
        shown.append(commune)
        for name in result.measures:
            values[(commune.id, name)] = int(counts.get(name, 0))
    for name in result.measures:
        values[(TOTAL, name)] = sum(values[(commune.id, name)] for commune in shown)
    cells = [commune.id for commune in shown] + [TOTAL]
    sums = [[(cell, name) for cell in cells] for name in result.measures]
    sums += [[(cell, name) for name in PEOPLE] for cell in cells]
    hidden = privacy.suppress(values, list(values), sums)

    def row(cell, label):
        """The published row of one commune (or the total)."""
        published = {name: privacy.marker() if (cell, name) in hidden else values[(cell, name)]
                     for name in result.measures}
        return {"group": cell, "label": label, **({"commune": cell} if cell != TOTAL else {}), **published}

    chosen = [c for c in shown if scope.commune is None or c.id == scope.commune.id]
    result.rows = [row(commune.id, commune.name) for commune in chosen]
    if scope.commune is None and shown:
        result.total = row(TOTAL, _("Total"))
    return result


def all_figures(scope: ReportScope, window: periods.PeriodWindow, filters: dict[str, Any]) -> list[SensitiveFigures]:
    """The figures of every sensitive kind."""
    return [figures(scope, window, filters, kind) for kind in sensitive_kinds()]


def target_kind(target) -> Kind | None:
    """The sensitive kind a plan target measures (by its kind or its report column), if any."""
    codes = {kind.code: kind for kind in sensitive_kinds()}
    if target.kind in codes:
        return codes[target.kind]
    column = getattr(target, "report_column", None) or ""
    return codes.get(column.partition(".")[0])
