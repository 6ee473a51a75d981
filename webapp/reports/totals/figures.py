"""The yearly figures of the national strategy as a table, violence counts suppressed below 5."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from webapp.plan import indicators
from webapp.reports.totals import privacy
from webapp.reports.totals.tables import Column, ReportContext, Table


def yearly_inputs(ctx: ReportContext, year: int) -> dict[str, float]:
    """The entered figures of the commune (summed over communes for a province)."""
    if ctx.scope.commune is not None:
        return indicators.figures(ctx.scope.commune.id, year)
    return indicators.figures_summed(ctx.commune_ids, year)


def _input_cell(code: str, values: dict[str, float]) -> Any:
    """An entered figure, hidden when it counts victims and is small."""
    value = values.get(code)
    if value is None:
        return None
    if indicators.INPUTS[code].sensitive and value < privacy.threshold():
        return privacy.marker()
    return value


def _indicator_cell(indicator: indicators.Indicator, values: dict[str, float]) -> Any:
    """A computed indicator, hidden when it would reveal a small victims count."""
    hidden = [code for code in indicator.inputs if isinstance(_input_cell(code, values), privacy.Hidden)]
    if hidden:
        return privacy.marker() if indicator.unit == "count" else privacy.derived_marker()
    return indicators.compute(indicator, values)


def figures_table(ctx: ReportContext, year: int) -> Table:
    """The year's strategy figures beside last year's, with the national targets."""
    this_year, last_year = yearly_inputs(ctx, year), yearly_inputs(ctx, year - 1)
    columns = [Column("label", _("Indicator"), "text"), Column("this_year", str(year), "number"),
               Column("last_year", str(year - 1), "number"), Column("national", _("National target"), "text")]
    rows = []
    for code, item in indicators.INPUTS.items():
        rows.append({"group": code, "label": str(item.label), "this_year": _input_cell(code, this_year),
                     "last_year": _input_cell(code, last_year), "national": ""})
    for code, item in indicators.INDICATORS.items():
        if item.inputs == (code,) or len(item.inputs) == 1:
            continue
        rows.append({"group": code, "label": str(item.label), "this_year": _indicator_cell(item, this_year),
                     "last_year": _indicator_cell(item, last_year), "national": str(item.national_target)})
    return Table(code="figures", title=_("Yearly figures of the national strategy"), columns=columns, rows=rows,
                 note=_("Counts of violence cases and victims below %(n)s are shown as “<%(n)s”.",
                        n=privacy.threshold()))
