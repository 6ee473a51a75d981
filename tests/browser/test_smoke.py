"""The foundation's smoke test in a real browser: sign in, log an outreach session, see it listed."""
import pytest

from tests.browser.helpers import login, outbox_count

pytestmark = pytest.mark.browser


def test_log_an_outreach_session_through_the_real_form(live_server, chromium):
    """canbo1 fills the outreach form; it is sent through the outbox and shows in the entry list."""
    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)
    page.goto(f"{live_server.url}/entries/new/outreach")
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    page.select_option("select[name=village_id]", index=1)
    page.select_option("select[name=format]", "direct_talk")
    page.fill("input[name=participants_male]", "12")
    page.fill("input[name=participants_female]", "31")
    page.click("[data-more-details] > summary")  # notes are folded under "Thêm chi tiết"
    page.fill("textarea[name=notes]", "Buổi nói chuyện ở nhà văn hóa thôn")
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("[data-form-status]:has-text('Đã lưu trên máy'), [data-form-status]:has-text('Đã gửi ✓')")
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries(notes="Buổi nói chuyện ở nhà văn hóa thôn")
    assert (entry.participants_male, entry.participants_female, entry.kind) == (12, 31, "outreach")
    assert entry.author.username == "canbo1"
    page.goto(f"{live_server.url}/entries/")
    row = page.locator(f"a[href='/entries/{entry.uuid}']")
    assert "Tuyên truyền" in row.inner_text()
    assert outbox_count(page) == 0


def test_the_form_loads_no_htmx_and_works_reached_whole_or_by_a_boosted_link(live_server, chromium):
    """The bundle wires the form whichever way it is reached: by boosted links from the list (htmx
    swaps the body) or loaded whole (no htmx: its menu links then load whole pages)."""
    from tests.browser.helpers import open_more_details

    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)

    def warns_about_a_phone_number() -> None:
        """The phone-side identity check is wired: a phone number in the notes is warned about."""
        page.wait_for_selector("#entry-form[data-outbox=ready]")
        open_more_details(page)
        page.fill("textarea[name=notes]", "Gọi chị Lan 0912345678")
        page.wait_for_selector("[data-identity-warning]")

    page.goto(f"{live_server.url}/entries/")
    assert page.evaluate("typeof window.htmx") == "object"
    page.click(".mainnav a[href='/entries/new']")
    page.click("a[href='/entries/new/outreach']")
    page.wait_for_url("**/entries/new/outreach")
    assert page.evaluate("typeof window.htmx") == "object"  # the same document: a boosted swap
    warns_about_a_phone_number()

    page.goto(f"{live_server.url}/entries/new/outreach")
    assert page.evaluate("typeof window.htmx") == "undefined"
    warns_about_a_phone_number()
    page.click(".mainnav a[href='/entries/']")
    page.wait_for_url("**/entries/")
    page.wait_for_function("typeof window.htmx === 'object'")  # a whole page, with htmx again
    assert outbox_count(page) == 0
