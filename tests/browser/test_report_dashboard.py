"""The dashboard in Chromium at 360 px: nothing wider than the phone, htmx filters kept in the URL, and
the back button bringing the previous figures back."""
import datetime as dt

import pytest

from tests.browser.helpers import login
from tests.reports.helpers import add_entry

pytestmark = pytest.mark.browser


def test_dashboard_on_a_phone(app, live_server, chromium):
    """tonghop filters by kind, sees the figures change and the URL follow, then goes back."""
    with app.app_context():
        add_entry("outreach", day=dt.date(2023, 3, 4), male=10, female=30)
        add_entry("training", "doan-tn-thanh-xa", "thon-binh-lao", day=dt.date(2023, 6, 9), male=5, female=5,
                  details={"course_name": "Lồng ghép giới", "days": 2, "trainee_group": "village_staff"})
    context = chromium.start()
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server.url, "tonghop")
    page.goto(f"{live_server.url}/reports/?period=year-2023")
    total = page.locator("[data-kpi=participants_total]")
    assert total.inner_text() == "50"
    wide = page.evaluate("""Array.from(document.querySelectorAll('#dashboard *'))
        .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > 360.5)
        .map(e => e.tagName)""")
    assert wide == []  # tables scroll inside their own box; nothing else is wider than the phone
    # Issue 11: the summary first, every other section folded; opened, the charts' labels are >= 12 px.
    folds = page.locator("details.fold")
    assert folds.count() >= 6 and page.locator("details.fold[open]").count() == 0
    assert page.locator("svg.chart").first.is_visible() is False
    folded_height = page.evaluate("document.documentElement.scrollHeight")
    page.locator("details.fold[data-fold=month] > summary").click()
    charts = page.locator("svg.chart")
    assert charts.count() == 3 and charts.first.is_visible() and charts.first.bounding_box()["width"] <= 360
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('svg.chart text')]
        .filter((t) => t.getClientRects().length).map((t) => t.getBoundingClientRect().height))""")
    assert smallest >= 12  # a text box is at least as tall as its font size
    print(f"\ndashboard at 360 px: {folded_height} px tall with its sections folded")
    page.locator("details.more-filters > summary").click()
    page.select_option("select[name=kind]", "training")
    page.wait_for_function("document.querySelector('[data-kpi=participants_total]').textContent === '10'")
    assert "kind=training" in page.url and "period=year-2023" in page.url
    page.go_back()
    page.wait_for_function("document.querySelector('[data-kpi=participants_total]').textContent === '50'")
    assert "kind=training" not in page.url
    page.reload()
    assert page.locator("[data-kpi=participants_total]").inner_text() == "50"
