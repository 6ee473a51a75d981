"""Security at the edges of the app: response headers, cookies over HTTPS, the proxy in front, file modes.

``init_app(app)`` is called last by ``create_app``, so the header middleware wraps everything else
(static files included) and sees the scheme the proxy reported.
"""
from __future__ import annotations

from flask import Flask

from webapp.security.files import restrict_files
from webapp.security.headers import SecurityHeaders
from webapp.security.proxy import trust_proxies


def init_app(app: Flask) -> None:
    """Owner-only files, the configured proxies trusted, security headers on every response."""
    restrict_files(app)
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.config)
    trust_proxies(app)
