"""An admin sets up a new commune on a 360 px phone: official list → template preview → commune,
then a village and a unit. The journey's taps and seconds are printed as a figure (not asserted)."""
import time

import pytest
import sqlalchemy as sa

from tests.browser.helpers import login
from webapp.extensions import db
from webapp.units.models import Unit, Village

pytestmark = pytest.mark.browser
VILLAGES = ["Thôn Văn Điển", "Thôn Yên Mỹ", "Thôn Duyên Hà", "Thôn Vạn Phúc", "Thôn Ngũ Hiệp", "Thôn Đông Mỹ"]


class Journey:
    """A page wrapper that counts the person's taps (clicks, choices, fields filled)."""

    def __init__(self, page):
        """Start counting on ``page``."""
        self.page, self.taps = page, 0

    def click(self, selector: str) -> None:
        """One tap."""
        self.taps += 1
        self.page.click(selector)

    def fill(self, selector: str, text: str) -> None:
        """One tap into the field, then typing."""
        self.taps += 1
        self.page.fill(selector, text)

    def select(self, selector: str, value: str) -> None:
        """Two taps: open the list, pick."""
        self.taps += 2
        self.page.select_option(selector, value)


def fits_360(page) -> bool:
    """Nothing sticks out sideways on a 360 px screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_admin_creates_commune_from_official_list_then_adds_village_and_unit(live_server, chromium):
    """quantri picks Hà Nội, finds "thanh tri" without accents, reviews the template with 6 villages,
    creates the commune, then adds a seventh village and a kindergarten unit."""
    context = chromium.start()
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server.url, "quantri")
    journey = Journey(page)
    started = time.monotonic()
    page.goto(f"{live_server.url}/communes/")
    journey.click("#new-commune")
    journey.select("#province", "01")
    journey.fill("#q", "thanh tri")
    journey.click("#search-form button[type=submit]")
    journey.click("#results a:has-text('Xã Thanh Trì')")
    page.wait_for_selector("#commune-form")
    journey.fill("#villages", "\n".join(VILLAGES))
    journey.click("#commune-form button[value='0']")
    page.wait_for_selector("#template-units li:has-text('Chi hội Phụ nữ thôn Đông Mỹ')")
    assert fits_360(page)
    journey.click("#create-commune")
    page.wait_for_selector("#unit-tree")
    assert "Xã Thanh Trì" in page.locator(".crumbs").inner_text()
    assert fits_360(page)
    journey.click(".crumbs a:has-text('Thôn')")
    journey.fill("#village-name", "Thôn Tả Thanh Oai")
    journey.click("#add-village-form button[type=submit]")
    page.wait_for_selector("#village-list li:has-text('Thôn Tả Thanh Oai')")
    journey.click(".crumbs a:has-text('Đơn vị')")
    journey.fill("#unit-name", "Trường Mầm non xã Thanh Trì")
    journey.click("#add-unit-form button[type=submit]")
    page.wait_for_selector("#unit-tree li:has-text('Trường Mầm non xã Thanh Trì')")
    assert fits_360(page)
    seconds = time.monotonic() - started
    print(f"\ncommune setup journey at 360 px: {journey.taps} taps, {seconds:.1f} s "
          f"(commune with {len(VILLAGES)} villages from the official list, then 1 village and 1 unit)")
    with live_server.app.app_context():
        commune = db.session.scalar(sa.select(Unit).where(Unit.official_code == "00640"))
        villages = set(db.session.scalars(sa.select(Village.name).where(Village.commune_id == commune.id)))
        assert villages == set(VILLAGES) | {"Thôn Tả Thanh Oai"}
        units = set(db.session.scalars(sa.select(Unit.name).where(Unit.commune_id == commune.id)))
        assert {"Trường Mầm non xã Thanh Trì", "Chi hội Phụ nữ thôn Tả Thanh Oai",
                "Hội Liên hiệp Phụ nữ xã Thanh Trì"} <= units
        db.session.remove()
