"""Violence figures: below 5 reads "<5" everywhere, and no total gives a hidden cell away by subtraction."""
import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reports.helpers import YEAR_2023, add_entry, docx_tables, html_table, num, row_of, xlsx_sheets
from webapp.plan import indicators
from webapp.reports.totals.privacy import suppress

BRANCH_A, VILLAGE_A = "chi-hoi-pn-thon-thanh-xa", "thon-thanh-xa"
BRANCH_B, VILLAGE_B = "chi-hoi-pn-thon-le-xa", "thon-le-xa"
BRANCH_C, VILLAGE_C = "chi-hoi-pn-thon-binh-lao", "thon-binh-lao"


def support(unit: str, village: str, women: int, status: str = "approved"):
    """A support entry giving help to ``women`` women (counts only)."""
    return add_entry("support", unit, village, day=dt.date(2023, 5, 10), status=status, male=0, female=women,
                     details={"recipients_male": 0, "recipients_female": women, "recipients_children": 0,
                              "value_vnd": 1_000_000})


@pytest.fixture
def victims(app, commune):
    """Branch A helped 3 women, branch B 20 and branch C 30: A must be hidden, and one more cell too."""
    with app.app_context():
        support(BRANCH_A, VILLAGE_A, 3)
        support(BRANCH_B, VILLAGE_B, 20)
        support(BRANCH_C, VILLAGE_C, 30)


def test_one_small_cell_hides_a_second_one_so_the_total_reveals_nothing():
    """3 + 20 + 30 = 53: hiding only the 3 would let anyone compute it from 53 − 20 − 30."""
    values = {"a": 3, "b": 20, "c": 30, "total": 53}
    hidden = suppress(values, primary=list(values), sums=[["a", "b", "c", "total"]], limit=5)
    assert hidden == {"a", "b"}


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8),
       st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_no_sum_is_left_with_exactly_one_hidden_cell(first, second):
    """For any table of two groups of cells with their totals and a grand total."""
    values = {("a", i): v for i, v in enumerate(first)} | {("b", i): v for i, v in enumerate(second)}
    values |= {"ta": sum(first), "tb": sum(second), "t": sum(first) + sum(second)}
    sums = [[("a", i) for i in range(len(first))] + ["ta"], [("b", i) for i in range(len(second))] + ["tb"],
            ["ta", "tb", "t"]]
    hidden = suppress(values, primary=list(values), sums=sums, limit=5)
    assert all(key in hidden for key, value in values.items() if value < 5)
    for cells in sums:
        assert len([cell for cell in cells if cell in hidden]) != 1


def test_api_refuses_support_by_unit_and_publishes_the_commune_year(app, client, auth, victims):
    """The totals API: support by unit is refused with a message; the commune's whole year (53
    women helped) comes in the "sensitive" part; the general totals leave support out."""
    auth.login("tonghop")
    refused = client.get("/api/v1/reports/totals", query_string={
        **YEAR_2023, "group_by": "unit", "kind": "support", "columns": "support.recipients_female"})
    assert refused.status_code == 400
    assert "nạn nhân" in refused.get_json()["error"]["message"]
    body = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "unit"}).get_json()
    assert body["totals"]["entries"] == 0 and body["totals"]["participants_female"] == 0
    [support_part] = body["sensitive"]
    assert support_part["published"] is True
    [row] = support_part["rows"]
    # 3 activities is a small count; 0 men is too, so one more of men + women = total is hidden
    assert (row["support.recipients_female"], row["entries"], row["participants_total"]) == (53, "<5", 53)
    assert (row["participants_male"], row["participants_female"]) == ("<5", "<5")


def test_api_small_commune_year_is_hidden(app, client, auth, commune):
    """A year with 2 women helped: "<5" in the commune's cell, and men + women = total stays safe."""
    with app.app_context():
        support(BRANCH_A, VILLAGE_A, 2)
    auth.login("tonghop")
    body = client.get("/api/v1/reports/totals", query_string=YEAR_2023).get_json()
    [row] = body["sensitive"][0]["rows"]
    assert row["support.recipients_female"] == "<5" and row["participants_female"] == "<5"
    assert row["entries"] == "<5"


def _support_rows(rows):
    """Rows of the support table: label → recipients (women)."""
    header = [str(cell) for cell in rows[0]]
    position = header.index("Người được hỗ trợ: nữ") if "Người được hỗ trợ: nữ" in header else None
    assert position is not None, header
    return {str(row[0]): row[position] for row in rows[1:] if row and row[0]}


def test_docx_and_xlsx_print_the_commune_year_only(app, client, auth, victims):
    """The support table of both files: one row for the commune's year (53), no unit rows."""
    auth.login("tonghop")
    docx = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    assert _support_rows(docx["Hỗ trợ: cả năm báo cáo 2023"]) == {"Xã Thanh Xá": "53"}
    sheets = xlsx_sheets(client.get("/reports/export.xlsx", query_string=YEAR_2023).data)
    [title] = [name for name in sheets if name.startswith("Hỗ trợ")]
    assert _support_rows(sheets[title])["Xã Thanh Xá"] == 53
    assert "Chi hội Phụ nữ thôn Thanh Xá" not in _support_rows(sheets[title])


def test_half_year_exports_withhold_support_with_a_message(app, client, auth, victims):
    """For the half-year (not the whole year) the DOCX says why support figures are not given."""
    auth.login("tonghop")
    data = client.get("/reports/export.docx", query_string={"from": "2022-12-15", "to": "2023-06-14"}).data
    from tests.reports.helpers import docx_blocks

    _document, blocks = docx_blocks(data)
    text = " ".join(block.text for kind, block in blocks if kind == "p")
    assert "chỉ được công bố cho cả năm báo cáo" in text
    assert "Hỗ trợ: cả năm báo cáo" not in docx_tables(data)


def test_entry_lists_leave_support_entries_out(app, client, auth, commune):
    """The CSV and the XLSX list of entries hold no entry of a sensitive kind."""
    with app.app_context():
        support(BRANCH_A, VILLAGE_A, 3)
        support(BRANCH_B, VILLAGE_B, 40)
        add_entry()
    auth.login("tonghop")
    text = client.get("/reports/export.csv", query_string={**YEAR_2023, "codes": "1"}).data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["kind"] for row in rows] == ["outreach"]
    sheets = xlsx_sheets(client.get("/reports/export.xlsx", query_string=YEAR_2023).data)
    assert [row[1] for row in sheets["Hoạt động"][1:]] == ["Tuyên truyền"]
    assert [row[1] for row in sheets["Hoạt động (mã, cho máy)"][1:]] == ["outreach"]


def test_yearly_violence_counts_below_5_read_lt5(app, client, auth, commune):
    """3 cases and 3 victims: "<5" in the DOCX and the dashboard; the share they give is hidden as well."""
    with app.app_context():
        indicators.save_figures(commune, 2023, {"violence_cases": 3, "violence_victims": 3, "victims_supported": 3,
                                                "births_male": 58, "births_female": 53})
        from webapp.extensions import db

        db.session.commit()
    auth.login("tonghop")
    docx = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    figures = docx["Số liệu năm theo Chiến lược quốc gia về bình đẳng giới"]
    assert row_of(figures, "Số vụ bạo lực gia đình, bạo lực trên cơ sở giới được phát hiện")[1] == "<5"
    assert row_of(figures, "Số nạn nhân được tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản")[1] == "<5"
    assert row_of(figures, "Tỷ lệ nạn nhân được tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản (%)")[1] == "—"
    assert num(row_of(figures, "Tỷ số giới tính khi sinh (số bé trai/100 bé gái)")[1]) == 109.4
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    assert "Số vụ bạo lực gia đình, bạo lực trên cơ sở giới được phát hiện</td>" in page
    assert '<td class="num hidden-cell">&lt;5</td>' in page


def test_dashboard_shows_the_commune_year_of_support(client, auth, victims):
    """The dashboard's support table: the commune's year, 53 women helped."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    assert _support_rows(html_table(page, "sensitive-support")) == {"Xã Thanh Xá": "53"}
