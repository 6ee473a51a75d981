"""What the browser tests do in a page: sign in, go offline, save an entry, sync, read the outbox."""
import time

from tests.conftest import DEMO_PASSWORD


def set_network(context, server, online: bool) -> None:
    """Take the device offline or back online: the browser's emulation and the real connection."""
    if online:
        server.set_reachable(True)
        context.set_offline(False)
    else:
        context.set_offline(True)
        server.set_reachable(False)


# Where each demo role lands after signing in (issue 11: supervisors the queue, the officer the dashboard).
LANDING = {"duyet": "/review/", "tonghop": "/reports/", "quantri": "/admin/", "tinh": "/reports/"}


def login(page, base_url: str, username: str = "canbo1") -> None:
    """Sign in through the real form and wait for the person's landing page (field staff: the entry list)."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{LANDING.get(username, '/entries/')}")


def signed_in_then_offline(chromium, live_server, known_uuid: str | None = None):
    """Start the browser, sign in online, wait until the pages (and ``known_uuid``, if given) are
    saved on the phone, then cut the network; return ``(context, page)``."""
    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)
    if known_uuid is not None:
        wait_until_known(page, known_uuid)
    wait_offline_ready(page)
    set_network(context, live_server, online=False)
    return context, page


def wait_until_known(page, entry_uuid: str) -> None:
    """Wait until the read-back (GET /api/v1/entries) put the entry into IndexedDB."""
    wait_for_async(page, "async (uuid) => Boolean(await self.BinhdangOutbox.knownEntry(uuid))", entry_uuid)


def wait_offline_ready(page) -> None:
    """Wait until the service worker controls the page and has saved the offline pages."""
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("html[data-offline-ready]:not([data-offline-ready='0'])", state="attached")


def outbox_count(page) -> int:
    """The number shown in the page's [data-outbox-count], once the phone has counted its outbox."""
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent !== ''")
    return int(page.locator("[data-outbox-count]").first.inner_text())


def open_more_details(page) -> None:
    """Unfold "Thêm chi tiết" (the optional fields) if it is folded."""
    page.evaluate("document.querySelectorAll('[data-more-details]').forEach((d) => { d.open = true; })")


def save_outreach(page, notes: str, male: int = 5, female: int = 9) -> None:
    """Fill the outreach form and save it; wait for "Đã lưu trên máy", then press "Thêm hoạt động
    khác" to get the emptied form back."""
    page.select_option("select[name=village_id]", index=1)
    page.select_option("select[name=format]", "dialogue")
    page.fill("input[name=participants_male]", str(male))
    page.fill("input[name=participants_female]", str(female))
    open_more_details(page)
    page.fill("textarea[name=notes]", notes)
    page.evaluate("document.querySelector('[data-form-status]').textContent = ''")
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("[data-form-status]:has-text('Đã lưu trên máy'), [data-form-status]:has-text('Đã gửi')")
    assert page.input_value("textarea[name=notes]") == ""
    page.click("[data-add-another]")
    page.wait_for_selector("#entry-form button[type=submit]:visible")


def open_form_offline(page, base_url: str) -> None:
    """Open the outreach form (from the cache when offline) and wait until the outbox drives it."""
    page.goto(f"{base_url}/entries/new/outreach")
    page.wait_for_selector("#entry-form[data-outbox=ready]")


def sync_now(page, expected: str) -> None:
    """Press the sync button until a sync (not a "busy" answer: the worker was syncing) ends with
    ``expected``."""
    for _attempt in range(10):
        page.wait_for_function("!document.documentElement.dataset.syncing")  # the page's own sync is done
        page.evaluate("delete document.documentElement.dataset.lastSync")
        page.click("[data-sync-now]")
        page.wait_for_selector("html[data-last-sync^='button:']", state="attached")
        outcome = page.evaluate("document.documentElement.dataset.lastSync")
        if outcome != "button:busy":
            assert outcome == f"button:{expected}"
            return
        page.wait_for_timeout(500)
    raise AssertionError("the outbox stayed busy")


def wait_for_async(page, script: str, arg=None, seconds: float = 20) -> None:
    """Poll an async JS function until it returns something truthy (``wait_for_function`` does not
    await a promise: it would take the promise itself as the truthy answer)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {script}")
        page.wait_for_timeout(200)


def wait_for_outbox(page, condition: str, seconds: float = 20) -> None:
    """Wait until ``condition`` (JS over ``records``, the outbox's records) holds."""
    wait_for_async(page, f"async () => {{ const records = await self.BinhdangOutbox.records(); "
                         f"return Boolean({condition}); }}", seconds=seconds)


def outbox_records(page) -> list[dict]:
    """The outbox records in IndexedDB (uuid, state, notes)."""
    return page.evaluate("""async () => (await self.BinhdangOutbox.records())
        .map((r) => ({uuid: r.uuid, state: r.state, notes: r.data.notes, errors: r.errors}))""")
