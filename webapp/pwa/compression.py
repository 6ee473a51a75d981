"""Brotli or gzip for text responses (pages, CSS, JS, JSON), through Flask-Compress.

A phone on a weak signal downloads a fraction of the bytes. ``GZIP_RESPONSES = False`` turns it off
(the offline bench's baseline). Images are already compressed and are left alone; conditional
requests are answered after compression, so a static file's ETag still gives 304.
"""
from __future__ import annotations

from flask import Flask, Response, request

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
        compress.init_app(app)
        app.after_request(_buffer_static_text)  # runs before the compressor (hooks run last-added first)


def _buffer_static_text(response: Response) -> Response:
    """Read a static text file into the response, so it is compressed (files are sent as a stream)."""
    if (request.endpoint == "static" and response.direct_passthrough and response.status_code == 200
            and response.mimetype in MIMETYPES):
        response.direct_passthrough = False
        response.get_data()
    return response
