"""The entry form on a phone: bytes a first online visit transfers, and how fast it opens offline.

Two copies of the app run side by side on one seeded SQLite file, one with gzip (the default) and
one with ``GZIP_RESPONSES = False`` (the baseline of the same run). Headless Chromium (Debian's)
measures:

* ``first_visit``: a fresh browser signs in (cookie set by a direct POST, so only the form counts),
  then opens ``/entries/new/outreach``: the sum of ``encodedDataLength`` of every
  ``Network.loadingFinished`` of the page (CDP), service worker blocked so the page alone counts;
  gzip against no gzip.
* ``with_worker``: the same visit with the service worker allowed, counted on the server (response
  bytes after compression, headers excluded): the page, plus what the worker precaches at install
  and the offline pages it saves.
* ``offline_open``: after one online visit, the form opened again with the network off (from the
  worker's cache) until the outbox script has taken over the form (``#entry-form[data-outbox=ready]``);
  the median of several runs, beside the same measurement online (network-first) in the same run.

Run: ``.venv/bin/python -m bench.offline_bench`` (or ``make bench``); writes ``bench/results/offline.json``.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "offline.json"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
FORM = "/entries/new/outreach"
USER, PASSWORD = "canbo1", "thanhxa-demo"
RUNS = 15


class CountingServer:
    """The app on a free port, counting the bytes of every response body it sends."""

    def __init__(self, app):
        """Wrap ``app`` to count, and serve it from a thread."""
        from werkzeug.serving import WSGIRequestHandler, make_server

        self.sent: list[tuple[str, int]] = []
        self.offline = False
        counter = self

        def counting(environ, start_response):
            """Pass through, adding up the body bytes of the response."""
            path = environ.get("PATH_INFO", "")
            total = 0
            for chunk in app(environ, start_response):
                total += len(chunk)
                yield chunk
            counter.sent.append((path, total))

        class Handler(WSGIRequestHandler):
            """Drops connections while the bench says the network is off."""

            def handle_one_request(self):
                """No answer at all when offline."""
                if counter.offline:
                    self.close_connection = True
                    return None
                return super().handle_one_request()

            def log_request(self, *args, **kwargs):
                """Quiet."""

        self.server = make_server("127.0.0.1", 0, counting, threaded=True, request_handler=Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def build_apps(workdir: Path):
    """The seeded database and two apps on it: gzip on, gzip off."""
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    from webapp import create_app
    from webapp.demo.seed import seed_entries, seed_structure
    from webapp.extensions import db
    from webapp.i18n_compile import compile_all

    compile_all()
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'offline.sqlite'}", "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}
    gzip_app = create_app(settings)
    with gzip_app.app_context():
        db.create_all()
        seed_entries(seed_structure())
        db.session.commit()
    return gzip_app, create_app({**settings, "GZIP_RESPONSES": False})


def sign_in(context, url: str) -> None:
    """Sign in with a direct POST: the session cookie lands in the context, no page is loaded."""
    response = context.request.post(f"{url}/login", form={"username": USER, "password": PASSWORD},
                                     max_redirects=0)
    assert response.status == 302, response.status


def page_bytes(browser, url: str) -> dict:
    """Bytes on the wire (CDP encodedDataLength) for the form's first visit, worker blocked."""
    context = browser.new_context(service_workers="block")
    sign_in(context, url)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda event: urls.__setitem__(event["requestId"], event["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(f"{url}{FORM}", wait_until="networkidle")
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    context.close()
    by_url = {urls.get(rid, rid).replace(url, ""): int(size) for rid, size in sizes.items()}
    by_url = {path: size for path, size in by_url.items() if not path.startswith("data:")}
    api = sum(size for path, size in by_url.items() if path.startswith("/api/"))
    return {"total_bytes": sum(by_url.values()), "page_and_assets_bytes": sum(by_url.values()) - api,
            "api_bytes": api, "requests": len(by_url), "by_url": dict(sorted(by_url.items()))}


def worker_bytes(browser, server: CountingServer) -> dict:
    """Body bytes the server sends for the same visit with the worker allowed (page + precache + warm)."""
    context = browser.new_context()
    sign_in(context, server.url)
    server.sent.clear()
    page = context.new_page()
    page.goto(f"{server.url}{FORM}")
    page.wait_for_selector("html[data-offline-ready]:not([data-offline-ready='0'])", state="attached")
    page.wait_for_timeout(500)
    context.close()
    pages = sum(size for path, size in server.sent if not path.startswith(("/static/", "/api/", "/sw.js")))
    static = sum(size for path, size in server.sent if path.startswith("/static/"))
    return {"total_body_bytes": sum(size for _p, size in server.sent), "requests": len(server.sent),
            "pages_bytes": pages, "static_bytes": static}


def open_times(playwright, server: CountingServer, profile: Path) -> dict:
    """Milliseconds to open the form until the outbox drives it: offline from the cache, and online."""
    context = playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS)
    sign_in(context, server.url)
    page = context.new_page()
    page.goto(f"{server.url}/entries/")
    page.wait_for_selector("html[data-offline-ready]:not([data-offline-ready='0'])", state="attached")

    def timed() -> float:
        """One open of the form, in ms."""
        started = time.perf_counter()
        page.goto(f"{server.url}{FORM}")
        page.wait_for_selector("#entry-form[data-outbox=ready]")
        return (time.perf_counter() - started) * 1000

    online = [timed() for _ in range(RUNS)]
    context.set_offline(True)
    server.offline = True
    offline = [timed() for _ in range(RUNS)]
    server.offline = False
    context.close()
    return {"runs": RUNS, "offline_median_ms": round(statistics.median(offline), 1),
            "offline_min_ms": round(min(offline), 1), "offline_max_ms": round(max(offline), 1),
            "online_median_ms": round(statistics.median(online), 1),
            "offline_vs_online": round(statistics.median(offline) / statistics.median(online), 3)}


def chromium_version() -> str:
    """Debian's Chromium version string."""
    return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> dict:
    """Measure, write ``bench/results/offline.json`` and return it."""
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="binhdang-offline-bench-"))
    gzip_app, plain_app = build_apps(workdir)
    gzip_server, plain_server = CountingServer(gzip_app), CountingServer(plain_app)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            gzip_page, plain_page = page_bytes(browser, gzip_server.url), page_bytes(browser, plain_server.url)
            with_worker = worker_bytes(browser, gzip_server)
            browser.close()
            timing = open_times(playwright, gzip_server, workdir / "profile")
    finally:
        gzip_server.close()
        plain_server.close()
        shutil.rmtree(workdir, ignore_errors=True)
    results = {
        "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "browser": chromium_version()},
        "compression": "Flask-Compress (webapp/pwa/compression.py): brotli 5 or gzip 6; over plain HTTP Chromium asks gzip",
        "first_visit": {
            "gzip_bytes": gzip_page["total_bytes"],
            "no_gzip_bytes": plain_page["total_bytes"],
            "gzip_vs_no_gzip": round(gzip_page["total_bytes"] / plain_page["total_bytes"], 3),
            "gzip_page_and_assets_bytes": gzip_page["page_and_assets_bytes"],
            "gzip_api_bytes": gzip_page["api_bytes"],
            "requests": gzip_page["requests"],
            "gzip_by_url": gzip_page["by_url"],
        },
        "with_worker": with_worker,
        "offline_open": timing,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
