"""Logging one outreach session as ``canbo1`` on a 360×740 phone: taps, typed fields, scrolls and seconds.

The common case: from the home list, open the outreach form, fill only what is required and still
empty (the form preselects the unit, the village, today and a cost of 0), and save. Headless Chromium
(Debian's) does it the way a person would, and the script counts what the person had to do:

* ``taps``: one per link or button pressed, one per text/number field focused, two per drop-down
  (open, choose);
* ``typed_fields`` and ``keystrokes``: fields typed into and the characters typed;
* ``scrolls``: each time the next control (or the Save button) is not on screen, or hidden under a
  sticky bar, and the page must be scrolled to reach it;
* ``seconds_scripted``: wall-clock of the scripted run from the home list to "saved on this device"
  (machine time: the app's own overhead), and ``seconds_to_server`` until the outbox is empty;
* ``seconds_estimated``: a keystroke-level estimate for a person (tap 1.1 s, keystroke 0.35 s,
  scroll 1.2 s, 1.2 s to read each field), the figure the issue asks for.

Run ``.venv/bin/python -m bench.field_entry_bench --label after`` (``--label before`` on main's code,
from a checkout of it); results merge into ``bench/results/field_entry.json`` under the label.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "field_entry.json"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
USER, PASSWORD = "canbo1", "thanhxa-demo"
VALUES = {"participants_male": "12", "participants_female": "25", "format": "dialogue"}
TAP_S, KEY_S, SCROLL_S, READ_S = 1.1, 0.35, 1.2, 1.2


def build_app(workdir: Path):
    """The demo commune on a fresh SQLite file."""
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    from webapp import create_app
    from webapp.demo.seed import seed_structure
    from webapp.extensions import db
    from webapp.i18n_compile import compile_all

    compile_all()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'field.sqlite'}", "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        seed_structure()
        db.session.commit()
    return app


def serve(app) -> str:
    """Serve ``app`` from a thread; its base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        """No request log."""

        def log_request(self, *args, **kwargs):
            """Quiet."""

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


class Person:
    """Counts what a person does on the page."""

    def __init__(self, page):
        """Start from nothing."""
        self.page = page
        self.taps = self.typed_fields = self.keystrokes = self.scrolls = self.fields_read = 0

    def reach(self, locator) -> None:
        """Scroll first when ``locator`` is not on screen, or covered (by a sticky bar, a header)."""
        on_screen = locator.evaluate("""(el) => {
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
            const hit = document.elementFromPoint(x, y);
            return Boolean(hit) && (el === hit || el.contains(hit));
        }""")
        if not on_screen:
            self.scrolls += 1
            locator.scroll_into_view_if_needed()
            if not locator.evaluate("(el) => el.getBoundingClientRect().bottom <= innerHeight"):
                self.page.mouse.wheel(0, 200)

    def tap(self, locator) -> None:
        """Press a link or button."""
        self.reach(locator)
        self.taps += 1
        locator.click()

    def fill(self, locator, text: str) -> None:
        """Focus a field and type."""
        self.reach(locator)
        self.taps += 1
        self.typed_fields += 1
        self.keystrokes += len(text)
        self.fields_read += 1
        locator.click()
        locator.fill(text)

    def choose(self, locator, value: str) -> None:
        """Open a drop-down and pick."""
        self.reach(locator)
        self.taps += 2
        self.fields_read += 1
        locator.select_option(value)


def required_empty(page) -> list[dict]:
    """The required inputs of the form that are still empty, in page order."""
    return page.evaluate("""() => {
        const schema = JSON.parse(document.getElementById('pwa-kind-schema').textContent);
        const form = document.getElementById('entry-form');
        return (schema.required || []).map((name) => form.elements.namedItem(name))
          .filter((input) => input && !String(input.value || '').trim())
          .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))
          .map((input) => ({name: input.name, tag: input.tagName.toLowerCase()}));
    }""")


def log_one(page, url: str) -> dict:
    """From the home list to a saved outreach entry; what it took."""
    person = Person(page)
    page.goto(f"{url}/entries/")
    page.wait_for_load_state("networkidle")
    started = time.perf_counter()
    person.tap(page.locator("a[href='/entries/new']:visible").first)
    person.tap(page.locator("a[href='/entries/new/outreach']"))
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    page.wait_for_timeout(300)  # the outbox script may have offered a draft: none here
    form_height = page.evaluate("document.documentElement.scrollHeight")
    for field in required_empty(page):
        locator = page.locator(f"#entry-form [name='{field['name']}']")
        if field["tag"] == "select":
            person.choose(locator, VALUES.get(field["name"]) or locator.locator("option").nth(1).get_attribute("value"))
        else:
            person.fill(locator, VALUES.get(field["name"], "1"))
    person.tap(page.locator("#entry-form button[type=submit]:visible").first)
    page.wait_for_selector("[data-form-status]:has-text('Đã lưu trên máy')")
    saved = time.perf_counter() - started
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    sent = time.perf_counter() - started
    estimate = (person.taps * TAP_S + person.keystrokes * KEY_S + person.scrolls * SCROLL_S
                + person.fields_read * READ_S)
    return {"taps": person.taps, "typed_fields": person.typed_fields, "keystrokes": person.keystrokes,
            "scrolls": person.scrolls, "form_page_height_px": form_height,
            "seconds_scripted": round(saved, 2), "seconds_to_server": round(sent, 2),
            "seconds_estimated": round(estimate, 1)}


def main() -> None:
    """Run once and merge the figures into the results file under ``--label``."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", default=str(RESULTS))
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="binhdang-field-bench-"))
    url = serve(build_app(workdir))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh", has_touch=True, is_mobile=True,
                                      bypass_csp=True)
        page = context.new_page()
        page.goto(f"{url}/login")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/entries/")
        later = page.locator("[data-push-later]")
        if later.is_visible():  # "Bật thông báo?" is asked once per phone, not at every entry: answered before
            later.click()
        figures = log_one(page, url)
        browser.close()
    out = Path(options.out)
    results = json.loads(out.read_text()) if out.exists() else {}
    results[options.label] = dict(figures, measured_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                  viewport="360x740", user=USER, kind="outreach")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({options.label: results[options.label]}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
