"""The report's headline counts only kinds with a counted audience, and its tables show every count of people
by sex: "of whom ethnic minority" and "of whom under 16" as men / women, older single totals apart."""
import datetime as dt

import pytest

from tests.reports.helpers import YEAR_2023, add_entry, docx_tables, html_table, num, row_of
from webapp.extensions import db


@pytest.fixture
def year(app, commune):
    """An outreach with split counts, one from an older client (single totals), and a broadcast whose older
    client sent an invented headcount."""
    with app.app_context():
        split = add_entry("outreach", male=10, female=30)
        split.under_16_male, split.under_16_female, split.under_16 = 2, 5, 7
        split.ethnic_minority_male, split.ethnic_minority_female, split.ethnic_minority = 1, 3, 4
        old = add_entry("outreach", day=dt.date(2023, 7, 1), male=5, female=5)
        old.under_16 = 3
        db.session.commit()
        from webapp.reports import rollup

        rollup.rebuild()
        db.session.commit()
        add_entry("broadcast", male=329, female=232,
                  details={"station": "commune_radio", "items": 2, "broadcasts": 5})


def test_dashboard_headline_leaves_out_the_broadcasts_headcount(client, auth, year):
    """The KPI, the summary row of broadcasts ("—") and the people table."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    start = page.index('data-kpi="participants_total">') + len('data-kpi="participants_total">')
    assert num(page[start:page.index("<", start)]) == 50
    summary = html_table(page, "summary")
    broadcast = row_of(summary, "Phát thanh")
    assert broadcast[summary[0].index("Số hoạt động")] == "1"
    assert broadcast[summary[0].index("Tổng số lượt người tham dự")] == "—"
    people = html_table(page, "people")
    outreach = row_of(people, "Tuyên truyền")
    cells = dict(zip(people[0], outreach))
    assert (cells["Dưới 16 tuổi: nam"], cells["Dưới 16 tuổi: nữ"], cells["Dưới 16 tuổi: tổng"]) == ("2", "5", "10")
    assert (cells["Dân tộc thiểu số: nam"], cells["Dân tộc thiểu số: nữ"], cells["Dân tộc thiểu số: tổng"]) == (
        "1", "3", "4")
    assert "Phát thanh" not in [row[0] for row in people]
    assert "chỉ ghi tổng số" in page  # the note: an older entry gave only a total


def test_docx_carries_the_people_table_and_the_headline(client, auth, year):
    """The DOCX's summary gives 50 participants, and its people table the split."""
    auth.login("tonghop")
    tables = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    summary = tables["Hoạt động theo loại"]
    assert num(row_of(summary, "Tổng số")[summary[0].index("Tổng số lượt người tham dự")]) == 50
    people = tables["Người tham dự theo giới tính"]
    assert num(row_of(people, "Tổng số")[people[0].index("Dưới 16 tuổi: nữ")]) == 5
