"""CSV of the entries of a period: UTF-8 with a BOM (so Excel shows Vietnamese), streamed in batches.

For people by default (Vietnamese headers and labels, dd/mm/yyyy, local times); ``codes`` gives the
machines' columns (codes, ISO dates, times with their UTC offset).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Iterator

from webapp.reports.exports.entry_rows import entry_columns, entry_rows, people_columns, people_rows
from webapp.reports.totals.tables import ReportContext
from webapp.security.formulas import csv_value

BOM = "\ufeff"
FLUSH_ROWS = 500


def _people_text(value: Any) -> Any:
    """A people's cell as text: ``12/06/2023``, ``12/06/2023 09:30``."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def stream_csv(ctx: ReportContext, statuses: tuple[str, ...] = ("approved",), codes: bool = False) -> Iterator[str]:
    """The CSV text piece by piece: BOM and header first, then rows as they come from the database."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if codes:
        header, rows = [column.name for column in entry_columns()], entry_rows(ctx, statuses)
    else:
        header, rows = [column.label for column in people_columns()], people_rows(ctx, statuses)
    writer.writerow([csv_value(name) for name in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    count = 0
    for row in rows:
        writer.writerow(["" if value is None else csv_value(_people_text(value)) for value in row])
        count += 1
        if count % FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
