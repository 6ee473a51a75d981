"""Text that a spreadsheet would run as a formula (CSV injection), written as plain text instead.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets when a CSV is opened (OWASP "CSV injection"). Exports hold
text people typed (notes, names of units, villages, campaigns), so:

- in CSV such a value is written with a leading apostrophe (``'=1+2``), which every spreadsheet
  shows as the text ``=1+2``;
- in XLSX such a value is stored as a string cell (openpyxl would otherwise turn a leading ``=``
  into a live formula); the text itself is unchanged.
"""
from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(TRIGGERS)


def csv_value(value: Any) -> Any:
    """``value`` for a CSV cell: risky text gets a leading apostrophe, everything else is unchanged."""
    return "'" + value if risky(value) else value


def xlsx_text(cell: WriteOnlyCell) -> WriteOnlyCell:
    """Make ``cell`` a string cell when its value is risky text (never a formula)."""
    if risky(cell.value):
        cell.data_type = "s"
    return cell


def xlsx_value(sheet, value: Any) -> Any:
    """``value`` for ``sheet.append``: risky text becomes a string cell, the rest stays a plain value."""
    if risky(value):
        return xlsx_text(WriteOnlyCell(sheet, value=value))
    return value
