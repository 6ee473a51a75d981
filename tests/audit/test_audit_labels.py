"""Codes that used to leak into pages read as Vietnamese labels: audit actions and sources, the
plan page's periods, the annual period's badge."""
from __future__ import annotations


from lxml import html

from tests import factories
from tests.review.helpers import entry_in
from webapp.audit.admin_events import device_label
from webapp.entries import services as entry_services
from webapp.extensions import db
from webapp.plan.seed import seed_plan_2023
from webapp.units.models import Unit


def test_photo_action_and_sources_read_in_vietnamese(app, client, commune):
    """"photo" is "Thêm ảnh"; "web", "seed", "import:…" are words; a phone's own name stays."""
    with app.app_context():
        entry = entry_in("wu-branch")
        for device in ("web", "seed", "import:tonghop", "Điện thoại của Hoa"):
            entry_services.record(entry, factories.user("canbo1"), "photo", {"photo": "ab" * 32}, device=device)
        db.session.commit()
        uuid = entry.uuid
    client.post("/login", data={"username": "tonghop", "password": "thanhxa-demo"})
    tree = html.fromstring(client.get("/audit/?action=photo").get_data(as_text=True))
    events = tree.xpath('//li[@data-action="photo"]')
    assert len(events) == 4
    assert {event.xpath("./strong")[0].text_content().strip() for event in events} == {"Thêm ảnh"}
    devices = {event.xpath('.//span[@data-device]')[0].text_content() for event in events}
    assert devices == {"trên web", "dữ liệu mẫu", "nhập từ tệp", "Điện thoại của Hoa"}
    assert "Thêm ảnh" in [o.text_content() for o in tree.xpath('//select[@name="action"]/option')]
    detail = client.get(f"/entries/{uuid}").get_data(as_text=True)
    assert "dữ liệu mẫu" in detail and "· seed" not in detail


def test_device_label_of_unknown_and_empty_sources(app):
    """Unknown sources are shown as they are; none is empty."""
    with app.test_request_context():
        assert device_label("") == "" and device_label("script") == "script"
        assert device_label("sync") == "đồng bộ từ điện thoại"


def test_plan_page_names_periods_and_the_annual_badge(app, client, auth, commune):
    """Targets show the period's name, never its code; the annual period's badge reads in words."""
    with app.app_context():
        seed_plan_2023(db.session.get(Unit, commune))
        db.session.commit()
    auth.login("tonghop")
    page = client.get("/plan/?year=2023").get_data(as_text=True)
    tree = html.fromstring(page)
    shown = {span.text_content().strip() for span in tree.xpath("//span[@data-target-period]")}
    assert "Tháng hành động vì bình đẳng giới" in shown and "Kỳ báo cáo năm" in shown
    assert not {"am-bdg", "am-pcbldg"} & shown
    periods = client.get("/plan/periods").get_data(as_text=True)
    assert "kỳ năm" not in periods and "dùng cho báo cáo năm" in periods
