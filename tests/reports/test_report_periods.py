"""Report periods: the edges of the half-year, the year and the action months, and their settings."""
import datetime as dt

import pytest
import sqlalchemy as sa

from tests.reports.helpers import add_entry
from webapp.extensions import db
from webapp.plan import periods
from webapp.plan.models import ReportPeriod


@pytest.fixture
def owner(app, commune):
    """The demo commune's id, inside an app context."""
    with app.app_context():
        yield commune


def test_half_year_holds_14_june_and_not_15_june(owner):
    """Half-year 2023: 15/12/2022 – 14/06/2023."""
    window = periods.resolve(owner, "half-year-2023")
    assert (window.start, window.end) == (dt.date(2022, 12, 15), dt.date(2023, 6, 14))
    assert window.contains(dt.date(2023, 6, 14)) and not window.contains(dt.date(2023, 6, 15))
    assert window.contains(dt.date(2022, 12, 15)) and not window.contains(dt.date(2022, 12, 14))


def test_year_is_15_december_to_14_december(owner):
    """The annual report of 2023 starts the day after the 2022 one ends."""
    window = periods.annual_window(owner, 2023)
    assert (window.start, window.end, window.key) == (dt.date(2022, 12, 15), dt.date(2023, 12, 14), "year-2023")
    assert periods.report_year_of(owner, dt.date(2023, 12, 15)) == 2024
    assert periods.report_year_of(owner, dt.date(2023, 12, 14)) == 2023


def test_action_months_come_from_the_campaigns_and_include_both_end_days(owner):
    """June, and 15/11 – 15/12, from the commune's Campaign rows."""
    june = periods.resolve(owner, "am-pcbldg-2023")
    november = periods.resolve(owner, "am-bdg-2023")
    assert (june.start, june.end) == (dt.date(2023, 6, 1), dt.date(2023, 6, 30))
    assert (november.start, november.end) == (dt.date(2023, 11, 15), dt.date(2023, 12, 15))
    assert november.contains(dt.date(2023, 11, 15)) and november.contains(dt.date(2023, 12, 15))
    assert not november.contains(dt.date(2023, 11, 14)) and not november.contains(dt.date(2023, 12, 16))


def test_quarters_and_months(owner):
    """Calendar quarters and months, with their keys."""
    keys = {w.key: (w.start, w.end) for w in periods.windows_for_year(owner, 2024)}
    assert keys["quarter-2024-1"] == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert keys["month-2024-2"] == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert periods.resolve(owner, "quarter-2024-4").label == "Quý IV/2024"


def test_periods_are_settings_not_code(owner):
    """Changing a row changes the windows: a province moving its half-year to 30/06."""
    periods.ensure_default_periods(owner)
    row = db.session.scalar(sa.select(ReportPeriod).where(ReportPeriod.unit_id == owner,
                                                          ReportPeriod.code == "half-year"))
    row.start_month, row.start_day, row.start_year_offset, row.end_month, row.end_day = 1, 1, 0, 6, 30
    db.session.commit()
    window = periods.resolve(owner, "half-year-2023")
    assert (window.start, window.end) == (dt.date(2023, 1, 1), dt.date(2023, 6, 30))


def test_a_campaign_change_moves_its_action_month(owner):
    """The action month follows the Campaign row."""
    from webapp.plan.models import Campaign

    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.code == "thang-hd-pcbldg"))
    campaign.start_day, campaign.end_month, campaign.end_day = 5, 7, 5
    db.session.commit()
    window = periods.resolve(owner, "am-pcbldg-2023")
    assert (window.start, window.end) == (dt.date(2023, 6, 5), dt.date(2023, 7, 5))


def test_unknown_keys_resolve_to_nothing(owner):
    """A typo is not a period."""
    assert periods.resolve(owner, "yaer-2023") is None
    assert periods.resolve(owner, "year") is None
    assert periods.resolve(owner, "quarter-2023-5") is None


def test_half_year_totals_follow_the_edges(client, auth, app, commune):
    """The dashboard of the first half-year counts the entry of 14/06 and not that of 15/06."""
    with app.app_context():
        add_entry(day=dt.date(2023, 6, 14), male=1, female=2)
        add_entry(day=dt.date(2023, 6, 15), male=100, female=200)
        add_entry(day=dt.date(2022, 12, 15), male=10, female=20)
        add_entry(day=dt.date(2022, 12, 14), male=1000, female=2000)
    auth.login("tonghop")
    page = client.get("/reports/?period=half-year-2023").get_data(as_text=True)
    assert 'data-kpi="participants_total">33<' in page
    page = client.get("/reports/?period=am-pcbldg-2023").get_data(as_text=True)
    assert 'data-kpi="participants_total">303<' in page


def test_officer_edits_a_period_with_a_form(client, auth, app, commune):
    """The periods page without JS: a bad day is refused with a message, a good one saved."""
    auth.login("tonghop")
    assert client.get("/plan/periods").status_code == 200
    with app.app_context():
        row_id = db.session.scalar(sa.select(ReportPeriod.id).where(ReportPeriod.code == "half-year"))
    form = {"name": "Sáu tháng", "type": "range", "start_day": "15", "start_month": "12", "start_year_offset": "-1",
            "end_day": "32", "end_month": "6", "position": "1", "active": "1"}
    response = client.post(f"/plan/periods?edit={row_id}", data=form)
    assert response.status_code == 400 and "từ 1 đến 31" in response.get_data(as_text=True)
    response = client.post(f"/plan/periods?edit={row_id}", data={**form, "end_day": "20"})
    assert response.status_code == 302
    with app.app_context():
        assert periods.resolve(commune, "half-year-2023").end == dt.date(2023, 6, 20)


def test_officer_adds_a_period(client, auth, app, commune):
    """A new range period appears among the windows of the year."""
    auth.login("tonghop")
    response = client.post("/plan/periods?edit=new", data={
        "code": "nine-months", "name": "Chín tháng", "type": "range", "start_day": "15", "start_month": "12",
        "start_year_offset": "-1", "end_day": "14", "end_month": "9", "position": "3", "active": "1"})
    assert response.status_code == 302
    with app.app_context():
        window = periods.resolve(commune, "nine-months-2023")
        assert (window.start, window.end) == (dt.date(2022, 12, 15), dt.date(2023, 9, 14))
