"""Helpers of the report tests: fast entries, files opened back, Vietnamese numbers read back."""
from __future__ import annotations

import datetime as dt
import io
import uuid as uuidlib
from typing import Any

import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from tests import factories
from webapp.auth.models import ApiToken
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.reports import rollup

YEAR_2023 = {"from": "2022-12-15", "to": "2023-12-14"}


def add_entry(kind: str = "outreach", unit_code: str = "chi-hoi-pn-thon-thanh-xa", village_code: str = "thon-thanh-xa",
              day: dt.date = dt.date(2023, 6, 12), status: str = "approved", male: int = 10, female: int = 20,
              cost: int = 0, details: dict | None = None, funding: str | None = None,
              campaign: str | None = None, author: str = "canbo1") -> Entry:
    """An entry written straight to the database (reports read the table, not the form)."""
    entry = Entry(uuid=str(uuidlib.uuid4()), kind=kind, status=status, unit_id=factories.unit(unit_code).id,
                  village_id=factories.village(village_code).id, date=day, topics=[], campaign=campaign,
                  participants_male=male, participants_female=female, cost_vnd=cost, funding_source=funding,
                  notes="", details=details if details is not None else dict(factories.KIND_DEFAULTS[kind]),
                  author_id=factories.user(author).id)
    db.session.add(entry)
    rollup.record([(None, rollup.snapshot(entry))])
    db.session.commit()
    return entry


def clear_entries() -> None:
    """Remove every entry (and its audit trail)."""
    db.session.execute(sa.delete(AuditEvent))
    db.session.execute(sa.delete(Entry))
    rollup.rebuild()
    db.session.commit()


def bearer(username: str) -> dict[str, str]:
    """An Authorization header with a fresh token of ``username``."""
    _row, secret = ApiToken.issue(factories.user(username), "script")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def num(text: Any) -> float | str:
    """``1.234`` → 1234, ``73,9`` → 73.9; ``<5`` stays text."""
    text = str(text).strip().replace("\u00a0", "")
    if text.startswith("<") or text in ("—", ""):
        return text
    return float(text.replace(".", "").replace(",", "."))


def docx_blocks(data: bytes):
    """The DOCX opened back: the document and its body as (kind, object) in order."""
    document = Document(io.BytesIO(data))
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            blocks.append(("p", Paragraph(child, document)))
        elif child.tag.endswith("}tbl"):
            blocks.append(("t", DocxTable(child, document)))
    return document, blocks


def docx_tables(data: bytes) -> dict[str, list[list[str]]]:
    """Every data table of the DOCX by the title paragraph just before it (cell texts)."""
    _document, blocks = docx_blocks(data)
    tables: dict[str, list[list[str]]] = {}
    title = None
    for kind, block in blocks:
        if kind == "p" and block.text.strip():
            title = block.text.strip()
        elif kind == "t" and title is not None:
            tables.setdefault(title, [[cell.text for cell in row.cells] for row in block.rows])
            title = None
    return tables


def xlsx_sheets(data: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet of the XLSX as rows of cell values."""
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def row_of(rows: list[list[Any]], label: str) -> list[Any]:
    """The row whose first cell is ``label``."""
    for row in rows:
        if row and str(row[0]) == label:
            return row
    raise KeyError(label)


def column(rows: list[list[Any]], header: str) -> int:
    """The index of a header in the first row."""
    return [str(cell) for cell in rows[0]].index(header)


def html_table(page: str, code: str) -> list[list[str]]:
    """A report table of a page (``data-table="code"``) as rows of cell texts, header first."""
    from lxml import html

    tree = html.fromstring(page)
    table = tree.xpath(f'//table[@data-table="{code}"]')
    assert table, f"no table {code}"
    return [[cell.text_content().strip() for cell in row.xpath("./th|./td")] for row in table[0].xpath(".//tr")]
