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


def sibling_hidden(ctx: ReportContext, year: int) -> set[str]:
    """Sensitive inputs hidden by secondary suppression across the communes the person sees.

    A province sees each commune and their sum: when one commune's count is below the threshold,
    the sum minus the others would give it, so another commune's cell (or the sum) is hidden too; a
    commune chosen in the province's view hides what the province's table hides.
    """
    communes = ctx.scope.communes
    if len(communes) < 2:
        return set()
    chosen = ctx.scope.commune.id if ctx.scope.commune is not None else "total"
    hidden_codes = set()
    for code, item in indicators.INPUTS.items():
        if not item.sensitive:
            continue
        values = {commune.id: indicators.figures(commune.id, year).get(code) for commune in communes}
        counted = {key: value for key, value in values.items() if value is not None}
        if not counted:
            continue
        cells = {**counted, "total": sum(counted.values())}
        hidden = privacy.suppress(cells, list(cells), [list(cells)])
        if chosen in hidden:
            hidden_codes.add(code)
    return hidden_codes


def _input_cell(code: str, values: dict[str, float], hidden: set[str] = frozenset()) -> Any:
    """An entered figure, hidden when it counts victims and is small (or hidden with its siblings)."""
    value = values.get(code)
    if value is None:
        return None
    if indicators.INPUTS[code].sensitive and (value < privacy.threshold() or code in hidden):
        return privacy.marker()
    return value


def _indicator_cell(indicator: indicators.Indicator, values: dict[str, float], hidden: set[str] = frozenset()) -> Any:
    """A computed indicator, hidden when it would reveal a small victims count."""
    if any(isinstance(_input_cell(code, values, hidden), privacy.Hidden) for code in indicator.inputs):
        return privacy.marker() if indicator.unit == "count" else privacy.derived_marker()
    return indicators.compute(indicator, values)


def figures_table(ctx: ReportContext, year: int) -> Table:
    """The year's strategy figures beside last year's, with the national targets."""
    this_year, last_year = yearly_inputs(ctx, year), yearly_inputs(ctx, year - 1)
    hidden_now, hidden_before = sibling_hidden(ctx, year), sibling_hidden(ctx, year - 1)
    columns = [Column("label", _("Indicator"), "text"), Column("this_year", str(year), "number"),
               Column("last_year", str(year - 1), "number"), Column("national", _("National target"), "text")]
    rows = []
    for code, item in indicators.INPUTS.items():
        rows.append({"group": code, "label": str(item.label), "this_year": _input_cell(code, this_year, hidden_now),
                     "last_year": _input_cell(code, last_year, hidden_before), "national": ""})
    for code, item in indicators.INDICATORS.items():
        if item.inputs == (code,) or len(item.inputs) == 1:
            continue
        rows.append({"group": code, "label": str(item.label),
                     "this_year": _indicator_cell(item, this_year, hidden_now),
                     "last_year": _indicator_cell(item, last_year, hidden_before),
                     "national": str(item.national_target)})
    return Table(code="figures", title=_("Yearly figures of the national strategy"), columns=columns, rows=rows,
                 note=_("Counts of violence cases and victims below %(n)s are shown as “<%(n)s”.",
                        n=privacy.threshold()))
