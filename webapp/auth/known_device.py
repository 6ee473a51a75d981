"""The known-device cookie: a browser that has signed in to an account before is not held by that
account's lock (an attacker elsewhere cannot lock its owner out), only by a failure budget of its own.

The cookie is signed with ``SECRET_KEY`` and holds a random nonce and digests of the usernames that
signed in on this browser (a shared commune computer may have several), never a name itself.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "binhdang_device"
MAX_AGE_DAYS = 180
MAX_ACCOUNTS = 8


def _serializer() -> URLSafeTimedSerializer:
    """The cookie's signer."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="binhdang-known-device")


def _account(username: str) -> str:
    """The digest of a (folded) username kept in the cookie."""
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _read() -> dict | None:
    """The cookie's content when it is present, signed by this server and not too old."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        value = _serializer().loads(raw, max_age=MAX_AGE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("n"), str) or not isinstance(value.get("a"), list):
        return None
    return value


def nonce_for(username: str) -> str | None:
    """This browser's nonce when it has signed in to ``username`` (folded) before, else None."""
    value = _read()
    if value is None or _account(username) not in value["a"]:
        return None
    return value["n"]


def remember(username: str) -> None:
    """After a successful sign-in: this browser is a known device of ``username`` (the response sets the cookie)."""
    value = _read() or {"n": secrets.token_urlsafe(16), "a": []}
    accounts = [a for a in value["a"] if a != _account(username)] + [_account(username)]
    signed = _serializer().dumps({"n": value["n"], "a": accounts[-MAX_ACCOUNTS:]})

    @after_this_request
    def set_cookie(response):
        """Send the refreshed cookie."""
        response.set_cookie(COOKIE, signed, max_age=MAX_AGE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        return response
