"""The report's tables as an XLSX workbook (openpyxl): one sheet each, plus the entries of the period
(for people, with labels and local times; and again with codes, for machines).

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
from webapp.reports.exports.entry_rows import entry_columns, entry_rows, people_columns, people_rows
from webapp.reports.totals.privacy import Hidden
from webapp.reports.exports.report import Report
from webapp.reports.totals.tables import Table
from webapp.security.formulas import xlsx_text, xlsx_value

FORMATS = {"int": "#,##0", "money": "#,##0", "percent": "0.0%", "ratio": "0.0", "number": "#,##0.##",
           "decimal": "0.000000", "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}
SHEET_NAME_MAX = 31
BOLD = Font(name="Times New Roman", bold=True)
PLAIN = Font(name="Times New Roman")
_INVALID = re.compile(r"[\[\]:*?/\\]")


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary (a single long word is cut)."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else text[:limit]).rstrip(" ,;–-")


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\, not cut mid-word)."""
    base = re.sub(r"\s+", " ", _INVALID.sub(" ", title)).strip() or "Sheet"
    name, number = _shorten(base, SHEET_NAME_MAX), 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = _shorten(base, SHEET_NAME_MAX - len(suffix)) + suffix, number + 1
    used.add(name.lower())
    return name


def _cell(sheet, value, ctype: str, bold: bool = False) -> WriteOnlyCell:
    """A formatted write-only cell; percentages are stored as fractions."""
    if isinstance(value, Hidden):
        value = str(value)
    elif ctype == "percent" and isinstance(value, (int, float)):
        value = value / 100.0
    cell = xlsx_text(WriteOnlyCell(sheet, value=value))
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


def _write_entries(workbook: Workbook, report: Report, used: set[str], statuses: tuple[str, ...]) -> None:
    """The entries of the period, one row each, all fields: labels for people, then codes for machines."""
    columns = people_columns()
    sheet = workbook.create_sheet(sheet_title(_("Entries"), used))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.append([_cell(sheet, column.label, "text", bold=True) for column in columns])
    dated = {index for index, column in enumerate(columns) if column.type in ("date", "datetime")}
    for values in people_rows(report.context, statuses):
        # plain values (a styled cell each would make a year's sheet minutes slower), except dates,
        # which need their dd/mm/yyyy format; text that would run as a formula becomes a string cell
        sheet.append([_cell(sheet, value, columns[index].type) if index in dated and value is not None
                      else xlsx_value(sheet, value) for index, value in enumerate(values)])
    codes = workbook.create_sheet(sheet_title(_("Entries (codes, for machines)"), used))
    codes.freeze_panes = "A2"
    codes.append([column.name for column in entry_columns()])
    for values in entry_rows(report.context, statuses):
        codes.append([xlsx_value(codes, value) for value in values])


def build_xlsx(report: Report, progress: Callable[[int], None] | None = None,
               statuses: tuple[str, ...] = ("approved",)) -> bytes:
    """The workbook's bytes; the entry sheets list the entries with ``statuses`` (approved by default)."""
    step = progress or (lambda percent: None)
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    info = workbook.create_sheet(sheet_title(_("Report"), used))
    info.column_dimensions["A"].width = 90
    for line, bold in ((_("REPORT"), True), (report.subtitle, True), (report.scope_note, False),
                       (report.window.dates_label, False), (report.date_line, False),
                       (_("Entry sheets: approved entries only.") if tuple(statuses) == ("approved",)
                        else _("Entry sheets: entries of every status (not only approved)."), False)):
        if line:
            info.append([_cell(info, line, "text", bold=bold)])
    tables = list(report.tables)
    for key in ("unit", "village", "month", "campaign"):
        tables.append(dimension_table(report.context, key))
    for index, table in enumerate(tables):
        _write_table(workbook, table, used)
        step(90 + int(5 * index / max(1, len(tables))))
    _write_entries(workbook, report, used, statuses)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
