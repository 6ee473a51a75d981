"""The report's tables, filled from approved entries by the totals service (domain.md, "The report")."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from webapp.kinds import Field, Kind, all_kinds
from webapp.plan import periods
from webapp.reports.totals import labels, privacy
from webapp.reports.totals import queries as totals_service
from webapp.reports.totals.tables import Column, ReportContext, Table, count_columns, share, with_share, zero_counts
from webapp.reports.totals.queries import STATUSES
from webapp.reports.rollup.models import PEOPLE_COLUMNS


def group_field(kind: Kind) -> Field | None:
    """The field a kind's table is grouped by: its first single choice with declared options."""
    for fld in kind.fields:
        if fld.type == "choice" and fld.choices:
            return fld
    return None


def _kind_groups(ctx: ReportContext, kind: Kind, result) -> list[tuple[object, str]]:
    """(group value, label) of a kind's rows: every declared option, or the units with entries."""
    fld = group_field(kind)
    if fld is not None:
        groups = [(value, str(label)) for value, label in fld.choices]
        known = {value for value, _label in groups}
        groups += [(row[f"detail:{fld.name}"], row[f"detail:{fld.name}"] or _("Not stated"))
                   for row in result.rows if row[f"detail:{fld.name}"] not in known]
        return groups
    names = labels.unit_names([row["unit"] for row in result.rows])
    return sorted(((row["unit"], names.get(row["unit"], "")) for row in result.rows), key=lambda g: g[1])


def kind_table(ctx: ReportContext, kind: Kind) -> Table:
    """One kind's table: by its main option (or by unit), with the kind's report columns."""
    fld = group_field(kind)
    key = f"detail:{fld.name}" if fld is not None else "unit"
    report_columns = tuple(f"{kind.code}.{f.name}" for f in kind.report_columns)
    result = ctx.totals(group_by=(key,), kind=kind.code, columns=report_columns)
    sensitive = privacy.sensitive_columns()
    counts = count_columns() if kind.counts_participants else [Column("entries", _("Activities"))]
    columns = [Column("label", str(fld.label) if fld is not None else _("Unit"), "text"), *counts]
    columns += [Column(name, str(f.label), "money" if f.type == "money" else "int", name in sensitive)
                for name, f in zip(report_columns, kind.report_columns)]
    columns.append(Column("cost_vnd", _("Cost (VND)"), "money"))
    by_group = result.by(key)
    rows = []
    for value, label in _kind_groups(ctx, kind, result):
        counts = by_group.get(value) or zero_counts(report_columns)
        rows.append({"group": value, "label": label, **with_share(counts)})
    table = Table(code=f"kind-{kind.code}", title=str(kind.label), columns=columns, rows=rows,
                  total={"label": _("Total"), **with_share(result.totals)})
    for column in (c for c in columns if c.sensitive):
        _suppress(ctx, table, key, column.key)
    return table


def _suppress(ctx: ReportContext, table: Table, group_key: str, column: str) -> None:
    """Hide small counts of a victims column in ``table`` and remember the hidden entries."""
    groups = {row["group"]: int(row[column]) for row in table.rows}
    entries = [(entry_id, group, status == "approved", value) for entry_id, group, status, value in
               totals_service.entry_values(ctx.unit_ids, ctx.query(statuses=STATUSES), group_key, column)]
    hidden_groups, total_hidden, hidden_entries = privacy.suppress_column(groups, int(table.total[column]), entries)
    for row in table.rows:
        if row["group"] in hidden_groups:
            row[column] = privacy.marker()
    if total_hidden:
        table.total[column] = privacy.marker()
    ctx.hidden_entries.setdefault(column, set()).update(hidden_entries)


def summary_table(ctx: ReportContext, start: dt.date | None = None, end: dt.date | None = None,
                  code: str = "summary", title: str | None = None, only_active: bool = False) -> Table:
    """Activities, participants men / women / total, women's share and cost by kind."""
    result = ctx.totals(start, end, group_by=("kind",))
    by_kind = result.by("kind")
    rows = []
    for kind in all_kinds():
        if kind.sensitive:  # not in these totals: its own table (totals.sensitive) publishes it
            continue
        counts = by_kind.get(kind.code)
        if counts is None and only_active:
            continue
        row = {"group": kind.code, "label": str(kind.label), **with_share(counts or zero_counts())}
        if not kind.counts_participants:  # no counted audience: "—", never an invented headcount
            row.update(participants_male=None, participants_female=None, participants_total=None, women_share=None)
        rows.append(row)
    columns = [Column("label", _("Kind of activity"), "text"), *count_columns(detailed=True),
               Column("cost_vnd", _("Cost (VND)"), "money")]
    return Table(code=code, title=title or _("Activities by kind"), columns=columns, rows=rows,
                 total={"label": _("Total"), **with_share(result.totals)})


def people_table(ctx: ReportContext) -> Table:
    """Participants by sex, and of whom ethnic minority and under 16 by sex, for each kind with a counted audience.

    Entries from older clients that gave only a single "of whom" total count in the total column and in
    neither of the columns by sex, so a total may exceed men plus women (the table says so).
    """
    columns = tuple(f"*.{name}" for name in PEOPLE_COLUMNS)
    result = ctx.totals(group_by=("kind",), columns=columns)
    by_kind = result.by("kind")
    rows = []
    for kind in all_kinds():
        if kind.sensitive or not kind.counts_participants:
            continue
        rows.append({"group": kind.code, "label": str(kind.label),
                     **(by_kind.get(kind.code) or zero_counts(columns))})
    table_columns = [
        Column("label", _("Kind of activity"), "text"),
        Column("participants_male", _("Men (persons)")), Column("participants_female", _("Women (persons)")),
        Column("participants_total", _("Participants (total)")),
        Column("*.ethnic_minority_male", _("Ethnic minority: men")),
        Column("*.ethnic_minority_female", _("Ethnic minority: women")),
        Column("*.ethnic_minority", _("Ethnic minority: total")),
        Column("*.under_16_male", _("Under 16: boys")), Column("*.under_16_female", _("Under 16: girls")),
        Column("*.under_16", _("Under 16: total")),
    ]
    table = Table(code="people", title=_("Participants by sex"), columns=table_columns, rows=rows,
                  total={"label": _("Total"), **result.totals})
    unsplit = any(result.totals[f"*.{name}"] > result.totals[f"*.{name}_male"] + result.totals[f"*.{name}_female"]
                  for name in ("ethnic_minority", "under_16"))
    if unsplit:
        table.note = _("Some older entries gave only a total, not split by sex.")
    return table


def dimension_table(ctx: ReportContext, key: str) -> Table:
    """Totals by unit, village, month, campaign or commune; units and villages without entries listed."""
    result = ctx.totals(group_by=(key,))
    by_value = result.by(key)
    values = list(by_value)
    if key == "unit":
        values = [unit.id for unit in ctx.scope.units()] + [v for v in values if v not in
                                                             {u.id for u in ctx.scope.units()}]
    elif key == "village":
        known = [village.id for village in ctx.scope.villages()]
        values = known + [v for v in values if v not in known]
    elif key == "month":
        values = months_between(ctx.window.start, ctx.window.end)
    elif key == "commune":
        values = [commune.id for commune in ctx.scope.selected_communes]
    names = labels.group_labels(key, values, ctx.commune_ids)
    titles = {"unit": _("By unit"), "village": _("By village"), "month": _("By month"),
              "campaign": _("By campaign"), "commune": _("By commune")}
    heads = {"unit": _("Unit"), "village": _("Village"), "month": _("Month"), "campaign": _("Campaign"),
             "commune": _("Commune")}
    rows = [{"group": value, "label": names.get(value, str(value)), **with_share(by_value.get(value) or zero_counts())}
            for value in values]
    columns = [Column("label", heads[key], "text"), *count_columns(detailed=True),
               Column("cost_vnd", _("Cost (VND)"), "money")]
    return Table(code=f"by-{key}", title=titles[key], columns=columns, rows=rows,
                 total={"label": _("Total"), **with_share(result.totals)})


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """``YYYY-MM`` of every month the window touches."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def action_month_windows(ctx: ReportContext) -> list[periods.PeriodWindow]:
    """The action months (campaign periods) mostly inside the report window, cut to it.

    The 2023 annual report (15/12/2022 – 14/12/2023) holds June 2023 whole and 15/11 – 14/12/2023 of
    the November action month, but not the single day it shares with the 2022 action month.
    """
    return [cut for cut, _full in action_month_spans(ctx)]


def action_month_spans(ctx: ReportContext) -> list[tuple[periods.PeriodWindow, periods.PeriodWindow]]:
    """Each action month of ``action_month_windows`` as (cut to the report window, its real dates)."""
    owner = ctx.scope.period_owner_id
    found = []
    for year in sorted({ctx.window.start.year, ctx.window.end.year}):
        for window in periods.windows_for_year(owner, year):
            if window.type != "campaign":
                continue
            start, end = max(window.start, ctx.window.start), min(window.end, ctx.window.end)
            if end < start or 2 * ((end - start).days + 1) < (window.end - window.start).days + 1:
                continue
            found.append((periods.PeriodWindow(key=window.key, code=window.code, label=window.label, start=start,
                                               end=end, year=window.year, type=window.type,
                                               campaign_code=window.campaign_code), window))
    return found


def action_month_table(ctx: ReportContext, window: periods.PeriodWindow,
                       full: periods.PeriodWindow | None = None) -> Table:
    """One action month: activities by kind, and how many villages it reached.

    The title keeps the month's real dates (``full``); when the report window cuts it, the note says
    up to which day it is counted.
    """
    whole = full or window
    title = f"{window.label} ({whole.start:%d/%m/%Y} – {whole.end:%d/%m/%Y})"
    table = summary_table(ctx, window.start, window.end, code=f"action-{window.code}", title=title,
                          only_active=True)
    reached = totals_service.distinct_values(ctx.unit_ids, ctx.query(window.start, window.end), "village")
    villages = ctx.scope.villages()
    reached_known = len(reached & {v.id for v in villages})
    notes = []
    if (window.start, window.end) != (whole.start, whole.end):
        notes.append(_("Counted from %(start)s to %(end)s, within this report's period.",
                       start=f"{window.start:%d/%m/%Y}", end=f"{window.end:%d/%m/%Y}"))
    notes.append(_("Villages reached: %(reached)s of %(total)s.", reached=reached_known, total=len(villages)))
    table.note = " ".join(notes)
    return table


def funding_table(ctx: ReportContext) -> Table:
    """Activities and cost by funding source."""
    result = ctx.totals(group_by=("funding_source",))
    columns = [Column("label", _("Funding source"), "text"), Column("entries", _("Activities")),
               Column("cost_vnd", _("Cost (VND)"), "money"), Column("cost_share", _("Share of cost (%)"), "percent")]
    total_cost = result.totals["cost_vnd"]
    rows = [{"group": row["funding_source"], "label": labels.funding_label(row["funding_source"]),
             "entries": row["entries"], "cost_vnd": row["cost_vnd"], "cost_share": share(row["cost_vnd"], total_cost)}
            for row in result.rows]
    return Table(code="funding", title=_("Funding"), columns=columns, rows=rows,
                 total={"label": _("Total"), "entries": result.totals["entries"], "cost_vnd": total_cost,
                        "cost_share": 100.0 if total_cost else None})
