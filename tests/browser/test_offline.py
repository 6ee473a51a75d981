"""Offline-first in headless Chromium: forms open from the cache, the outbox survives restarts and
server failures, and every entry reaches the server exactly once."""
import json
import uuid as uuidlib

import pytest

from tests.browser.helpers import (login, open_form_offline, outbox_count, outbox_records, save_outreach, set_network,
                                  signed_in_then_offline, sync_now, wait_for_async, wait_for_outbox, wait_offline_ready)

pytestmark = pytest.mark.browser


def test_entries_saved_offline_survive_a_restart_and_reach_the_server_once(live_server, chromium):
    """Offline: the cached form saves two entries; after a browser restart still offline they are
    still there; back online each reaches the server exactly once and the count drops to 0."""
    context, page = signed_in_then_offline(chromium, live_server)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Thôn Đông, ngoại tuyến 1")
    save_outreach(page, "Thôn Đông, ngoại tuyến 2", male=7)
    assert outbox_count(page) == 2
    chromium.stop()

    context = chromium.start(offline=True)
    page = context.pages[0] if context.pages else context.new_page()
    open_form_offline(page, live_server.url)
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '2'")
    records = outbox_records(page)
    assert sorted(r["notes"] for r in records) == ["Thôn Đông, ngoại tuyến 1", "Thôn Đông, ngoại tuyến 2"]
    assert {r["state"] for r in records} == {"waiting"}
    assert live_server.entries() == []

    set_network(context, live_server, online=True)
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    saved = live_server.entries()
    assert sorted(e.notes for e in saved) == ["Thôn Đông, ngoại tuyến 1", "Thôn Đông, ngoại tuyến 2"]
    assert sorted(e.uuid for e in saved) == sorted(r["uuid"] for r in records)
    assert {(e.notes, e.participants_male) for e in saved} >= {("Thôn Đông, ngoại tuyến 2", 7)}
    sync_now(page, "ok")  # a later sync sends nothing again
    assert len(live_server.entries()) == 2


def test_server_errors_never_lose_or_duplicate_an_entry(live_server, chromium):
    """The sync API answering 500, then 401, then hanging: the outbox stays intact every time;
    once the server recovers there is exactly one copy of each entry."""
    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)
    answer = {"mode": "500"}
    hung = []

    def broken_sync(route):
        """Answer the sync API as the failing server would."""
        if answer["mode"] == "500":
            route.fulfill(status=500, content_type="application/json",
                          body=json.dumps({"error": {"code": "server_error", "message": "boom"}}))
        elif answer["mode"] == "401":
            route.fulfill(status=401, content_type="application/json",
                          body=json.dumps({"error": {"code": "unauthorized", "message": "Đăng nhập"}}))
        else:
            hung.append(route)  # never answered: the client's timeout must give up

    context.route("**/api/v1/sync", broken_sync)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Lỗi máy chủ 1")
    save_outreach(page, "Lỗi máy chủ 2")
    sync_now(page, "server")
    assert outbox_count(page) == 2 and live_server.entries() == []
    assert {r["state"] for r in outbox_records(page)} == {"waiting"}

    answer["mode"] = "401"
    sync_now(page, "unauthorized")
    assert page.locator("[data-sync-status] a[href='/login']").inner_text() == "Đăng nhập lại để gửi"
    assert outbox_count(page) == 2 and live_server.entries() == []

    answer["mode"] = "hang"
    sync_now(page, "timeout")
    assert hung, "the sync request never reached the hanging server"
    assert outbox_count(page) == 2 and live_server.entries() == []
    assert {r["state"] for r in outbox_records(page)} == {"waiting"}

    context.unroute("**/api/v1/sync")  # the hung requests were given up by the client (AbortController)
    sync_now(page, "ok")
    assert outbox_count(page) == 0
    assert sorted(e.notes for e in live_server.entries()) == ["Lỗi máy chủ 1", "Lỗi máy chủ 2"]
    page.wait_for_selector("[data-sync-status]:has-text('Đồng bộ lần cuối')")


def test_a_rejected_entry_stays_visible_with_its_error_until_fixed(live_server, chromium):
    """The server refuses a phone number in the notes: the record stays, listed with the server's
    message; the form reopens with the error beside the field; once fixed it is accepted."""
    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Gọi chị Lan 0912345678")
    wait_for_outbox(page, "records.some((r) => r.state === 'rejected')")
    assert outbox_count(page) == 1 and live_server.entries() == []
    [record] = outbox_records(page)
    assert record["state"] == "rejected" and "notes" in record["errors"]

    page.goto(f"{live_server.url}/entries/")
    row = page.locator("[data-outbox-state=rejected]")
    assert "Bị từ chối: cần sửa" in row.inner_text()
    assert "số điện thoại" in row.locator("[data-outbox-errors]").inner_text()

    row.locator("a").click()
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    error = page.locator("[data-error-for=notes]")
    assert error.is_visible() and "số điện thoại" in error.inner_text()
    assert page.input_value("textarea[name=notes]") == "Gọi chị Lan 0912345678"
    page.fill("textarea[name=notes]", "Gọi chị Lan qua trưởng thôn")
    page.click("#entry-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/entries/")
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries()
    assert (entry.notes, entry.uuid) == ("Gọi chị Lan qua trưởng thôn", record["uuid"])


def test_an_uncached_page_offline_shows_the_offline_page(live_server, chromium):
    """A page never saved on the phone, opened without network: the offline page, with its links."""
    context, page = signed_in_then_offline(chromium, live_server)
    page.goto(f"{live_server.url}/entries/{uuidlib.uuid4()}")
    offline = page.locator("[data-offline-page]")
    assert "Không có kết nối mạng" in offline.locator("h1").inner_text()
    assert offline.locator("a[href='/entries/new']").count() == 1


def test_a_new_version_replaces_the_caches_and_never_touches_the_outbox(live_server, chromium, monkeypatch):
    """A deploy changes /sw.js: the new worker fills new caches and drops the old ones; the entry
    waiting in the outbox is still there, the forms still open offline, and it is sent once later."""
    from webapp.pwa import services

    context = chromium.start()
    page = context.new_page()
    context.route("**/api/v1/sync", lambda route: route.fulfill(status=503, body="{}"))
    login(page, live_server.url)
    wait_offline_ready(page)
    open_form_offline(page, live_server.url)
    save_outreach(page, "Trước khi cập nhật")
    old = page.evaluate("caches.keys()")
    assert any(name.startswith("binhdang-static-") for name in old)

    monkeypatch.setattr(services, "cache_version", lambda: "0123456789abcdef")
    page.evaluate("navigator.serviceWorker.getRegistration().then((registration) => registration.update())")
    wait_for_async(page, """async () => {
        const names = await caches.keys();
        return names.includes('binhdang-static-0123456789abcdef') && names.length === 2; }""")
    assert not set(old) & set(page.evaluate("caches.keys()"))
    assert outbox_count(page) == 1
    assert [r["notes"] for r in outbox_records(page)] == ["Trước khi cập nhật"]

    set_network(context, live_server, online=False)
    open_form_offline(page, live_server.url)
    assert outbox_count(page) == 1
    set_network(context, live_server, online=True)
    context.unroute("**/api/v1/sync")
    sync_now(page, "ok")
    assert [e.notes for e in live_server.entries()] == ["Trước khi cập nhật"]
