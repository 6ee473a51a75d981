"""Issue 9 item 8: Chromium opens every page of each role under the Content-Security-Policy and the
page reports no violation (``securitypolicyviolation`` events and "Refused to…" console errors)."""
import pytest

from tests.browser.helpers import login
from tests.security.pages import ROLES, add_province_officer, page_urls
from webapp.extensions import db

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ""}`);
});
"""


@pytest.fixture
def demo_server(app, live_server):
    """The live server with 40 demo entries, the 2023 plan and the province officer ``tinh``."""
    from webapp.demo.seed import seed_entries
    from webapp.plan.seed import seed_plan_2023
    from webapp.units.models import Unit

    with app.app_context():
        commune = db.session.scalar(db.select(Unit).where(Unit.type == "commune"))
        seed_entries(commune, count=40)
        seed_plan_2023(commune)
        db.session.commit()
        add_province_officer(commune.id)
        urls = page_urls(app)
    return live_server, urls


def test_no_page_of_any_role_violates_the_policy(demo_server, chromium):
    """Every GET page of the URL map for five roles (field staff, supervisor, officer, admin,
    province officer), plus an htmx search and a dashboard filter: zero violations."""
    server, urls = demo_server
    context = chromium.start(bypass_csp=False)
    context.add_init_script(LISTEN)
    console: list[str] = []
    context.on("console", lambda message: console.append(message.text)
               if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    violations: list[str] = []
    visited = 0
    for username in ROLES:
        page = context.new_page()
        login(page, server.url, username)
        for url in urls:
            response = page.goto(server.url + url)
            assert response is not None and "frame-ancestors 'none'" in (
                response.headers.get("content-security-policy") or ""), url
            page.wait_for_load_state("load")
            found = page.evaluate("window.__cspViolations || []")
            violations.extend(f"{username} {url}: {text}" for text in found)
            visited += 1
        if username == "tonghop":
            page.goto(f"{server.url}/reports/?year=2023")
            page.select_option("select[name=period]", index=1)
            page.wait_for_load_state("networkidle")
            violations.extend(f"{username} dashboard filter: {t}" for t in page.evaluate("window.__cspViolations"))
        if username == "canbo1":
            page.goto(f"{server.url}/entries/")
            page.fill("#q", "thôn")
            page.wait_for_load_state("networkidle")
            violations.extend(f"{username} search: {t}" for t in page.evaluate("window.__cspViolations"))
        # Sign out through the form: the server ends the session, so a cookie that a background request
        # of the old page sets again cannot sign the next role in as this one.
        page.goto(f"{server.url}/entries/")
        page.click("form[action$='/logout'] button")
        page.wait_for_url(f"{server.url}/login*")
        page.close()
        context.clear_cookies()
    assert visited >= 5 * 25
    assert violations == []
    assert console == []
