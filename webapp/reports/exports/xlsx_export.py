"""The report's tables as an XLSX workbook (openpyxl): one sheet each, plus every entry of the period.

Headers are bold and frozen; counts carry ``#,##0``, shares ``0.0%``; hidden cells read "<5".
Written in openpyxl's write-only mode, so a year of entries does not sit in memory twice.
"""
from __future__ import annotations

import io
import re
from typing import Callable

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from webapp.reports.totals.builders import dimension_table
from webapp.reports.exports.entry_rows import entry_columns, entry_rows
from webapp.reports.totals.privacy import Hidden
from webapp.reports.exports.report import Report
from webapp.reports.totals.tables import Table

FORMATS = {"int": "#,##0", "money": "#,##0", "percent": "0.0%", "ratio": "0.0", "number": "#,##0.##",
           "decimal": "0.000000", "date": "yyyy-mm-dd"}
BOLD = Font(name="Times New Roman", bold=True)
PLAIN = Font(name="Times New Roman")
_INVALID = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = _INVALID.sub(" ", title).strip()[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def _cell(sheet, value, ctype: str, bold: bool = False) -> WriteOnlyCell:
    """A formatted write-only cell; percentages are stored as fractions."""
    if isinstance(value, Hidden):
        value = str(value)
    elif ctype == "percent" and isinstance(value, (int, float)):
        value = value / 100.0
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = BOLD if bold else PLAIN
    if ctype in FORMATS and not isinstance(value, str):
        cell.number_format = FORMATS[ctype]
    if ctype != "text" and isinstance(value, str):
        cell.alignment = Alignment(horizontal="right")
    return cell


def _write_table(workbook: Workbook, table: Table, used: set[str]) -> None:
    """One table on its own sheet: bold frozen header, a bold total row, the note under it."""
    sheet = workbook.create_sheet(sheet_title(table.title, used))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 44 if index == 1 else 16
    sheet.append([_cell(sheet, column.label, "text", bold=True) for column in table.columns])
    for row in table.rows:
        sheet.append([_cell(sheet, row.get(column.key), column.type) for column in table.columns])
    if table.total:
        sheet.append([_cell(sheet, table.total.get(column.key), column.type, bold=True) for column in table.columns])
    if table.note:
        sheet.append([])
        sheet.append([_cell(sheet, table.note, "text")])


def _write_entries(workbook: Workbook, report: Report, used: set[str]) -> None:
    """Every entry of the period, one row each, all fields (a bold, frozen header)."""
    columns = entry_columns()
    sheet = workbook.create_sheet(sheet_title(_("Entries"), used))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.append([_cell(sheet, column.label, "text", bold=True) for column in columns])
    for values in entry_rows(report.context):
        sheet.append(values)  # plain values: a styled cell each would make a year's sheet minutes slower


def build_xlsx(report: Report, progress: Callable[[int], None] | None = None) -> bytes:
    """The workbook's bytes."""
    step = progress or (lambda percent: None)
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    info = workbook.create_sheet(sheet_title(_("Report"), used))
    info.column_dimensions["A"].width = 90
    for line, bold in ((_("REPORT"), True), (report.subtitle, True), (report.scope_note, False),
                       (report.window.dates_label, False), (report.date_line, False)):
        if line:
            info.append([_cell(info, line, "text", bold=bold)])
    tables = list(report.tables)
    for key in ("unit", "village", "month", "campaign"):
        tables.append(dimension_table(report.context, key))
    for index, table in enumerate(tables):
        _write_table(workbook, table, used)
        step(90 + int(5 * index / max(1, len(tables))))
    _write_entries(workbook, report, used)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
