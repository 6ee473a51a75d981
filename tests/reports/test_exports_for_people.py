"""Exports an officer can hand in: labels instead of codes, local times, statuses, file names,
amounts in words, action months with their real dates, and verdicts only where there is a result."""
import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.reports.helpers import YEAR_2023, add_entry, docx_blocks, docx_tables, row_of
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.plan.seed import seed_plan_2023
from webapp.reports.exports.amount_words import amount_words, number_words
from webapp.reports.exports.xlsx_export import sheet_title
from webapp.units.models import Unit


@pytest.fixture
def year(app, commune):
    """The demo plan and three 2023 entries: approved (with GPS and a known creation time), submitted, returned."""
    with app.app_context():
        seed_plan_2023(db.session.get(Unit, commune))
        db.session.commit()
        approved = add_entry("outreach", day=dt.date(2023, 3, 4), male=12, female=30, cost=1_250_000,
                             details={"format": "village_meeting"}, funding="commune_budget")
        add_entry("training", "doan-tn-thanh-xa", "thon-binh-lao", day=dt.date(2023, 6, 9), status="submitted",
                  details={"course_name": "Lồng ghép giới", "days": 2, "trainee_group": "village_staff"})
        add_entry("outreach", day=dt.date(2023, 11, 20), status="returned", male=1, female=1)
        row = db.session.get(Entry, approved.id)
        row.latitude, row.longitude = 20.854321, 106.412345
        row.created_at = dt.datetime(2023, 3, 4, 23, 30)  # UTC: 06:30 on 5 March in Hà Nội
        db.session.commit()


def _csv(client, **extra) -> list[dict[str, str]]:
    """The CSV of 2023 opened back as dicts."""
    response = client.get("/reports/export.csv", query_string={**YEAR_2023, **extra})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize(("amount", "words"), [
    (0, "không"),
    (1_000, "một nghìn"),
    (15, "mười lăm"),
    (105, "một trăm linh năm"),
    (124, "một trăm hai mươi tư"),
    (1_250_000, "một triệu hai trăm năm mươi nghìn"),
    (21_005_000, "hai mươi mốt triệu không trăm linh năm nghìn"),
    (310_000, "ba trăm mười nghìn"),
    (2_024, "hai nghìn không trăm hai mươi tư"),
    (1_000_000_000, "một tỷ"),
    (5_000_014_000, "năm tỷ không trăm mười bốn nghìn"),
    (1_000_000_000_005, "một nghìn tỷ không trăm linh năm"),
])
def test_amounts_in_words(amount, words):
    """Vietnamese rules: linh, mười/mươi, mốt, tư, lăm; inner groups say their hundreds."""
    assert number_words(amount) == words


def test_amount_words_is_a_sentence_in_dong():
    """Capitalised and in đồng, as "Bằng chữ" writes it."""
    assert amount_words(149_300_000) == "Một trăm bốn mươi chín triệu ba trăm nghìn đồng"


def test_csv_for_people_has_labels_local_times_and_approved_entries_only(client, auth, year):
    """Vietnamese headers and labels, dd/mm/yyyy, Asia/Ho_Chi_Minh times, GPS, approved only by default."""
    auth.login("tonghop")
    rows = _csv(client)
    assert len(rows) == 1
    row = rows[0]
    assert row["Loại hoạt động"] == "Tuyên truyền" and row["Trạng thái"] == "Đã duyệt"
    assert row["Đơn vị"] == "Chi hội Phụ nữ thôn Thanh Xá" and row["Thôn"] == "Thôn Thanh Xá"
    assert row["Ngày"] == "04/03/2023" and row["Nguồn kinh phí"] == "Ngân sách xã"
    assert row["Tuyên truyền: Hình thức"] == "Lồng ghép trong họp thôn"
    assert row["Thời điểm tạo"] == "05/03/2023 06:30"
    assert row["Vĩ độ"] == "20.854321" and row["Kinh độ"] == "106.412345"
    assert row["Tổng số lượt người tham dự"] == "42" and row["Kinh phí (đồng)"] == "1250000"
    assert "unit_id" not in row and "kind" not in row


def test_csv_status_all_and_codes(client, auth, year):
    """``status=all`` lists every status; ``codes=1`` keeps the codes for machines."""
    auth.login("tonghop")
    everything = _csv(client, status="all")
    assert sorted(row["Trạng thái"] for row in everything) == ["Chờ duyệt", "Trả lại", "Đã duyệt"]
    coded = _csv(client, status="all", codes="1")
    assert sorted(row["status"] for row in coded) == ["approved", "returned", "submitted"]
    approved = [row for row in coded if row["status"] == "approved"][0]
    assert approved["kind"] == "outreach" and approved["funding_source"] == "commune_budget"
    assert approved["outreach.format"] == "village_meeting" and approved["date"] == "2023-03-04"
    assert approved["created_at"] == "2023-03-05T06:30+07:00"
    assert approved["latitude"] == "20.854321"
    assert client.get("/reports/export.csv", query_string={**YEAR_2023, "status": "draft"}).status_code == 400
    assert client.get("/reports/export.csv", query_string={**YEAR_2023, "codes": "yes"}).status_code == 400


def test_xlsx_entries_with_labels_and_a_codes_sheet(client, auth, year):
    """The people's sheet (labels, a real date, local time) and the machines' sheet (codes)."""
    auth.login("tonghop")
    response = client.get("/reports/export.xlsx", query_string=YEAR_2023)
    workbook = load_workbook(io.BytesIO(response.data))
    people = list(workbook["Hoạt động"].iter_rows(values_only=True))
    header, rows = list(people[0]), people[1:]
    assert len(rows) == 1  # approved only by default
    record = dict(zip(header, rows[0]))
    assert record["Loại hoạt động"] == "Tuyên truyền" and record["Trạng thái"] == "Đã duyệt"
    assert record["Ngày"] == dt.datetime(2023, 3, 4)
    assert record["Thời điểm tạo"] == dt.datetime(2023, 3, 5, 6, 30)
    assert record["Vĩ độ"] == pytest.approx(20.854321)
    sheet = workbook["Hoạt động"]
    assert sheet.cell(2, header.index("Ngày") + 1).number_format == "dd/mm/yyyy"
    codes = list(workbook["Hoạt động (mã, cho máy)"].iter_rows(values_only=True))
    assert codes[0][:3] == ("uuid", "kind", "status") and codes[1][1:3] == ("outreach", "approved")
    info = [row[0] for row in workbook["Báo cáo"].iter_rows(values_only=True)]
    assert "Danh sách hoạt động: chỉ gồm các hoạt động đã được duyệt." in info
    everything = load_workbook(io.BytesIO(client.get("/reports/export.xlsx",
                                                     query_string={**YEAR_2023, "status": "all"}).data))
    assert everything["Hoạt động"].max_row == 1 + 3
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_sheet_names_are_not_cut_mid_word():
    """At most 31 characters, cut between words, unique."""
    used: set[str] = set()
    first = sheet_title("Tháng hành động phòng, chống bạo lực gia đình 2023", used)
    assert first == "Tháng hành động phòng, chống"
    second = sheet_title("Tháng hành động phòng, chống bạo lực gia đình 2024", used)
    assert second == "Tháng hành động phòng (2)" and len(second) <= 31


def test_file_names_name_the_commune_and_period(client, auth, year):
    """ASCII slug of the commune and the period, with filename* too."""
    auth.login("tonghop")
    for fmt, stem in (("docx", "bao-cao-binh-dang-gioi"), ("xlsx", "bao-cao-binh-dang-gioi"),
                      ("csv", "danh-sach-hoat-dong")):
        disposition = client.get(f"/reports/export.{fmt}", query_string=YEAR_2023).headers["Content-Disposition"]
        name = f"{stem}-xa-thanh-xa-nam-2023.{fmt}"
        assert disposition == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    custom = client.get("/reports/export.csv", query_string={"from": "2023-02-01", "to": "2023-02-20"})
    assert 'filename="danh-sach-hoat-dong-xa-thanh-xa-tu-01-02-2023-den-20-02-2023.csv"' in \
        custom.headers["Content-Disposition"]


def test_docx_action_month_keeps_its_dates_and_villages_once(client, auth, year):
    """15/11–15/12 in the title, a note that it is counted to 14/12, and the villages line once."""
    auth.login("tonghop")
    _document, blocks = docx_blocks(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    body = [block.text for kind, block in blocks if kind == "p"]
    assert "Tháng hành động vì bình đẳng giới 2023 (15/11/2023 – 15/12/2023)" in body
    notes = [text for text in body if "Số thôn có hoạt động" in text]
    assert len(notes) == len(set(notes)) == 2  # one per action month, none repeated
    assert any(text.startswith("Số liệu tính từ 15/11/2023 đến 14/12/2023") for text in notes)


def test_docx_writes_the_funding_in_words(client, auth, year):
    """"Bằng chữ" after the funding table."""
    auth.login("tonghop")
    _document, blocks = docx_blocks(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    body = [block.text for kind, block in blocks if kind == "p"]
    assert ("Tổng kinh phí thực hiện: 1.250.000 đồng (Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng)."
            in body)


def test_no_verdict_without_a_result_and_no_data_last_year(app, client, auth, year):
    """"—" or "<5" never reads "Đạt"; a last year with nothing logged reads "chưa có số liệu", not 0."""
    auth.login("tonghop")
    targets = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)["Chỉ tiêu"]
    for row in targets[1:]:
        if row[3] in ("—", "<5", "") or row[3].startswith("<"):
            assert row[5] != "Đạt", row
    training = row_of(targets, "Số lớp tập huấn, bồi dưỡng về bình đẳng giới")
    assert training[4] == "chưa có số liệu"
    page = client.get("/reports/", query_string={"period": "year-2023"}).get_data(as_text=True)
    assert "chưa có số liệu" in page
    with app.app_context():
        add_entry("outreach", day=dt.date(2022, 3, 1))  # something was logged in the 2022 report year
    targets = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)["Chỉ tiêu"]
    assert row_of(targets, "Số lớp tập huấn, bồi dưỡng về bình đẳng giới")[4] == "0"


def test_export_page_offers_every_status_and_codes(client, auth, year):
    """The export controls: approved-only unless the officer ticks every status; codes for the CSV."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string={"period": "year-2023"}).get_data(as_text=True)
    assert 'name="status" value="all"' in page and 'name="codes" value="1"' in page
    assert "Liệt kê cả hoạt động chờ duyệt và bị trả lại" in page


def test_a_missing_or_withheld_result_gets_no_verdict(app):
    """A "≤" target with no result was "met" by arithmetic; now it has no verdict, and "Đạt" needs a value."""
    from webapp.plan import periods
    from webapp.plan.models import PlanTarget
    from webapp.reports.totals import privacy
    from webapp.reports.totals.progress import Measure, _judge

    window = periods.custom_window(dt.date(2022, 12, 15), dt.date(2023, 12, 14))
    target = PlanTarget(metric="entries", kind="outreach", comparison="<=", value=5)
    with app.test_request_context():
        for result in (Measure(), Measure(no_data=True), Measure(0, hidden=privacy.marker())):
            judged = _judge(target, window, window.end, result, Measure(no_data=True))
            assert judged.status != "met" and judged.assessment != "Đạt", result
            assert judged.last_year_text == "chưa có số liệu"
        assert _judge(target, window, window.end, Measure(0), Measure(3)).assessment == "Đạt"


def test_background_xlsx_keeps_the_status_choice(app, client, auth, year):
    """The export page's tick (status=all) reaches the background job: all three entries are listed."""
    from webapp.reports.exports import jobs

    auth.login("tonghop")
    for status, expected in (("", 1), ("all", 3)):
        response = client.post("/reports/exports", data={"format": "xlsx", "status": status, **YEAR_2023})
        job_id = response.headers["Location"].rsplit("/", 1)[1]
        with app.app_context():
            jobs.wait(job_id)
        download = client.get(f"/reports/exports/{job_id}/download")
        assert "bao-cao-binh-dang-gioi-xa-thanh-xa-nam-2023.xlsx" in download.headers["Content-Disposition"]
        assert load_workbook(io.BytesIO(download.data))["Hoạt động"].max_row == 1 + expected
        download.close()


def test_csv_has_the_of_whom_counts_by_sex(app, client, auth, year):
    """Each "of whom" count has its men/women (boys/girls) columns beside the single one older phones send."""
    with app.app_context():
        entry = db.session.scalar(db.select(Entry).where(Entry.status == "approved"))
        entry.ethnic_minority_male, entry.ethnic_minority_female = 2, 5
        entry.under_16_male, entry.under_16_female = 1, 3
        db.session.commit()
    auth.login("tonghop")
    row = _csv(client)[0]
    assert row["Trong đó dân tộc thiểu số: nam"] == "2" and row["Trong đó dân tộc thiểu số: nữ"] == "5"
    assert row["Trong đó dưới 16 tuổi: nam"] == "1" and row["Trong đó dưới 16 tuổi: nữ"] == "3"
    codes = _csv(client, codes="1")[0]
    assert codes["under_16_female"] == "3" and codes["ethnic_minority_male"] == "2"
