"""The dashboard: totals of approved entries, filters kept in the URL, targets, charts, pending apart."""
import datetime as dt

import pytest

from tests import factories
from tests.reports.helpers import YEAR_2023, add_entry, html_table, num
from webapp.extensions import db
from webapp.plan import periods
from webapp.plan.models import PlanTarget
from webapp.plan.targets import plan_for


@pytest.fixture
def year(app, commune):
    """Approved entries in two units and villages; one waiting, one returned; a plan with three targets."""
    with app.app_context():
        add_entry("outreach", day=dt.date(2023, 3, 4), male=10, female=30, cost=500_000)
        add_entry("outreach", "chi-hoi-pn-thon-le-xa", "thon-le-xa", day=dt.date(2023, 6, 20), male=5, female=15,
                  campaign="thang-hd-pcbldg")
        add_entry("training", "doan-tn-thanh-xa", "thon-binh-lao", day=dt.date(2023, 6, 9), male=20, female=20,
                  details={"course_name": "Lồng ghép giới", "days": 2, "trainee_group": "village_staff"})
        add_entry("outreach", day=dt.date(2023, 7, 1), status="submitted", male=100, female=100)
        add_entry("inspection", day=dt.date(2023, 7, 2), status="returned", male=1, female=1)
        plan = plan_for(commune, 2023, create=True)
        for position, (metric, kind, value) in enumerate(
                [("entries", "outreach", 2), ("participants", "outreach", 80), ("entries", "training", 5)]):
            db.session.add(PlanTarget(plan=plan, position=position, metric=metric, kind=kind, value=value,
                                      comparison=">=", label=f"{metric}-{kind}"))
        db.session.commit()


def kpi(page: str, name: str) -> float:
    """A headline figure of the dashboard."""
    start = page.index(f'data-kpi="{name}">') + len(f'data-kpi="{name}">')
    return num(page[start:page.index("<", start)].replace("đ", "").replace("%", ""))


def test_officer_sees_totals_of_approved_entries_only(client, auth, year):
    """3 approved entries: 35 men, 65 women, 100 participants, 65% women, 500.000 đ."""
    auth.login("tonghop")
    response = client.get("/reports/", query_string=YEAR_2023)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert [kpi(page, n) for n in ("entries", "participants_male", "participants_female", "participants_total",
                                   "women_share", "cost_vnd")] == [3, 35, 65, 100, 65.0, 500_000]
    assert 'data-pending-submitted>1<' in page and 'data-pending-returned>1<' in page


def test_default_period_is_the_year_with_the_figures(app, client, auth, commune, year):
    """Without a period: the current report year if it has approved entries, else the recent year
    with the most (a late-December entry belongs to the next year, which must not win)."""
    with app.app_context():
        add_entry(day=dt.date(2023, 12, 20))
    auth.login("tonghop")
    page = client.get("/reports/").get_data(as_text=True)
    assert "Cả năm 2023" in page and "15/12/2022 – 14/12/2023" in page
    with app.app_context():
        add_entry(day=dt.date.today())
        current = periods.report_year_of(commune, dt.date.today())
    page = client.get("/reports/").get_data(as_text=True)
    assert f"Cả năm {current}" in page


def test_tables_by_kind_unit_village_month(client, auth, year):
    """The tables beside the charts carry the same sums."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    by_kind = {row[0]: row for row in html_table(page, "summary")[1:]}
    assert [num(v) for v in by_kind["Tuyên truyền"][1:5]] == [2, 15, 45, 60]
    by_month = {row[0]: row for row in html_table(page, "by-month")[1:]}
    assert num(by_month["06/2023"][1]) == 2 and num(by_month["03/2023"][4]) == 40
    by_village = {row[0]: row for row in html_table(page, "by-village")[1:]}
    assert num(by_village["Thôn Bình Lao"][1]) == 1 and num(by_village["Thôn Hà Xá"][1]) == 0
    by_unit = {row[0]: row for row in html_table(page, "by-unit")[1:]}
    assert num(by_unit["Đoàn Thanh niên xã Thanh Xá"][4]) == 40


def test_charts_are_svg_with_their_numbers(client, auth, year):
    """Three server-drawn SVG charts, each titled for screen readers."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    assert page.count('<svg class="chart" viewBox="0 0 300') == 3  # drawn at phone width: 13-unit labels >= 12 px
    assert 'aria-label="Số người tham dự theo tháng"' in page and "<title>06/2023: 35</title>" in page


def test_filters_come_from_the_url_and_stay_in_it(client, auth, app, year):
    """?kind=training narrows the totals; the form shows the choice and pushes the URL with htmx."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string={**YEAR_2023, "kind": "training"}).get_data(as_text=True)
    assert kpi(page, "participants_total") == 40
    assert '<option value="training" selected>' in page
    assert 'hx-push-url="true"' in page and 'hx-target="#dashboard"' in page
    with app.app_context():
        village = factories.village("thon-le-xa").id
    page = client.get("/reports/", query_string={**YEAR_2023, "village": village}).get_data(as_text=True)
    assert kpi(page, "participants_total") == 20
    page = client.get("/reports/", query_string={**YEAR_2023, "campaign": "thang-hd-pcbldg"}).get_data(as_text=True)
    assert kpi(page, "entries") == 1 and '<option value="thang-hd-pcbldg" selected>' in page


def test_htmx_request_gets_the_partial(client, auth, year):
    """An htmx filter change swaps only #dashboard; a normal visit gets the whole page."""
    auth.login("tonghop")
    partial = client.get("/reports/", query_string={"period": "am-pcbldg-2023"}, headers={"HX-Request": "true"})
    text = partial.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="dashboard">') and "<html" not in text
    assert kpi(text, "entries") == 2
    assert "<html" in client.get("/reports/", query_string={"period": "am-pcbldg-2023"}).get_data(as_text=True)


def test_bad_filters_show_a_message_not_an_error(client, auth, year):
    """A wrong period or date is said on the page; the default period is shown."""
    auth.login("tonghop")
    response = client.get("/reports/", query_string={"period": "nam-2023"})
    assert response.status_code == 200 and "Không có kỳ báo cáo “nam-2023”." in response.get_data(as_text=True)
    response = client.get("/reports/", query_string={"from": "2023-05-01", "to": "2023-04-01"})
    assert "sau ngày kết thúc" in response.get_data(as_text=True)


def test_year_switch_keeps_the_kind_of_period(client, auth, year):
    """The half-year of 2023, moved to 2024, is the half-year of 2024."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string={"period": "half-year-2023", "year": "2024"}).get_data(as_text=True)
    assert "15/12/2023 – 14/06/2024" in page


def test_targets_have_coloured_progress(client, auth, year):
    """Met → green; 60 of 80 → amber; 1 of 5 → red."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    assert 'class="pill pill-green">Đạt<' in page
    assert 'bar bar-amber" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="75"' in page
    assert 'bar bar-red" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="20"' in page


def test_units_that_logged_nothing_are_listed(client, auth, year):
    """Branches and agencies without any entry in the period."""
    auth.login("tonghop")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    idle = page[page.index("data-idle-units"):]
    idle = idle[:idle.index("</ul>")]
    assert "Trạm Y tế xã Thanh Xá" in idle and "Chi hội Phụ nữ thôn Lê Xá" not in idle


def test_supervisor_sees_only_their_units(client, auth, year):
    """The Women's Union: the Youth Union's training is neither counted nor listed."""
    auth.login("duyet")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    assert kpi(page, "entries") == 2 and kpi(page, "participants_total") == 60
    assert "Đoàn Thanh niên xã Thanh Xá" not in page
    assert "Chi hội Phụ nữ thôn Lê Xá" in page


def test_field_staff_get_403_and_strangers_the_login(client, auth, year):
    """The dashboard is for reporting roles."""
    assert client.get("/reports/").status_code == 302
    auth.login("canbo1")
    assert client.get("/reports/").status_code == 403
    assert "Báo cáo" not in client.get("/entries/").get_data(as_text=True).split("<main")[0]


def test_menu_shows_reports_to_the_officer(client, auth, year):
    """The officer's menu links the reports and the plan."""
    auth.login("tonghop")
    nav = client.get("/entries/").get_data(as_text=True).split("<main")[0]
    assert 'href="/reports/"' in nav and 'href="/plan/"' in nav
