"""Headless Chromium: "Bật thông báo" subscribes through the service worker's PushManager, the
subscription is stored on the server, the worker's push handler shows {title, body, url}, and
"Tắt thông báo" removes it again."""
from __future__ import annotations

import json
import logging
import tempfile
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.push.fake_gcm import FakeGcm
from tests.push.local_push_service import unb64url
from webapp.extensions import db
from webapp.push.models import PushSubscription

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(app, commune):
    """The app served on 127.0.0.1 (a secure context for service workers) in a thread."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def fake_gcm():
    """Chromium's push registration, answered locally."""
    fake = FakeGcm()
    yield fake
    fake.stop()


@pytest.fixture
def browser(fake_gcm, playwright_driver):
    """A persistent (not incognito: Chromium has no Push API there) headless profile, notifications allowed;
    the CSP is bypassed because Playwright's ``wait_for_function`` evaluates strings (tests/browser/test_csp.py
    checks the pages under the real policy)."""
    context = playwright_driver.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="binhdang-chromium-"), executable_path="/usr/bin/chromium",
        args=CHROMIUM_ARGS + fake_gcm.chromium_switches(), permissions=["notifications"], bypass_csp=True)
    yield context
    context.close()


def eventually(page, check, timeout_ms: int = 15_000):
    """Call ``check()`` until it returns something truthy (the page keeps running meanwhile)."""
    waited = 0
    while waited < timeout_ms:
        result = check()
        if result:
            return result
        page.wait_for_timeout(100)
        waited += 100
    raise AssertionError("timed out waiting")


def subscriptions(app) -> list[PushSubscription]:
    """Every stored subscription."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(PushSubscription)))
        for row in rows:
            _ = row.user.username
        return rows


def test_turn_on_notifications_subscribes_and_the_worker_shows_pushes(app, live_server, browser, fake_gcm):
    """The real profile page subscribes through PushManager; the server stores it; a push is shown; off removes it."""
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "duyet")
    page.fill("#password", "thanhxa-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/review/")  # a supervisor lands on the review queue (issue 11)
    page.goto(f"{live_server}/profile")
    section = page.locator("[data-push]")
    page.wait_for_function("document.querySelector('[data-push]').dataset.pushState === 'off'")
    assert section.locator("[data-push-enable]").inner_text() == "Bật thông báo"

    section.locator("[data-push-enable]").click()
    page.wait_for_function("['on', 'error'].includes(document.querySelector('[data-push]').dataset.pushState)",
                           timeout=60_000)
    assert page.locator("[data-push-status]").inner_text() == "Thông báo đang bật trên thiết bị này."

    public_key = page.evaluate("async () => (await (await fetch('/api/v1/push/key')).json()).public_key")
    assert public_key in [form.get("sender") for form in fake_gcm.registrations]  # the server's VAPID key
    endpoint = page.evaluate(
        "async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription()).endpoint")
    [stored] = subscriptions(app)
    assert stored.user.username == "duyet" and stored.endpoint == endpoint
    assert endpoint.startswith("https://") and endpoint.rsplit("/", 1)[1].startswith("binhdang-test-")
    assert "HeadlessChrome" in stored.device
    assert len(unb64url(stored.p256dh)) == 65 and len(unb64url(stored.auth)) == 16

    # The service worker's push handler (static/js/sw-push.js inside /sw.js) shows what the server sends.
    cdp = browser.new_cdp_session(page)
    versions: dict[str, dict] = {}
    cdp.on("ServiceWorker.workerVersionUpdated",
           lambda event: versions.update({v["versionId"]: v for v in event["versions"]}))
    cdp.send("ServiceWorker.enable")
    active = eventually(page, lambda: [v for v in versions.values()
                                       if v["status"] == "activated" and v["runningStatus"] == "running"])
    payload = {"title": "5 hoạt động chờ duyệt", "body": "Mở danh sách chờ duyệt để duyệt hoặc trả lại.",
               "url": "/review/", "tag": "review_waiting"}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server, "registrationId": active[0]["registrationId"],
                                                  "data": json.dumps(payload, ensure_ascii=False)})
    # The worker tells open pages after showing it: the bell's count goes up without a reload.
    page.wait_for_function("document.querySelector('[data-unread-count]').textContent.trim() === '1'")
    shown = eventually(page, lambda: page.evaluate("""async () => {
        const shown = await (await navigator.serviceWorker.ready).getNotifications();
        return shown.map((n) => ({title: n.title, body: n.body, url: n.data.url, tag: n.tag}));
    }"""))
    assert shown == [{"title": payload["title"], "body": payload["body"], "url": f"{live_server}/review/",
                      "tag": "review_waiting"}]

    # Issue 11: once nothing waits, a "clear" push with the same tag takes the stale message down
    # (a page of the app is open and visible here, so nothing replaces it).
    clear = {"title": "Không còn hoạt động chờ duyệt", "body": "Mọi hoạt động đã được duyệt hoặc trả lại.",
             "url": "/review/", "tag": "review_waiting", "type": "clear"}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server, "registrationId": active[0]["registrationId"],
                                                  "data": json.dumps(clear, ensure_ascii=False)})
    eventually(page, lambda: page.evaluate("""async () => {
        const shown = await (await navigator.serviceWorker.ready).getNotifications({tag: "review_waiting"});
        return shown.length === 0;
    }"""))
    assert page.locator("[data-unread-count]").inner_text().strip() == "1"  # a clear is no new message

    section.locator("[data-push-disable]").click()
    page.wait_for_function("document.querySelector('[data-push]').dataset.pushState === 'off'")
    assert subscriptions(app) == []
    assert page.evaluate(
        "async () => (await navigator.serviceWorker.ready).pushManager.getSubscription()") is None
