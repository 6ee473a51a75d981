"""Gzip for text responses (pages, CSS, JS, JSON): a phone on a weak signal downloads a third.

A small ``after_request`` hook rather than a dependency. Static files are compressed once per
version (keyed by their ETag) and keep a weak ETag, so conditional requests still answer 304.
"""
from __future__ import annotations

import gzip
from collections import OrderedDict

from flask import Response, current_app, request

COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "application/manifest+json", "image/svg+xml", "text/plain", "text/csv", "application/xml",
})
MIN_BYTES = 512
LEVEL = 6
_static_cache: OrderedDict[str, bytes] = OrderedDict()
STATIC_CACHE_SIZE = 128


def _wants_gzip() -> bool:
    """Whether the client accepts gzip."""
    return request.accept_encodings["gzip"] > 0


def _compressible(response: Response) -> bool:
    """Whether this response should be gzipped."""
    return (
        current_app.config.get("GZIP_RESPONSES", True)
        and request.method != "HEAD"
        and response.status_code not in (204, 206, 304)
        and response.status_code >= 200
        and response.mimetype in COMPRESSIBLE
        and "Content-Encoding" not in response.headers
        and (response.direct_passthrough or not response.is_streamed)
        and _wants_gzip()
    )


def _compressed(response: Response, data: bytes) -> bytes:
    """Gzip ``data``; a static file's result is kept per ETag so it is compressed once."""
    etag, _weak = response.get_etag()
    key = f"{request.path}|{etag}" if etag and request.path.startswith("/static/") else None
    if key and key in _static_cache:
        _static_cache.move_to_end(key)
        return _static_cache[key]
    body = gzip.compress(data, compresslevel=LEVEL, mtime=0)
    if key:
        _static_cache[key] = body
        while len(_static_cache) > STATIC_CACHE_SIZE:
            _static_cache.popitem(last=False)
    return body


def compress_response(response: Response) -> Response:
    """``after_request``: gzip a text response when the client accepts it."""
    if response.mimetype in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
    if not _compressible(response):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    response.set_data(_compressed(response, data))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response
