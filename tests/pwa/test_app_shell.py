"""The installable app's server side: manifest, service worker, offline page, settings, compression."""
import gzip
import json
import re

import brotli

from webapp.pwa import services

GZIP = {"Accept-Encoding": "gzip, deflate"}


HASHED = r"\.[0-9a-f]{12}\."


def plain(url: str) -> str:
    """A static URL without its content hash (``/static/js/app.<hash>.js`` → ``/static/js/app.js``)."""
    return re.sub(HASHED, ".", url)


def worker_config(response) -> dict:
    """The JSON the ``/sw.js`` preamble assigns to ``self.BINHDANG_SW``."""
    match = re.match(r"self\.BINHDANG_SW = (\{.*?\});\n", response.get_data(as_text=True))
    return json.loads(match.group(1))


def test_manifest_names_the_commune_in_vietnamese_and_installs_standalone(client, commune):
    """Vietnamese name from the commune in the database, icons (maskable too), theme colour."""
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "Bình Đẳng – Xã Thanh Xá" and manifest["short_name"] == "Bình Đẳng"
    assert (manifest["display"], manifest["theme_color"]) == ("standalone", "#9d174d")
    assert manifest["start_url"] == "/entries/"
    assert manifest["lang"] == "vi" and "không có mạng" in manifest["description"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200
    assert [s["url"] for s in manifest["shortcuts"]] == ["/entries/new/outreach", "/entries/new/training",
                                                         "/entries/new/inspection"]


def test_icons_are_real_pngs_of_their_declared_size(client, commune):
    """Each PNG icon's header says the size the manifest declares."""
    for icon in client.get("/manifest.webmanifest").get_json()["icons"]:
        if icon["type"] != "image/png":
            continue
        with client.get(icon["src"]) as response:
            body = response.data
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_service_worker_is_served_for_scope_root_and_never_cached(client):
    """``/sw.js``: JavaScript, ``Service-Worker-Allowed: /``, no-cache, the shared scripts imported."""
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    imported = re.search(r"importScripts\((.*)\);", body).group(1)
    assert [plain(url) for url in json.loads(f"[{imported}]")][:3] == [
        "/static/vendor/idb/umd.js", "/static/js/outbox.js", "/static/js/sync.js"]
    assert 'addEventListener("sync"' in body and "clients.claim()" in body and "skipWaiting()" in body


def test_worker_precaches_every_kinds_form_the_list_and_static_files(client, app):
    """The pages that must open offline, and every static file the shell needs."""
    config = worker_config(client.get("/sw.js"))
    from webapp.kinds import all_kinds

    assert config["pageUrls"][:2] == ["/entries/", "/entries/new"]
    assert {f"/entries/new/{kind.code}" for kind in all_kinds()} <= set(config["pageUrls"])
    assert config["offlineUrl"] == "/offline" and "/settings" in config["pageUrls"]
    precached = {plain(found) for found in config["staticUrls"]}
    for url in ("/static/dist/main.css", "/static/dist/main.js", "/static/js/outbox.js", "/static/vendor/htmx.min.js",
                "/static/vendor/idb/umd.js", "/static/icons/icon-192.png", "/manifest.webmanifest"):
        assert url in precached
    # What went into the bundles is never downloaded twice (the worker's own scripts excepted).
    for url in ("/static/js/sw.js", "/static/js/pwa.js", "/static/js/main.js", "/static/css/app.css"):
        assert url not in precached
    assert config["syncTimeoutMs"] == app.config.get("PWA_SYNC_TIMEOUT_MS", 20000)


def test_push_part_is_imported_only_when_deployed(client, app, monkeypatch):
    """``sw-push.js`` is imported when the file exists; a missing file leaves it out (install works)."""
    with app.test_request_context():
        present = services.push_script_exists()
    body = client.get("/sw.js").get_data(as_text=True)
    assert bool(re.search(r'"/static/js/sw-push\.[0-9a-f]{12}\.js"', body)) == present
    monkeypatch.setattr(services, "PUSH_SCRIPT", "js/not-deployed.js")
    body = client.get("/sw.js").get_data(as_text=True)
    assert "not-deployed" not in body and "sw-push.js" not in body.split("\n", 2)[1]


def test_cache_version_changes_when_a_precached_file_changes(client, app, tmp_path):
    """A deploy that changes a static file gives a new worker version (a new cache)."""
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "sw.js").write_text("// worker\n")
    (static / "css").mkdir()
    css = static / "css" / "app.css"
    css.write_text("body { color: black; }")
    app.static_folder = str(static)
    first = worker_config(client.get("/sw.js"))["version"]
    assert worker_config(client.get("/sw.js"))["version"] == first
    css.write_text("body { color: #9d174d; }")
    second = worker_config(client.get("/sw.js"))["version"]
    assert second != first and len(second) == 16


def test_offline_page_is_public_and_links_to_the_forms(client):
    """The offline page needs no session (it is cached at install) and says what still works."""
    response = client.get("/offline")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-offline-page" in page
    assert "Không có kết nối mạng" in page and 'href="/entries/new"' in page


def test_settings_needs_a_login_and_is_in_the_menu(client, auth, commune):
    """Anonymous → login; signed in → the page with export and storage slots, linked in the menu."""
    assert client.get("/settings").status_code == 302
    auth.login("canbo1")
    page = client.get("/settings").get_data(as_text=True)
    assert "data-export-outbox" in page and "data-storage-persisted" in page
    assert 'href="/outbox/import"' not in page  # field staff do not import
    assert 'href="/settings"' in client.get("/entries/").get_data(as_text=True)


def test_every_page_carries_the_scripts_strings_in_vietnamese(client, auth, commune):
    """The page scripts' strings come from the catalogs, rendered into the page."""
    auth.login("canbo1")
    page = client.get("/entries/new/outreach").get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="pwa-config">(.*?)</script>', page).group(1))
    assert config["user"] == "canbo1"
    assert config["strings"]["saved"] == "Đã lưu trên máy."
    assert config["strings"]["syncing"] == "Đang đồng bộ {done}/{total}"
    assert config["strings"]["sign_in_again"] == "Đăng nhập lại để gửi"
    assert config["kinds"]["outreach"] == "Tuyên truyền"
    schema = json.loads(re.search(r'id="pwa-kind-schema" data-kind="outreach">(.*?)</script>', page).group(1))
    assert schema["properties"]["participants_male"]["type"] == "integer" and "format" in schema["required"]
    client.post("/language", data={"locale": "en", "next": "/entries/"})
    page = client.get("/entries/new/outreach").get_data(as_text=True)
    assert '"saved": "Saved on this device."' in page


def test_text_responses_are_gzipped_and_static_files_still_answer_304(client, auth, commune):
    """Pages, CSS and JS are gzipped when the client accepts it; a static file's ETag still works."""
    auth.login("canbo1")
    page = client.get("/entries/new/outreach", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert b'id="entry-form"' in gzip.decompress(page.data)
    plain = client.get("/entries/new/outreach")
    assert "Content-Encoding" not in plain.headers and b'id="entry-form"' in plain.data
    with client.get("/static/js/outbox.js", headers=GZIP) as script:
        assert script.headers["Content-Encoding"] == "gzip"
        assert len(script.data) < len(gzip.decompress(script.data)) / 2
        assert script.headers["ETag"].endswith(':gzip"')  # each encoding its own validator
    with client.get("/static/js/outbox.js", headers={**GZIP, "If-None-Match": script.headers["ETag"]}) as again:
        assert again.status_code == 304
    with client.get("/static/icons/icon-192.png", headers=GZIP) as icon:
        assert "Content-Encoding" not in icon.headers  # images are already compressed
    with client.get("/static/js/outbox.js", headers={"Accept-Encoding": "br, gzip"}) as script:
        assert script.headers["Content-Encoding"] == "br"
        assert b"BinhdangOutbox" in brotli.decompress(script.data)


def test_gzip_can_be_turned_off(app_settings, database_url):
    """``GZIP_RESPONSES = False`` serves everything as is (the benchmark's baseline)."""
    from webapp import create_app

    application = create_app({**app_settings, "GZIP_RESPONSES": False})
    with application.test_client().get("/static/js/outbox.js", headers=GZIP) as response:
        assert "Content-Encoding" not in response.headers and b"BinhdangOutbox" in response.data


def test_static_urls_carry_their_hash_and_are_cached_for_a_year(client, auth, commune):
    """The pages name static files by content hash, served ``immutable`` for a year; the plain name
    still answers, revalidated; a hash that is not the file's (a page from before a deploy) gets
    today's file, never marked immutable."""
    auth.login("canbo1")
    page = client.get("/entries/new/outreach").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert urls and all(re.search(HASHED, url) for url in urls)
    for url in urls:
        with client.get(url) as hashed, client.get(plain(url)) as unhashed:
            assert hashed.status_code == 200 and hashed.data == unhashed.data
            assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert "immutable" not in unhashed.headers.get("Cache-Control", "")
    stale = re.sub(HASHED, ".000000000000.", urls[0])
    with client.get(stale) as response:
        assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")


def test_worker_precaches_the_urls_the_pages_name(client, auth, commune):
    """Every static URL of the entry form is in the worker's precache list, and every module a page's
    script imports by plain name maps to a precached fingerprinted URL (so the form opens offline)."""
    auth.login("canbo1")
    config = worker_config(client.get("/sw.js"))
    page = client.get("/entries/new/outreach").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert set(urls) <= set(config["staticUrls"])
    with client.get(plain(next(u for u in urls if "/dist/main." in u and u.endswith(".js")))) as script:
        imported = re.findall(r'(?:from ?|import\()"\./([^"]+)"', script.get_data(as_text=True))
    # The modules of one page each are chunks of their own, loaded on their pages only.
    assert {re.sub(r"-[A-Z0-9]+\.js$", "", name) for name in imported} >= {"chunks/local-entries", "chunks/settings-page"}
    assert all(config["staticAliases"][f"/static/dist/{name}"] in config["staticUrls"] for name in imported)


def test_a_changed_file_gets_a_new_url_and_a_new_worker(app, client, tmp_path, monkeypatch):
    """A deploy that changes a static file changes its URL and the worker's cache version."""
    import shutil

    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    monkeypatch.setattr(app, "static_folder", str(static))
    before = worker_config(client.get("/sw.js"))
    (static / "dist" / "main.js").write_text((static / "dist" / "main.js").read_text() + "\n// changed\n")
    after = worker_config(client.get("/sw.js"))
    changed = [url for url in after["staticUrls"] if plain(url) == "/static/dist/main.js"]
    assert changed and changed[0] not in before["staticUrls"] and after["version"] != before["version"]
    with client.get(changed[0]) as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_static_file_is_closed_even_when_the_server_never_closes_the_answer(app, client, commune):
    """A phone that hangs up mid-answer makes werkzeug's server skip closing the response: the file
    must already be closed when the app returns (200 and 304 alike), or it leaks."""
    import os

    from werkzeug.test import EnvironBuilder

    url = next(u for u in worker_config(client.get("/sw.js"))["staticUrls"] if u.endswith(".svg"))
    etag = client.get(url).headers["ETag"]

    def open_svgs() -> list[str]:
        """This process's open files that are SVG icons."""
        found = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                found.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass
        return [path for path in found if path.endswith(".svg")]

    kept = []
    for headers in ({}, {"If-None-Match": etag}):
        environ = EnvironBuilder(url, headers=headers).get_environ()
        statuses = []
        kept.append(app(environ, lambda status, _headers, exc_info=None: statuses.append(status)))  # never closed
        assert statuses[0].split()[0] in ("200", "304") and open_svgs() == [], (statuses, open_svgs())
    assert statuses[0].startswith("304")


def test_the_entry_form_loads_one_bundled_script_and_stylesheet_and_no_htmx(client, auth, commune):
    """The form a field worker opens most loads one script and one stylesheet (the bundles) and no htmx:
    its links load whole pages; the other pages keep htmx for boosted navigation."""
    auth.login("canbo1")
    for url in ("/entries/new/outreach", "/entries/new/training"):
        page = client.get(url).get_data(as_text=True)
        scripts = re.findall(r'<script[^>]* src="(/static/[^"]+)"', page)
        sheets = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', page)
        assert [plain(src) for src in scripts] == ["/static/dist/main.js"], scripts
        assert [plain(href) for href in sheets] == ["/static/dist/main.css"], sheets
    listing = client.get("/entries/").get_data(as_text=True)
    assert {plain(src) for src in re.findall(r'<script[^>]* src="(/static/[^"]+)"', listing)} == {
        "/static/vendor/htmx.min.js", "/static/dist/main.js"}
