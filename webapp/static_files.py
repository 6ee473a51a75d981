"""Fingerprinted static files: ``url_for('static', filename='js/app.js')`` gives ``/static/js/app.<hash>.js``
(the first 12 hex digits of the file's SHA-256), served with ``Cache-Control: public, max-age=31536000,
immutable``; a phone never asks for it again until a deploy changes the file, and so its URL.

- Every template keeps writing ``url_for('static', ...)``: a ``url_defaults`` hook adds the hash.
- The plain URL (``/static/js/app.js``) still works with the short, revalidated caching it had: the
  ES modules import each other by plain relative names, and old pages may still name them.
- A URL whose hash is not the file's current one (a page from before a deploy) gets today's file,
  revalidated, never marked immutable.
- The service worker precaches what ``url_for`` gives (the hashed URLs the pages name) and receives
  ``staticAliases`` (plain path → hashed path) to answer the plain module imports from the same copy.

WhiteNoise fingerprints files only through Django's ``collectstatic``; this hook does the same from the
files themselves, hashed once per file version (path, size and mtime), with no build step.
``STATIC_FINGERPRINTS = False`` turns it off.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app

IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 12
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{%d})(?P<suffix>\.[A-Za-z0-9]+)$" % HASH_LENGTH)
_hashes: dict[tuple[str, int, int], str] = {}


def file_hash(filename: str) -> str | None:
    """The content hash of ``static/<filename>`` (None for a file that does not exist)."""
    root = Path(current_app.static_folder)
    path = (root / filename).resolve()
    if root.resolve() not in path.parents or not path.is_file():
        return None
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
    return _hashes[key]


def hashed_name(filename: str) -> str:
    """``js/app.js`` → ``js/app.<hash>.js`` (unchanged for a missing file or one without a suffix)."""
    digest = file_hash(filename)
    stem, dot, suffix = filename.rpartition(".")
    if digest is None or not dot or "/" in suffix:
        return filename
    return f"{stem}.{digest}.{suffix}"


def plain_name(filename: str) -> tuple[str, str | None]:
    """``js/app.<hash>.js`` → (``js/app.js``, hash); a plain name → (itself, None)."""
    match = _HASHED.match(filename)
    if match is None:
        return filename, None
    return match["stem"] + match["suffix"], match["hash"]


def read_and_close(response: Response) -> Response:
    """Read a static file into its response and close the file at once.

    The files are small (the largest is htmx, 51 KB); read, a text file is compressed like any answer
    (Flask-Compress leaves streamed files alone), and no file stays open if the server never closes
    the answer (werkzeug's server can skip it when the phone hangs up). A 304 needs none of the file.
    """
    body = response.response
    if not response.direct_passthrough or not hasattr(body, "close"):
        return response
    try:
        data = b"" if response.status_code == 304 else b"".join(body)
    finally:
        body.close()
    response.direct_passthrough = False
    response.response = [data]
    return response


def _add_hash(endpoint: str, values: dict[str, Any]) -> None:
    """``url_defaults`` hook: the static file's URL carries its content hash."""
    if endpoint == "static" and isinstance(values.get("filename"), str):
        values["filename"] = hashed_name(values["filename"])


def init_app(app: Flask) -> None:
    """Serve static files read into the answer (so they are compressed, and no file stays open); hash
    their URLs and serve hashed names as immutable (unless ``STATIC_FINGERPRINTS`` is False)."""
    if "static" not in app.view_functions:
        return
    plain_view = app.view_functions["static"]
    fingerprints = app.config.get("STATIC_FINGERPRINTS", True)

    def static(filename: str) -> Response:
        """A static file by its plain or hashed name."""
        plain, digest = plain_name(filename) if fingerprints else (filename, None)
        if digest is None or file_hash(plain) is None:
            return read_and_close(plain_view(filename=filename))
        response = read_and_close(plain_view(filename=plain))
        if digest == file_hash(plain) and response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        return response

    app.view_functions["static"] = static
    if fingerprints:
        app.url_defaults(_add_hash)
