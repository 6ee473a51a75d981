"""The tables of a report as plain data, drawn the same way on the dashboard, in DOCX and in XLSX."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask_babel import gettext as _

from webapp.i18n import format_number
from webapp.plan.periods import PeriodWindow
from webapp.reports.totals import queries as totals_service
from webapp.reports.totals.privacy import Hidden
from webapp.reports.totals.scope import ReportScope
from webapp.reports.totals.queries import MEASURES, Totals, TotalsQuery


@dataclass
class Column:
    """A column: ``type`` is text, int, money, percent, ratio or number; ``sensitive`` counts victims."""

    key: str
    label: str
    type: str = "int"
    sensitive: bool = False

    @property
    def numeric(self) -> bool:
        """Whether the cells are numbers (right-aligned, summed)."""
        return self.type != "text"


@dataclass
class Table:
    """A titled table: rows of cells by column key, and an optional total row."""

    code: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] | None = None
    note: str = ""

    @property
    def wide(self) -> bool:
        """More columns than a portrait A4 page holds comfortably."""
        return len(self.columns) > 5

    def value(self, row_label: str, key: str) -> Any:
        """The cell of the row whose first column reads ``row_label`` (tests and narratives)."""
        first = self.columns[0].key
        for row in self.rows:
            if str(row.get(first)) == row_label:
                return row.get(key)
        raise KeyError(row_label)


def format_cell(value: Any, column: Column) -> str:
    """A cell as a reader sees it: ``1.234``, ``68,2``, ``<5``."""
    if isinstance(value, Hidden):
        return str(value)
    if value is None:
        return "" if column.type == "text" else "—"
    if column.type in ("int", "money"):
        return format_number(value)
    if column.type in ("percent", "ratio"):
        return f"{value:.1f}".replace(".", ",")
    if column.type == "number":
        return format_number(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
    return str(value)


def percent_text(value: float | None) -> str:
    """``68,2%`` (``—`` without participants)."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` (None when the whole is zero)."""
    return part * 100.0 / whole if whole else None


def with_share(counts: dict[str, Any]) -> dict[str, Any]:
    """Counts plus the share of women among participants."""
    counts = dict(counts)
    counts["women_share"] = share(counts.get("participants_female", 0), counts.get("participants_total", 0))
    return counts


def zero_counts(columns: tuple[str, ...] = ()) -> dict[str, int]:
    """The counts of a group without entries."""
    return {name: 0 for name in (*MEASURES, *columns)}


def count_columns(detailed: bool = False) -> list[Column]:
    """Activities, participants (men and women when ``detailed``), women's share and cost."""
    columns = [Column("entries", _("Activities"))]
    if detailed:
        columns += [Column("participants_male", _("Men (persons)")), Column("participants_female", _("Women (persons)")),
                    Column("participants_total", _("Participants (total)"))]
    else:
        columns += [Column("participants_total", _("Participants (total)")),
                    Column("participants_female", _("Of whom women"))]
    return columns + [Column("women_share", _("Women (%)"), "percent")]


@dataclass
class ReportContext:
    """What one report or dashboard totals: a scope, a window and optional filters."""

    scope: ReportScope
    window: PeriodWindow
    filters: dict[str, Any] = field(default_factory=dict)
    hidden_entries: dict[str, set[int]] = field(default_factory=dict)

    @cached_property
    def unit_ids(self):
        """The scope's unit ids (a subquery)."""
        return self.scope.unit_ids

    @cached_property
    def commune_ids(self) -> list[int]:
        """Ids of the communes reported on."""
        return [commune.id for commune in self.scope.selected_communes]

    def query(self, start=None, end=None, **options) -> TotalsQuery:
        """A totals query over the window (or ``start``–``end``) with the context's filters."""
        params = {**self.filters, **options}
        return TotalsQuery(start=start or self.window.start, end=end or self.window.end, **params)

    def totals(self, start=None, end=None, **options) -> Totals:
        """Run the totals service for this context."""
        return totals_service.run(self.unit_ids, self.query(start, end, **options))
