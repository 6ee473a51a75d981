"""The field officer's day on a 360×740 phone: what needs fixing and what is unsent on top of the home
list, "Ghi vị trí", editing and deleting an entry still in the outbox (never one on its way), the
states after Save, money typed as 2.500.000, and optional fields folded until they matter."""
import pytest

from tests import factories
from tests.browser.helpers import (login, open_form_offline, outbox_count, outbox_records, save_outreach,
                                  set_network, signed_in_then_offline, wait_for_outbox)
from webapp.extensions import db

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def phone(context):
    """A page the size of a cheap phone's screen."""
    page = context.pages[0] if context.pages else context.new_page()
    page.set_viewport_size(PHONE)
    return page


def returned_entry(app, comment: str) -> str:
    """An entry of canbo1 the reviewer returned, with a comment; its UUID."""
    with app.app_context():
        entry = factories.make_entry("canbo1", status="returned")
        entry.review_comment = comment
        db.session.commit()
        return entry.uuid


def top(page, selector: str) -> float:
    """Where an element starts on the page (px from the top)."""
    return page.locator(selector).first.bounding_box()["y"]


def test_home_shows_what_needs_fixing_then_what_is_unsent_then_the_rest(live_server, chromium):
    """A returned entry (with the reviewer's comment) and one the server refused are under "Cần sửa"
    with their count; one saved offline is under "Chưa gửi"; both sections come before the list."""
    returned = returned_entry(live_server.app, "Bổ sung ảnh")
    context = chromium.start()
    page = phone(context)
    login(page, live_server.url)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Gọi chị Lan 0912345678")  # refused by the server: a phone number
    wait_for_outbox(page, "records.some((r) => r.state === 'rejected')")
    context.route("**/api/v1/sync", lambda route: route.fulfill(status=503, body="{}"))  # the server is down
    save_outreach(page, "Máy chủ đang lỗi")
    page.goto(f"{live_server.url}/entries/")

    fix = page.locator("[data-needs-fix]")
    fix.wait_for()
    page.wait_for_selector("[data-needs-fix] [data-outbox-state=rejected]")
    assert fix.locator("h2").inner_text().startswith("Cần sửa")
    assert fix.locator("[data-needs-fix-count]").inner_text() == "2"
    row = fix.locator(f"[data-returned-uuid='{returned}']")
    assert "Bổ sung ảnh" in row.inner_text() and "Trả lại" in row.inner_text()
    unsent = page.locator("[data-outbox-list]")
    page.wait_for_selector("[data-outbox-list] [data-outbox-state]")
    assert unsent.locator("h2").inner_text().startswith("Chưa gửi")
    # One row; the phone keeps retrying the down server, so it is "waiting" or, for a moment, "sending".
    assert [row.get_attribute("data-outbox-state") for row in unsent.locator("[data-outbox-state]").all()] in (
        ["waiting"], ["sending"])
    assert unsent.locator("[data-unsent-count]").inner_text() == "1"
    assert top(page, "[data-needs-fix]") < top(page, "[data-outbox-list]") < top(page, "#entry-list")


def test_record_location_fills_the_entry_and_the_entry_page_shows_it(live_server, chromium):
    """"Ghi vị trí" takes the phone's position (accuracy shown), can be removed and taken again, and
    the saved entry carries it; the support form (victims) has no location at all."""
    context = chromium.start()
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 21.0285113, "longitude": 105.8541987, "accuracy": 12})
    page = phone(context)
    login(page, live_server.url)
    open_form_offline(page, live_server.url)
    gps = page.locator("[data-gps]")
    assert gps.locator("[data-gps-readout]").inner_text() == "Chưa ghi vị trí."
    page.click("[data-gps-capture]")
    page.wait_for_selector("[data-gps][data-gps-state=recorded]")
    assert gps.locator("[data-gps-readout]").inner_text() == "21.028511, 105.854199 (sai số khoảng 12 m)"
    assert page.input_value("input[name=latitude]") == "21.028511"
    page.click("[data-gps-clear]")
    assert page.input_value("input[name=latitude]") == "" and page.input_value("input[name=longitude]") == ""
    assert gps.locator("[data-gps-readout]").inner_text() == "Chưa ghi vị trí."
    page.click("[data-gps-capture]")
    page.wait_for_selector("[data-gps][data-gps-state=recorded]")
    save_outreach(page, "Có vị trí")
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries()
    assert (round(entry.latitude, 6), round(entry.longitude, 6)) == (21.028511, 105.854199)
    assert page.input_value("input[name=latitude]") == ""  # the next entry starts without it

    page.goto(f"{live_server.url}/entries/{entry.uuid}")
    assert page.inner_text("[data-coordinates]") == "21.028511, 105.854199"
    page.goto(f"{live_server.url}/entries/new/support")
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    assert page.locator("[data-gps]").count() == 0 and page.locator("text=Ghi vị trí").count() == 0


def test_an_unsent_entry_is_edited_and_another_deleted_offline(live_server, chromium):
    """Offline, two entries wait: one is opened from the list and changed, the other deleted after a
    confirmation (the count drops); back online only the edited one reaches the server, as edited."""
    context, page = signed_in_then_offline(chromium, live_server)
    page.set_viewport_size(PHONE)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Sẽ sửa", male=5)
    save_outreach(page, "Sẽ xoá", male=6)
    page.goto(f"{live_server.url}/entries/")
    keep, drop = sorted(outbox_records(page), key=lambda r: r["notes"] != "Sẽ sửa")
    page.locator(f"[data-outbox-uuid='{keep['uuid']}'] a").click()
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    assert page.input_value("input[name=participants_male]") == "5"
    page.fill("input[name=participants_male]", "8")
    page.click("#entry-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/entries/")

    row = page.locator(f"[data-outbox-uuid='{drop['uuid']}']")
    row.locator("[data-outbox-delete]").click()
    assert "không lấy lại được" in row.inner_text()
    row.locator("[data-outbox-delete-cancel]").click()
    assert outbox_count(page) == 2
    row.locator("[data-outbox-delete]").click()
    row.locator("[data-outbox-delete-confirm]").click()
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '1'")
    assert page.locator(f"[data-outbox-uuid='{drop['uuid']}']").count() == 0
    [left] = outbox_records(page)
    assert left["uuid"] == keep["uuid"]
    assert page.evaluate("async (u) => (await self.BinhdangOutbox.record(u)).data.participants_male",
                         keep["uuid"]) == 8

    set_network(context, live_server, online=True)
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries()
    assert (entry.uuid, entry.notes, entry.participants_male) == (keep["uuid"], "Sẽ sửa", 8)


def test_an_entry_on_its_way_cannot_be_edited_or_deleted(live_server, chromium):
    """While a record is being sent, its form says so and will not save, the list offers no delete
    and the outbox refuses both; once its answer is in, the form opens again on what it became."""
    context, page = signed_in_then_offline(chromium, live_server)
    page.set_viewport_size(PHONE)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Đang trên đường")
    [record] = outbox_records(page)
    uuid = record["uuid"]
    page.evaluate("async (u) => self.BinhdangOutbox.update(u, (r) => { r.state = 'sending'; })", uuid)
    page.goto(f"{live_server.url}/entries/")
    row = page.locator(f"[data-outbox-uuid='{uuid}']")
    row.wait_for()
    assert row.locator("[data-outbox-delete]").count() == 0 and row.locator("a").count() == 0
    assert page.evaluate("async (u) => self.BinhdangOutbox.discard(u)", uuid) is False
    refused = page.evaluate("""async (u) => self.BinhdangOutbox.save({uuid: u, kind: 'outreach',
        data: {notes: 'chen ngang'}, baseRevision: null, photos: [], owner: 'canbo1'})""", uuid)
    assert refused is None

    page.goto(f"{live_server.url}/entries/new/outreach?outbox={uuid}")
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    assert page.locator("[data-in-flight]").is_visible()
    assert page.locator("#entry-form button[type=submit]").is_disabled()
    page.evaluate("async (u) => self.BinhdangOutbox.update(u, (r) => { r.state = 'waiting'; })", uuid)
    page.wait_for_selector("#entry-form[data-outbox=ready] button[type=submit]:enabled")
    assert page.locator("[data-in-flight]").count() == 0
    assert page.input_value("textarea[name=notes]") == "Đang trên đường"
    assert [r["notes"] for r in outbox_records(page)] == ["Đang trên đường"]


def test_after_save_the_form_says_saved_then_sent_and_money_is_formatted(live_server, chromium):
    """Offline: the cost typed as 2.500.000 shows "2.500.000 đ" and is kept as the integer 2500000;
    Save says "Đã lưu trên máy" (with "Xem" on the phone's copy) and is reachable on one screen; back
    online the same panel says "Đã gửi ✓" and "Xem" leads to the server's entry; "Thêm hoạt động
    khác" gives an empty form back."""
    context, page = signed_in_then_offline(chromium, live_server)
    page.set_viewport_size(PHONE)
    open_form_offline(page, live_server.url)
    save = page.locator("#entry-form button[type=submit]")
    box = save.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]  # sticky: no scrolling to Save
    cost = page.locator("input[name=cost_vnd]")
    cost.fill("2500000")
    assert cost.input_value() == "2.500.000"
    assert page.inner_text("[data-money-amount]") == "2.500.000 đ"
    cost.fill("1.250.000")
    assert page.inner_text("[data-money-amount]") == "1.250.000 đ"
    page.select_option("select[name=village_id]", index=1)
    page.select_option("select[name=format]", "rally")
    page.fill("input[name=participants_male]", "10")
    page.fill("input[name=participants_female]", "20")
    page.select_option("select[name=funding_source]", "commune_budget")  # a cost above 0 needs its source
    save.click()
    panel = page.locator("[data-after-save]")
    panel.wait_for()
    assert page.inner_text("[data-form-status]") == "Đã lưu trên máy."
    assert "Không có mạng" in panel.inner_text() and not page.locator("[data-form-body]").is_visible()
    [record] = outbox_records(page)
    assert "?outbox=" in panel.locator("[data-view-entry]").get_attribute("href")
    assert page.evaluate("async (u) => (await self.BinhdangOutbox.record(u)).data.cost_vnd", record["uuid"]) == 1250000

    set_network(context, live_server, online=True)
    page.wait_for_selector("[data-form-status]:has-text('Đã gửi ✓')")
    assert panel.locator("[data-view-entry]").get_attribute("href") == f"/entries/{record['uuid']}"
    [entry] = live_server.entries()
    assert (entry.uuid, entry.cost_vnd) == (record["uuid"], 1250000)
    page.click("[data-add-another]")
    assert page.locator("select[name=format]").is_visible() and page.input_value("select[name=format]") == ""
    assert page.inner_text("[data-form-status]") == "" and not panel.is_visible()


def test_optional_fields_are_folded_until_an_error_or_a_value_needs_them(live_server, chromium):
    """The fold is closed on a new form; an error in a folded field opens it; the message goes as
    soon as the field is fixed, and a required field's message goes once it is filled."""
    context = chromium.start()
    page = phone(context)
    login(page, live_server.url)
    open_form_offline(page, live_server.url)
    fold = page.locator("[data-more-details]")
    assert fold.get_attribute("open") is None and not page.locator("textarea[name=notes]").is_visible()
    page.evaluate("document.querySelector('input[name=under_16_female]').value = '-3'")  # kept from an old draft
    page.click("#entry-form button[type=submit]")
    under = page.locator("[data-error-for=under_16_female]")
    assert fold.get_attribute("open") is not None and under.is_visible()
    format_error = page.locator("[data-error-for=format]")
    assert format_error.inner_text() == "Bắt buộc nhập."
    page.select_option("select[name=format]", "rally")
    assert not format_error.is_visible()
    page.fill("input[name=under_16_female]", "-1")
    assert under.is_visible()
    page.fill("input[name=under_16_female]", "2")
    assert not under.is_visible()
    assert outbox_count(page) == 0
