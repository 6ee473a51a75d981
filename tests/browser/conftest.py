"""Browser tests: the app served for real on 127.0.0.1, driven by Debian's Chromium through Playwright.

``live_server`` runs the test app (the run's database, the demo commune) in a thread with werkzeug;
``chromium`` starts a persistent profile in a temporary folder, so a test can close the browser and
start it again on the same profile, offline or not. ``BROWSER_CONSOLE=1`` prints the browser's console.
Page actions shared by the tests are in ``tests/browser/helpers.py``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import WSGIRequestHandler, make_server

from webapp.entries.models import Entry
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A short API timeout, so the "server hangs" test waits seconds, not the 20 s of production.
SYNC_TIMEOUT_MS = 8000  # generous: a loaded CI machine must not turn a slow answer into a timeout


@pytest.fixture(scope="session", autouse=True)
def vendor_assets():
    """The pages load htmx from static/vendor and the bundles from static/dist (``make assets``)."""
    if not all((ROOT / "static" / name).exists() for name in ("vendor/idb/umd.js", "dist/main.js", "dist/main.css")):
        subprocess.run(["make", "assets"], cwd=ROOT, check=True)


@pytest.fixture
def app_settings(database_url):
    """The test settings plus a short sync timeout, with CSRF checks on as in production."""
    from tests.conftest import test_settings

    return test_settings(database_url, PWA_SYNC_TIMEOUT_MS=SYNC_TIMEOUT_MS, WTF_CSRF_ENABLED=True)


class UnreachableWhenDown(WSGIRequestHandler):
    """Drops every connection without an answer while the server's ``network_down`` is set."""

    def handle_one_request(self):
        """Like a dead network: nothing comes back, the browser sees a failed fetch."""
        if self.server.network_down:
            self.close_connection = True
            return None
        return super().handle_one_request()


class LiveServer:
    """The app served on a free port of 127.0.0.1 from a background thread."""

    def __init__(self, app):
        """Bind a threaded werkzeug server to a free port."""
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=UnreachableWhenDown)
        self.server.network_down = False
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def set_reachable(self, reachable: bool) -> None:
        """Cut or restore the network between the browser and the server.

        ``context.set_offline`` emulates offline in each page and worker Playwright is attached to;
        a service worker the browser wakes at start-up (Background Sync) can run before that, so the
        server also stops answering: offline means offline for every part of the browser.
        """
        self.server.network_down = not reachable

    def entries(self, **filters) -> list[Entry]:
        """Entries in the database now (read through a fresh session)."""
        with self.app.app_context():
            query = sa.select(Entry).filter_by(**filters).order_by(Entry.id)
            rows = list(db.session.scalars(query))
            db.session.expunge_all()
            return rows


@pytest.fixture
def live_server(app, commune):
    """The running app with the demo commune."""
    server = LiveServer(app)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=10)


class Chromium:
    """Start and restart headless Chromium on one persistent profile."""

    def __init__(self, playwright, profile: Path):
        """Remember the profile folder; nothing is started yet."""
        self.playwright = playwright
        self.profile = profile
        self.context = None

    def start(self, offline: bool = False, bypass_csp: bool = True):
        """Launch Chromium on the profile; returns the browser context. Playwright's own string
        expressions (``wait_for_function("…")``) are evaluated with eval, which the app's CSP
        forbids, so tests bypass the CSP unless they test it (``bypass_csp=False``)."""
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            offline=offline, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="allow",
            bypass_csp=bypass_csp)
        self.context.set_default_timeout(20000)
        if os.environ.get("BROWSER_CONSOLE"):
            self.context.on("console", lambda message: print("console:", message.type, message.text))
            self.context.on("weberror", lambda error: print("page error:", error.error))
        return self.context

    def stop(self) -> None:
        """Close the browser (the profile stays on disk)."""
        if self.context is not None:
            self.context.close()
            self.context = None


@pytest.fixture
def chromium(playwright_driver):
    """A Chromium launcher on a fresh profile, closed and removed after the test."""
    profile = Path(tempfile.mkdtemp(prefix="binhdang-chromium-"))
    browser = Chromium(playwright_driver, profile)
    yield browser
    browser.stop()
    for _attempt in range(20):  # Chromium may still be flushing the profile just after it closed
        shutil.rmtree(profile, ignore_errors=True)
        if not profile.exists():
            break
        time.sleep(0.1)
