"""An expired session loses nothing; a half-filled form comes back; offline navigation inside the app;
a broken phone's exported outbox imported by the officer."""
import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from tests.browser.helpers import (login, open_form_offline, open_more_details, outbox_count, outbox_records,
                                  save_outreach, set_network, signed_in_then_offline, wait_for_async,
                                  wait_for_outbox)
from tests.conftest import DEMO_PASSWORD
from webapp.auth.services import revoke_all_sessions
from webapp.extensions import db

pytestmark = pytest.mark.browser


def test_a_session_that_expired_while_offline_loses_nothing(live_server, chromium):
    """Saved offline; meanwhile the session was revoked. Back online the sync gets 401: the entry
    waits, the header says to sign in again; after signing in the entry is sent, once."""
    context, page = signed_in_then_offline(chromium, live_server)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Lưu khi phiên đã hết hạn")
    with live_server.app.app_context():
        revoke_all_sessions(factories.user("canbo1"))
        db.session.commit()

    set_network(context, live_server, online=True)
    link = page.locator("[data-sync-status] a")
    link.wait_for()
    assert link.inner_text() == "Đăng nhập lại để gửi"
    assert outbox_count(page) == 1 and [r["state"] for r in outbox_records(page)] == ["waiting"]
    assert live_server.entries() == []

    link.click()
    page.wait_for_url(f"{live_server.url}/login")
    page.fill("input[name=username]", "canbo1")
    page.fill("input[name=password]", "thanhxa-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/entries/")
    # The header's count starts as the server's "0" before the phone reads its outbox: wait for the
    # outbox itself to be empty (an accepted entry leaves it).
    wait_for_outbox(page, "records.length === 0")
    assert [e.notes for e in live_server.entries()] == ["Lưu khi phiên đã hết hạn"]
    page.wait_for_selector("[data-sync-status]:has-text('Đồng bộ lần cuối')")


def test_a_half_filled_form_is_offered_again(live_server, chromium):
    """Typing is kept as a draft for the kind; reopening the form offers it; saving clears it."""
    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)
    open_form_offline(page, live_server.url)
    page.fill("input[name=participants_male]", "14")
    open_more_details(page)  # notes are among the optional fields folded under "Thêm chi tiết"
    page.fill("textarea[name=notes]", "Đang ghi dở")
    wait_for_async(page, "async () => Boolean(await self.BinhdangOutbox.getDraft('canbo1|outreach'))")
    page.goto(f"{live_server.url}/entries/")
    open_form_offline(page, live_server.url)
    assert page.input_value("textarea[name=notes]") == ""
    page.click("[data-draft-resume]")
    assert page.input_value("textarea[name=notes]") == "Đang ghi dở"
    assert page.input_value("input[name=participants_male]") == "14"
    assert page.inner_text("[data-participants-total]") == "14"
    page.select_option("select[name=village_id]", index=1)
    page.select_option("select[name=format]", "rally")
    page.fill("input[name=participants_female]", "20")
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("[data-form-status]:has-text('Đã lưu trên máy'), [data-form-status]:has-text('Đã gửi')")
    page.goto(f"{live_server.url}/entries/new/outreach")
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    assert page.locator("[data-draft-resume]").count() == 0
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries()
    assert (entry.notes, entry.participants_male, entry.participants_female) == ("Đang ghi dở", 14, 20)


def test_offline_the_menu_leads_to_a_cached_form_that_saves(live_server, chromium):
    """Offline, following the app's own links (htmx-boosted) reaches the cached kind chooser and
    form, which saves into the outbox; a required field left empty is caught on the phone."""
    context, page = signed_in_then_offline(chromium, live_server)
    page.click("nav.mainnav a.primary")
    page.click("a.kind-tile[href='/entries/new/training']")
    page.wait_for_selector("#entry-form[data-kind=training][data-outbox=ready]")
    page.select_option("select[name=village_id]", index=1)
    page.fill("input[name=participants_male]", "3")
    page.fill("input[name=participants_female]", "25")
    page.click("#entry-form button[type=submit]")
    error = page.locator("[data-error-for=course_name]")
    assert error.is_visible() and error.inner_text() == "Bắt buộc nhập."
    assert outbox_count(page) == 0
    page.fill("input[name=course_name]", "Kỹ năng lãnh đạo cho nữ")
    page.fill("input[name=days]", "2")
    page.select_option("select[name=trainee_group]", index=1)
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("[data-form-status]:has-text('Đã lưu trên máy')")
    assert outbox_count(page) == 1
    [record] = outbox_records(page)
    data = page.evaluate("async (u) => (await self.BinhdangOutbox.record(u)).data", record["uuid"])
    assert data["days"] == 2 and data["participants_female"] == 25 and isinstance(data["topics"], list)
    assert isinstance(data["unit_id"], int) and data["course_name"] == "Kỹ năng lãnh đạo cho nữ"
    set_network(context, live_server, online=True)
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    with live_server.app.app_context():
        from webapp.entries.models import Entry

        [entry] = db.session.scalars(sa.select(Entry))
        assert (entry.kind, entry.details["course_name"], entry.uuid) == ("training", "Kỹ năng lãnh đạo cho nữ",
                                                                          record["uuid"])


def test_a_broken_phones_export_is_imported_by_the_officer_and_never_doubled(live_server, chromium):
    """The settings page exports the outbox to a file; the commune officer imports it; when the
    phone is back online its own sync finds the entries already there (one copy each)."""
    context, page = signed_in_then_offline(chromium, live_server)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Xuất tệp 1")
    save_outreach(page, "Xuất tệp 2")
    page.goto(f"{live_server.url}/settings")
    page.wait_for_selector("[data-settings-outbox] tr[data-outbox-uuid]")
    with page.expect_download() as download_info:
        page.click("[data-export-outbox]")
    exported = download_info.value.path()
    exported_bytes = Path(exported).read_bytes()
    payload = json.loads(exported_bytes)
    assert payload["format"] == "binhdang-outbox" and payload["user"] == "canbo1"
    assert sorted(e["data"]["notes"] for e in payload["entries"]) == ["Xuất tệp 1", "Xuất tệp 2"]

    officer = live_server.app.test_client()  # the commune officer, at the office (CSRF checks on)
    officer.post("/login", data={"username": "tonghop", "password": DEMO_PASSWORD,
                                 "csrf_token": form_token(officer, "/login")})
    answer = officer.post("/outbox/import", data={"file": (io.BytesIO(exported_bytes), "outbox.json"),
                                                  "csrf_token": form_token(officer, "/outbox/import")},
                          content_type="multipart/form-data")
    assert 'data-import-count="created">2<' in answer.get_data(as_text=True)
    assert sorted(e.notes for e in live_server.entries()) == ["Xuất tệp 1", "Xuất tệp 2"]

    set_network(context, live_server, online=True)
    page.goto(f"{live_server.url}/entries/")
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    assert sorted(e.notes for e in live_server.entries()) == ["Xuất tệp 1", "Xuất tệp 2"]


def form_token(client, path: str) -> str:
    """The CSRF token of the form on ``path``, as a browser would send it back."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
