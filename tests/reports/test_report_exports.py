"""The exports opened back: DOCX in the Decree 30 format, XLSX tables, CSV with a BOM; and who may export."""
import csv
import datetime as dt
import io

import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from tests import factories
from tests.reports.helpers import YEAR_2023, add_entry, bearer, docx_blocks, docx_tables, num, row_of
from webapp.auth.models import utcnow
from webapp.extensions import db
from webapp.plan.seed import seed_plan_2023
from webapp.reports.exports import jobs
from webapp.reports.models import ExportJob
from webapp.units.models import Unit


@pytest.fixture
def year(app, commune):
    """The demo plan and settings, and a few approved entries of 2023 (plus one not approved)."""
    with app.app_context():
        seed_plan_2023(db.session.get(Unit, commune))
        db.session.commit()
        add_entry("outreach", day=dt.date(2023, 3, 4), male=12, female=30, cost=500_000,
                  details={"format": "village_meeting"}, funding="commune_budget")
        add_entry("outreach", "chi-hoi-pn-thon-le-xa", "thon-le-xa", day=dt.date(2023, 11, 20), male=8, female=40,
                  cost=1_500_000, details={"format": "village_meeting"}, funding="national_programme")
        add_entry("training", "doan-tn-thanh-xa", "thon-binh-lao", day=dt.date(2023, 6, 9), male=20, female=25,
                  details={"course_name": "Lồng ghép giới", "days": 2, "trainee_group": "village_staff"})
        add_entry("outreach", day=dt.date(2023, 7, 1), status="submitted", male=500, female=500)


def test_docx_header_follows_decree_30(client, auth, year):
    """Issuing body top left in capitals, motto top right, number line, place and date in italics."""
    auth.login("tonghop")
    response = client.get("/reports/export.docx", query_string=YEAR_2023)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="bao-cao-binh-dang-gioi-xa-thanh-xa-nam-2023.docx"; '
        "filename*=UTF-8''bao-cao-binh-dang-gioi-xa-thanh-xa-nam-2023.docx")
    document, blocks = docx_blocks(response.data)
    header = blocks[0][1]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:2] == ["ỦY BAN NHÂN DÂN", "XÃ THANH XÁ"]
    assert any(p.text.startswith("Số:") and p.text.endswith("/BC-UBND") for p in left.paragraphs)
    texts = [p for p in right.paragraphs if p.text]
    assert texts[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and texts[0].runs[0].bold
    assert texts[1].text == "Độc lập - Tự do - Hạnh phúc" and texts[1].runs[0].bold
    assert texts[2].text == "Thanh Xá, ngày 14 tháng 12 năm 2023" and texts[2].runs[0].italic
    body = [block.text for kind, block in blocks if kind == "p"]
    assert "BÁO CÁO" in body
    assert "Kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2023" in body
    for heading in ("I. CÔNG TÁC CHỈ ĐẠO, BAN HÀNH VĂN BẢN", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ",
                    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in body


def test_docx_page_setup_fonts_and_signature(client, auth, year):
    """A4, the decree's margins, Times New Roman 13–14, section II landscape, the signature block."""
    auth.login("tonghop")
    document, blocks = docx_blocks(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    sections = document.sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    first = sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert (round(sections[1].page_width.mm), round(sections[1].page_height.mm)) == (297, 210)
    assert round(first.left_margin.mm) in range(30, 36) and round(first.right_margin.mm) in range(15, 21)
    assert round(first.top_margin.mm) in range(20, 26) and round(first.bottom_margin.mm) in range(20, 26)
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [run for _k, block in blocks if _k == "p" for run in block.runs if run.text.strip()]
    assert runs and all(run.font.name == "Times New Roman" for run in runs)
    assert {run.font.size for run in runs if run.text in ("BÁO CÁO",)} == {Pt(14)}
    signature = blocks[-2][1] if blocks[-1][0] == "p" else blocks[-1][1]
    left, right = signature.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:" and "- Lưu: VT, LĐTBXH." in [p.text for p in left.paragraphs]
    assert [p.text for p in right.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                            "Cao Văn Cường"]
    assert Mm(0) < first.left_margin


def test_tables_sit_in_the_landscape_section(client, auth, year):
    """Every data table comes after the landscape break and before the portrait one."""
    auth.login("tonghop")
    document, blocks = docx_blocks(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    body = document.element.body
    children = list(body.iterchildren())
    breaks = [i for i, child in enumerate(children) if child.tag.endswith("}p") and child.find(
        ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr") is not None]
    landscape_start, landscape_end = breaks[0], breaks[1]
    tables = [i for i, child in enumerate(children) if child.tag.endswith("}tbl")]
    data_tables = tables[1:-1]  # the first is the header layout, the last the signature layout
    assert data_tables and all(landscape_start < i < landscape_end for i in data_tables)


def test_docx_figures_come_from_approved_entries(client, auth, year):
    """Outreach by format, the summary by kind and funding: figures of approved entries only."""
    auth.login("tonghop")
    tables = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    outreach = row_of(tables["Tuyên truyền"], "Lồng ghép trong họp thôn")
    assert [num(v) for v in outreach[1:4]] == [2, 90, 70]
    summary = row_of(tables["Hoạt động theo loại"], "Tổng số")
    assert [num(v) for v in summary[1:5]] == [3, 40, 95, 135]
    assert num(summary[6]) == 2_000_000
    funding = tables["Kinh phí thực hiện"]
    assert num(row_of(funding, "Chương trình mục tiêu quốc gia")[2]) == 1_500_000
    targets = tables["Chỉ tiêu"]
    training = row_of(targets, "Số lớp tập huấn, bồi dưỡng về bình đẳng giới")
    assert training[2:] == ["≥ 2", "1", "chưa có số liệu", "Chưa đạt"]  # nothing was logged in 2022


def test_action_month_report_is_the_same_template_limited_to_its_days(client, auth, year):
    """15/11 – 15/12/2023: only the November outreach counts; the title names the action month."""
    auth.login("tonghop")
    response = client.get("/reports/export.docx", query_string={"from": "2023-11-15", "to": "2023-12-15"})
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="bao-cao-binh-dang-gioi-xa-thanh-xa-thang-hanh-dong-vi-binh-dang-gioi-2023.docx"')
    document, blocks = docx_blocks(response.data)
    body = [block.text for kind, block in blocks if kind == "p"]
    assert any(text.startswith("Kết quả thực hiện Tháng hành động vì bình đẳng giới") for text in body)
    summary = row_of(docx_tables(response.data)["Hoạt động theo loại"], "Tổng số")
    assert [num(v) for v in summary[1:5]] == [1, 8, 40, 48]


def test_xlsx_has_the_tables_one_sheet_each_and_all_entries(client, auth, year):
    """Bold frozen headers, number formats, the same figures, and a sheet of every entry of the period."""
    auth.login("tonghop")
    response = client.get("/reports/export.xlsx", query_string={**YEAR_2023, "status": "all"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert {"Hoạt động theo loại", "Tuyên truyền", "Tập huấn, bồi dưỡng", "Kinh phí thực hiện", "Chỉ tiêu",
            "Theo đơn vị", "Theo thôn", "Theo tháng", "Hoạt động"} <= set(workbook.sheetnames)
    sheet = workbook["Hoạt động theo loại"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    total = [row for row in sheet.iter_rows() if row[0].value == "Tổng số"][0]
    assert [cell.value for cell in total[1:5]] == [3, 40, 95, 135]
    assert total[1].number_format == "#,##0" and total[5].number_format == "0.0%"
    assert abs(total[5].value - 95 / 135) < 1e-9
    entries = workbook["Hoạt động"]
    assert entries.freeze_panes == "A2" and entries["A1"].font.bold
    assert entries.max_row == 1 + 4  # every entry of the period, the one waiting for review too
    statuses = sorted(row[2] for row in entries.iter_rows(min_row=2, values_only=True))
    assert statuses == ["Chờ duyệt", "Đã duyệt", "Đã duyệt", "Đã duyệt"]
    codes = sorted(row[2] for row in workbook["Hoạt động (mã, cho máy)"].iter_rows(min_row=2, values_only=True))
    assert codes == ["approved", "approved", "approved", "submitted"]


def test_csv_has_a_bom_and_every_field(client, auth, year):
    """UTF-8 with BOM; one row per entry of the period; common fields then kind fields as columns."""
    auth.login("tonghop")
    response = client.get("/reports/export.csv", query_string={**YEAR_2023, "codes": "1", "status": "all"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:8] == ["uuid", "kind", "status", "unit_id", "unit", "village_id", "village", "date"]
    assert {"participants_male", "participants_female", "participants_total", "cost_vnd", "outreach.format",
            "training.days", "inspection.violations_found", "support.recipients_female"} <= set(header)
    assert len(rows) == 1 + 4
    training = [row for row in rows[1:] if row[1] == "training"][0]
    record = dict(zip(header, training))
    assert record["unit"] == "Đoàn Thanh niên xã Thanh Xá" and record["training.days"] == "2"
    assert record["participants_total"] == "45" and record["date"] == "2023-06-09"


def test_field_staff_cannot_export(client, auth, year):
    """403 for field staff, in every format."""
    auth.login("canbo1")
    for fmt in ("docx", "xlsx", "csv"):
        assert client.get(f"/reports/export.{fmt}", query_string=YEAR_2023).status_code == 403


def test_supervisor_exports_only_their_units(client, auth, year):
    """The Women's Union supervisor: the Youth Union's training is not in her CSV or DOCX."""
    auth.login("duyet")
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/export.csv", query_string={**YEAR_2023, "codes": "1"})
                                           .data.decode("utf-8-sig"))))
    assert {row["kind"] for row in rows} == {"outreach"}
    tables = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    assert num(row_of(tables["Hoạt động theo loại"], "Tổng số")[1]) == 2


def test_bearer_token_exports_and_bad_parameters_get_json_errors(app, client, year):
    """A script with a token gets the file; a bad date gets a JSON 400; a bad token 401."""
    with app.app_context():
        headers = bearer("tonghop")
    assert client.get("/reports/export.xlsx", query_string=YEAR_2023, headers=headers).status_code == 200
    response = client.get("/reports/export.docx", query_string={"from": "2023-01-01"}, headers=headers)
    assert response.status_code == 400 and "“to”" in response.get_json()["error"]["message"]
    response = client.get("/reports/export.csv", query_string=YEAR_2023, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert client.get("/reports/export.csv", query_string=YEAR_2023).status_code == 302


def test_background_export_shows_progress_then_the_file(app, client, auth, year):
    """POST starts a job; its page and its JSON say how far; the download is the DOCX."""
    auth.login("tonghop")
    response = client.post("/reports/exports", data={"format": "docx", **YEAR_2023})
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        jobs.wait(job_id)  # what ``flask worker`` does, here
    page = client.get(f"/reports/exports/{job_id}").get_data(as_text=True)
    assert 'data-job-state="done"' in page
    progress = client.get(f"/api/v1/reports/exports/{job_id}").get_json()
    assert progress["status"] == "done" and progress["progress"] == 100
    download = client.get(progress["download_url"])
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "Tuyên truyền" in docx_tables(download.data)
    download.close()
    auth.logout()
    auth.login("duyet")
    assert client.get(f"/reports/exports/{job_id}").status_code == 404


def test_background_export_refuses_bad_input_before_starting(client, auth, year):
    """A wrong format or date is a 400 page; field staff get 403."""
    auth.login("tonghop")
    assert client.post("/reports/exports", data={"format": "pdf", **YEAR_2023}).status_code == 400
    assert client.post("/reports/exports", data={"format": "docx", "from": "2023-02-30", "to": "x"}).status_code == 400
    auth.logout()
    auth.login("canbo1")
    assert client.post("/reports/exports", data={"format": "docx", **YEAR_2023}).status_code == 403


def test_a_running_job_page_refreshes_itself_and_a_dead_one_fails(app, client, auth, year):
    """Polling with htmx (a meta refresh without JS) while running; shown failed after an hour."""
    with app.app_context():
        owner = factories.user("tonghop").id
        db.session.add(ExportJob(id="11111111-1111-4111-8111-111111111111", user_id=owner, format="docx",
                                 params={}, status="running", progress=40))
        db.session.add(ExportJob(id="22222222-2222-4222-8222-222222222222", user_id=owner, format="xlsx",
                                 params={}, status="running", progress=10,
                                 created_at=utcnow() - dt.timedelta(hours=2)))
        db.session.commit()
    auth.login("tonghop")
    page = client.get("/reports/exports/11111111-1111-4111-8111-111111111111").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page and 'http-equiv="refresh"' in page and 'value="40"' in page
    partial = client.get("/reports/exports/11111111-1111-4111-8111-111111111111", headers={"HX-Request": "true"})
    assert partial.get_data(as_text=True).lstrip().startswith('<div id="job-status"')
    stale = client.get("/reports/exports/22222222-2222-4222-8222-222222222222").get_data(as_text=True)
    assert 'data-job-state="failed"' in stale and "every 1s" not in stale
    assert client.get("/reports/exports/11111111-1111-4111-8111-111111111111/download").status_code == 404
