"""Brotli or gzip for text responses (pages, CSS, JS, JSON), through Flask-Compress.

A phone on a weak signal downloads a fraction of the bytes. ``GZIP_RESPONSES = False`` turns it off
(the offline bench's baseline). Images are already compressed and are left alone; conditional
requests are answered after compression, so a static file's ETag still gives 304.
"""
from __future__ import annotations

from flask import Flask

from webapp.extensions import compress

MIMETYPES = [
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "application/manifest+json", "image/svg+xml", "text/plain", "text/csv", "application/xml",
]
DEFAULTS = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 512,
    "COMPRESS_MIMETYPES": MIMETYPES,
    "COMPRESS_STREAMS": False,
}


def init_app(app: Flask) -> None:
    """Compress text responses unless ``GZIP_RESPONSES`` is False."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config.get("GZIP_RESPONSES", True):
        compress.init_app(app)  # static files reach it read into memory (``static_files.read_and_close``)
