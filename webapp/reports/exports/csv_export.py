"""CSV of every entry of a period: UTF-8 with a BOM (so Excel shows Vietnamese), streamed in batches."""
from __future__ import annotations

import csv
import io
from typing import Iterator

from webapp.reports.exports.entry_rows import entry_columns, entry_rows
from webapp.reports.totals.tables import ReportContext

BOM = "\ufeff"
FLUSH_ROWS = 500


def stream_csv(ctx: ReportContext) -> Iterator[str]:
    """The CSV text piece by piece: BOM and header first, then rows as they come from the database."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in entry_columns()])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    count = 0
    for row in entry_rows(ctx):
        writer.writerow(["" if value is None else value for value in row])
        count += 1
        if count % FLUSH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
