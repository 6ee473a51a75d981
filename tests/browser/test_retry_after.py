"""The phone's outbox honours the server's ``Retry-After`` (a 503 while the database is down)."""
from __future__ import annotations

import json
import time

import pytest

from tests.browser.helpers import login, open_form_offline, outbox_count, save_outreach, sync_now

MESSAGE = "Máy chủ tạm thời không ghi được, dữ liệu trên máy vẫn an toàn. Hãy thử lại sau ít phút."


@pytest.mark.browser
def test_a_503_with_retry_after_sets_the_next_try_and_shows_the_servers_words(live_server, chromium):
    """Retry-After: 600 puts the next automatic try 10 minutes away (not the 15 s backoff), the status
    line says the server's sentence, and the entry goes through once the server answers again."""
    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)
    context.route("**/api/v1/sync", lambda route: route.fulfill(
        status=503, headers={"Retry-After": "600"}, content_type="application/json",
        body=json.dumps({"error": {"code": "database_unavailable", "message": MESSAGE}})))
    open_form_offline(page, live_server.url)
    save_outreach(page, "Chờ máy chủ")
    sync_now(page, "server")
    now_ms = time.time() * 1000
    waits = page.evaluate("""async () => (await self.BinhdangOutbox.records())
        .map((r) => Date.parse(r.nextAttemptAt))""")
    assert len(waits) == 1
    seconds = (waits[0] - now_ms) / 1000
    assert 560 <= seconds <= 730, f"next try in {seconds:.0f} s"
    page.wait_for_selector(f"[data-sync-status] .sync-trouble:has-text('{MESSAGE[:40]}')")
    assert outbox_count(page) == 1 and live_server.entries() == []

    context.unroute("**/api/v1/sync")
    sync_now(page, "ok")
    assert outbox_count(page) == 0
    assert [e.notes for e in live_server.entries()] == ["Chờ máy chủ"]
