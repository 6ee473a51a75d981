"""Who is calling the JSON API: a bearer token (devices, scripts) or the browser's session cookie.

Forms are protected by Flask-WTF's CSRF token. The API is not: an outbox record may wait for days
and its CSRF token would have expired. Instead a cookie-authenticated API request that changes
state must come from this origin (``Origin``/``Sec-Fetch-Site``) and carry the custom header
``X-Binhdang-Client``, which a cross-site form cannot send.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g, request
from flask_babel import gettext as _

from webapp.extensions import csrf, login_manager

API_PREFIX = "/api/"
CLIENT_HEADER = "X-Binhdang-Client"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_secret() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def bearer_user():
    """The user of this API request's bearer token, looked up once per request (None if invalid)."""
    if "bearer_user" not in g:
        from webapp.auth.services import user_for_token
        from webapp.extensions import db

        secret = bearer_secret()
        g.bearer_user = user_for_token(secret) if secret and request.path.startswith(API_PREFIX) else None
        if g.bearer_user is not None:
            g.api_token_secret = secret
            if db.session.dirty:
                db.session.commit()  # the token's last use, written once every few minutes
    return g.bearer_user


@login_manager.request_loader
def load_user_from_request(req):
    """Flask-Login: a valid bearer token signs the request in (API paths only)."""
    return bearer_user()


def _same_origin() -> bool:
    """Whether the request says it comes from this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # old browsers omit it on same-origin requests; the custom header still guards
    return urlsplit(origin).netloc == request.host


def init_app(app: Flask) -> None:
    """Check CSRF tokens on forms, and the origin and custom header on cookie-authenticated API calls."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def protect_requests():
        """Forms need a CSRF token; cookie API calls need same origin plus the custom header."""
        if request.path.startswith(API_PREFIX) and bearer_secret() is not None:
            if bearer_user() is None:
                # A bearer header decides, even beside a valid session cookie.
                from webapp.errors import json_error

                return json_error(401, "unauthorized", _("This device's sign-in has ended. Sign in again."))
        if request.method in SAFE_METHODS:
            return None
        if not request.path.startswith(API_PREFIX):
            if app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect()
            return None
        if bearer_secret() is not None:
            return None
        if request.cookies.get(app.config.get("SESSION_COOKIE_NAME", "session")):
            if not request.headers.get(CLIENT_HEADER) or not _same_origin():
                from webapp.errors import json_error

                return json_error(403, "csrf", _("This request must come from the app itself."))
        return None
