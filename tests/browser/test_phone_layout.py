"""Issue 11 §5 at 360 px in Chromium: no page of any role scrolls sideways and none has text under
12 px; every menu destination is reachable from the bottom bar and its Menu; each role lands on its
page; the review counts follow each decision; the "Bật thông báo?" banner is shown once."""
import pytest

from tests.browser.helpers import LANDING, login
from tests.browser.test_csp import demo_server  # noqa: F401  (the fixture: 40 demo entries, the plan, tinh)
from tests.security.pages import ROLES

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
SMALL_TEXT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.getClientRects().length) continue;
    if (element.closest("svg")) continue;  // charts: measured in test_report_dashboard
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < 12) found.push(`${element.tagName}.${element.className} ${size}px "${node.textContent.trim().slice(0, 30)}"`);
  }
  return found;
}"""


def test_every_page_of_every_role_fits_a_360_px_phone(demo_server, chromium):  # noqa: F811
    """Each GET page for five roles: scrollWidth <= innerWidth and no visible text below 12 px."""
    server, urls = demo_server
    context = chromium.start()
    wide, small, visited = [], [], 0
    for username in ROLES:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        login(page, server.url, username)
        for url in urls:
            response = page.goto(server.url + url)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            page.wait_for_load_state("load")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll > inner:
                wide.append(f"{username} {url}: {scroll} > {inner}")
            small.extend(f"{username} {url}: {text}" for text in page.evaluate(SMALL_TEXT)[:3])
            visited += 1
        page.goto(f"{server.url}/entries/")
        page.click("form[action$='/logout'] button")
        page.wait_for_url(f"{server.url}/login*")
        page.close()
        context.clear_cookies()
    assert visited >= 5 * 20
    assert wide == []
    assert small == []


@pytest.mark.parametrize("username", ROLES)
def test_every_destination_is_in_the_bar_or_its_menu(demo_server, chromium, username):  # noqa: F811
    """The role lands on its page; the bottom bar plus "Menu" show every link of the wide screen's menu,
    each visible and tappable, and the top menu is not shown on the phone."""
    server, _urls = demo_server
    page = chromium.start().new_page()
    page.set_viewport_size(PHONE)
    login(page, server.url, username)
    assert page.url == server.url + LANDING.get(username, "/entries/")
    assert not page.locator("nav.mainnav").is_visible()
    expected = page.eval_on_selector_all("nav.mainnav a", "links => links.map((a) => a.getAttribute('href'))")
    bar = page.locator("nav.tabbar > a")
    in_bar = [bar.nth(i).get_attribute("href") for i in range(bar.count())]
    assert all(bar.nth(i).is_visible() for i in range(bar.count())) and 2 <= len(in_bar) <= 4
    page.click("nav.tabbar summary")
    more = page.locator(".more-panel a")
    in_menu = [more.nth(i).get_attribute("href") for i in range(more.count())]
    assert all(more.nth(i).is_visible() for i in range(more.count()))
    assert sorted(in_bar + in_menu) == sorted(expected) and len(expected) >= 4
    target = in_menu[-1]  # the last item of the menu (Tài khoản) opens with a tap
    page.click(f".more-panel a[href='{target}']")
    page.wait_for_url(server.url + target)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner


def test_review_counts_follow_each_decision(demo_server, chromium):  # noqa: F811
    """duyet lands on the queue; after an approval and a return (with a tapped quick comment) the
    "N hoạt động phù hợp", "Duyệt tất cả N…" and the heading's badge all go down, without a reload;
    a row unfolds to its notes and details first."""
    server, _urls = demo_server
    page = chromium.start().new_page()
    page.set_viewport_size(PHONE)
    login(page, server.url, "duyet")

    def counts():
        """(matching, approvable, badge) as the page shows them."""
        total = int(page.get_attribute("[data-review-total]", "data-review-total"))
        bulk = page.locator("[data-bulk-approve]")
        approvable = int("".join(c for c in bulk.inner_text() if c.isdigit())) if bulk.count() else 0
        return total, approvable, int(page.inner_text("#review-count"))

    start = counts()
    assert start[0] >= 2 and start[1] >= 2
    first = page.locator(".review-row").first
    first.locator(".review-more summary").click()
    first.locator(".review-more-body").wait_for()
    first.locator("[data-approve]").click()
    first.locator(".flash-success").wait_for()
    page.wait_for_function(f"document.querySelector('[data-review-total]').dataset.reviewTotal === '{start[0] - 1}'")
    assert counts() == (start[0] - 1, start[1] - 1, start[2] - 1)

    second = page.locator(".review-row").nth(1)
    second.locator(".review-actions summary").click()
    box = second.locator("textarea[name=comment]")
    assert box.bounding_box()["width"] >= 280  # the return box takes the row's width
    second.locator("[data-quick-comment]", has_text="Bổ sung ảnh").click()
    second.locator("[data-quick-comment]", has_text="Sai số người tham gia").click()
    assert box.input_value() == "Bổ sung ảnh. Sai số người tham gia"
    second.locator("[data-return]").click()
    second.locator(".flash-success").wait_for()
    page.wait_for_function(f"document.querySelector('[data-review-total]').dataset.reviewTotal === '{start[0] - 2}'")
    assert counts() == (start[0] - 2, start[1] - 2, start[2] - 2)
    assert page.url == f"{server.url}/review/"  # no page load


def test_push_banner_is_offered_once(demo_server, chromium):  # noqa: F811
    """Field staff on a browser with push and no subscription see "Bật thông báo?"; "Để sau" hides it on
    every later page of this device; the commune officer is never asked."""
    server, _urls = demo_server
    context = chromium.start()
    page = context.new_page()
    page.set_viewport_size(PHONE)
    login(page, server.url, "canbo1")
    banner = page.locator("[data-push-promo]")
    banner.wait_for(state="visible")
    assert "Bật thông báo?" in banner.inner_text()
    assert banner.locator("[data-push-enable]").is_visible() and banner.locator("[data-push-later]").is_visible()
    banner.locator("[data-push-later]").click()
    assert not banner.is_visible()
    page.click("nav.tabbar a[href='/entries/new']")  # a boosted navigation
    page.wait_for_url(f"{server.url}/entries/new")
    page.wait_for_timeout(500)
    assert not page.locator("[data-push-promo]").is_visible()
    page.goto(f"{server.url}/entries/")
    page.wait_for_load_state("networkidle")
    assert not page.locator("[data-push-promo]").is_visible()
    assert page.evaluate("localStorage.getItem('binhdang.pushPromo')") == "later"

    page.click("form[action$='/logout'] button")
    page.wait_for_url(f"{server.url}/login*")
    page.evaluate("localStorage.clear()")
    login(page, server.url, "tonghop")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-push-promo]").count() == 0
