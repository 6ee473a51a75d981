"""Take the README's screenshots from a running app (``make run``), at a phone's 360 px width.

Usage: ``.venv/bin/python docs/make_screenshots.py [http://127.0.0.1:5000]``
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--lang=vi-VN"]


def login(page, username: str) -> None:
    """Sign in through the real form."""
    page.goto(f"{BASE}/login")
    page.fill("#username", username)
    page.fill("#password", "thanhxa-demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # each role lands on its own page
    later = page.locator("[data-push-later]")
    if later.is_visible():  # "Bật thông báo?" is offered once; answer "Để sau" so it covers no screenshot
        later.click()


def shoot(page, path: str, name: str, scroll_to: str | None = None) -> None:
    """Open ``path``, scroll ``scroll_to`` to the top if given, and save a PNG."""
    page.goto(f"{BASE}{path}")
    page.wait_for_timeout(800)
    if scroll_to:
        page.locator(scroll_to).first.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 110)")
    page.screenshot(path=str(OUT / name))


def main() -> None:
    """Entry form and list (field staff), review queue (supervisor), dashboard (officer), a new commune (admin)."""
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        scroll = {"dashboard.png": "[data-kpis]", "admin-commune.png": "#template-units"}
        for username, shots in (("canbo1", [("/entries/new/outreach", "entry-form.png"),
                                            ("/entries/", "entry-list.png")]),
                                ("quantri", [("/users/?q=thi", "admin-users.png")]),
                                ("duyet", [("/review/", "review-queue.png")]),
                                ("tonghop", [("/reports/?period=year-2023", "dashboard.png")]),
                                ("quantri", [("/communes/new/00640", "admin-commune.png")])):

            context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1.5,
                                          locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
            page = context.new_page()
            login(page, username)
            for path, name in shots:
                shoot(page, path, name, scroll.get(name))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
