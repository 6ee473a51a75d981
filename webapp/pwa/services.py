"""What the service worker precaches, its version, and the web app manifest."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.kinds import all_kinds

# Static files the app shell needs offline; anything larger is left to the HTTP cache.
PRECACHE_SUFFIXES = frozenset({".css", ".js", ".png", ".svg", ".ico", ".woff", ".woff2", ".webp"})
PRECACHE_MAX_BYTES = 1_500_000
SERVICE_WORKER = "js/sw.js"
PUSH_SCRIPT = "js/sw-push.js"
# Loaded into the service worker with importScripts: the idb UMD build, the shared outbox and sync.
WORKER_SCRIPTS = ("vendor/idb/umd.js", "js/outbox.js", "js/sync.js")
THEME_COLOUR = "#9d174d"
BACKGROUND_COLOUR = "#f6f4f1"
# The kinds offered as home-screen shortcuts: the three the field uses most (domain.md).
SHORTCUT_KINDS = ("outreach", "training", "inspection")

# esbuild's record of what went into the bundles (written by `make assets`).
BUNDLE_META = "dist/meta.json"

_version_cache: dict[tuple, str] = {}
_bundle_cache: dict[tuple, frozenset[str]] = {}


def static_root() -> Path:
    """The folder Flask serves under ``/static``."""
    return Path(current_app.static_folder)


def bundled_files() -> frozenset[str]:
    """Static files (relative to ``static/``) that went into a bundle of ``static/dist`` (esbuild's
    ``meta.json``, written by ``make assets``): the pages load the bundle, never these files."""
    meta = static_root() / BUNDLE_META
    if not meta.is_file():
        return frozenset()
    stat = meta.stat()
    key = (str(meta), stat.st_mtime_ns, stat.st_size)
    if key not in _bundle_cache:
        inputs = json.loads(meta.read_text(encoding="utf-8")).get("inputs", {})
        prefix = f"{static_root().name}/"
        _bundle_cache.clear()
        _bundle_cache[key] = frozenset(name.removeprefix(prefix) for name in inputs if name.startswith(prefix))
    return _bundle_cache[key]


def precache_files() -> list[str]:
    """Static files (relative to ``static/``) cached at install, in a stable order: what the pages and
    the worker load (bundles, not what went into them)."""
    root = static_root()
    skipped = (bundled_files() - set(WORKER_SCRIPTS)) | {SERVICE_WORKER, PUSH_SCRIPT}
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if (path.is_file() and path.suffix in PRECACHE_SUFFIXES and relative not in skipped
                and not relative.endswith(".map") and path.stat().st_size <= PRECACHE_MAX_BYTES):
            found.append(relative)
    return found


def static_urls() -> list[str]:
    """URLs of the precached static files, plus the manifest."""
    return [url_for("static", filename=name) for name in precache_files()] + [url_for("pwa.manifest")]


def static_aliases() -> dict[str, str]:
    """Plain path → fingerprinted URL of each precached file whose URL carries its hash: the ES modules
    import each other by plain names, which the worker answers from the fingerprinted copy."""
    base = current_app.static_url_path.rstrip("/")
    found = {}
    for name in precache_files():
        url = url_for("static", filename=name)
        if url != f"{base}/{name}":
            found[f"{base}/{name}"] = url
    return found


def page_urls() -> list[str]:
    """Pages that must open offline: the entry list, the kind chooser, every kind's form, settings."""
    pages = [url_for("entries.index"), url_for("entries.choose_kind")]
    pages += [url_for("entries.new", kind_code=kind.code) for kind in all_kinds()]
    return pages + [url_for("pwa.settings")]


def push_script_exists() -> bool:
    """Whether the push engineer's service-worker part is deployed (imported only when present)."""
    return (static_root() / PUSH_SCRIPT).is_file()


def cache_version() -> str:
    """A short hash of every precached file, the worker scripts and the page list.

    A deploy that changes any of them changes ``/sw.js``; the browser installs the new worker,
    which fills a new cache and deletes the old one.
    """
    root = static_root()
    names = precache_files() + [SERVICE_WORKER] + ([PUSH_SCRIPT] if push_script_exists() else [])
    stats = tuple((name, (root / name).stat().st_mtime_ns, (root / name).stat().st_size) for name in names)
    key = (stats, tuple(page_urls()))
    if key not in _version_cache:
        digest = hashlib.sha256()
        for name in names:
            digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
        digest.update("\n".join(page_urls()).encode())
        _version_cache.clear()
        _version_cache[key] = digest.hexdigest()[:16]
    return _version_cache[key]


def worker_config() -> dict:
    """The settings the service worker starts with (written before its code in ``/sw.js``)."""
    return {
        "version": cache_version(),
        "staticUrls": static_urls(),
        "staticAliases": static_aliases(),
        "pageUrls": page_urls(),
        "offlineUrl": url_for("pwa.offline"),
        "homeUrl": url_for("entries.index"),
        "syncTimeoutMs": current_app.config.get("PWA_SYNC_TIMEOUT_MS", 20_000),
        "navigationTimeoutMs": current_app.config.get("PWA_NAVIGATION_TIMEOUT_MS", 8_000),
    }


def service_worker_source() -> str:
    """The body of ``/sw.js``: the config, the shared scripts, the push part if deployed, the worker."""
    scripts = [url_for("static", filename=name) for name in WORKER_SCRIPTS]
    if push_script_exists():
        scripts.append(url_for("static", filename=PUSH_SCRIPT))
    preamble = (
        f"self.BINHDANG_SW = {json.dumps(worker_config(), ensure_ascii=False)};\n"
        f"importScripts({', '.join(json.dumps(s) for s in scripts)});\n"
    )
    return preamble + (static_root() / SERVICE_WORKER).read_text(encoding="utf-8")


def commune_name() -> str | None:
    """The commune in the installed app's name: the signed-in person's own; for a visitor, the commune
    only when the server serves just one (never merely the first commune of the database)."""
    from webapp.communes.services import home_commune_name
    from webapp.units.models import Unit

    own = home_commune_name()
    if own is not None:
        return own
    names = db.session.scalars(sa.select(Unit.name).where(Unit.type == "commune").limit(2)).all()
    return names[0] if len(names) == 1 else None


def _icon(file: str, size: str, purpose: str) -> dict:
    """One icon of the manifest."""
    kind = "image/svg+xml" if file.endswith(".svg") else "image/png"
    return {"src": url_for("static", filename=f"icons/{file}"), "sizes": size, "type": kind, "purpose": purpose}


def web_manifest() -> dict:
    """The web app manifest: Vietnamese name, icons (maskable too), standalone, theme colour."""
    commune = commune_name()
    name = f"Bình Đẳng – {commune}" if commune else "Bình Đẳng"
    kinds = {kind.code: kind for kind in all_kinds()}
    return {
        "id": url_for("entries.index"),
        "name": name,
        "short_name": "Bình Đẳng",
        "description": _("Log and report the commune's gender-equality activities, even with no network."),
        "lang": "vi",
        "dir": "ltr",
        "start_url": url_for("entries.index"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["productivity", "government"],
        "icons": [
            _icon("icon-192.png", "192x192", "any"),
            _icon("icon-512.png", "512x512", "any"),
            _icon("maskable-192.png", "192x192", "maskable"),
            _icon("maskable-512.png", "512x512", "maskable"),
            _icon("icon.svg", "any", "any"),
        ],
        "shortcuts": [
            {"name": str(kinds[code].label), "url": url_for("entries.new", kind_code=code),
             "icons": [_icon("icon-192.png", "192x192", "any")]}
            for code in SHORTCUT_KINDS if code in kinds
        ],
    }
