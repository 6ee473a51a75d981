"""Device tokens: issued at sign-in from a device, listed on "my devices", revoked by owner or admin."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from webapp.api.errors import ApiError
from webapp.auth.models import ApiToken, User, token_digest, utcnow
from webapp.auth.services import authenticate
from webapp.auth.throttle import SignInAttempt, wait_message
from webapp.extensions import db
from webapp.inputs import storable

WEB_DEVICE = "web"
ADMIN_LIST_LIMIT = 500


def current_token() -> ApiToken | None:
    """The token that signed this request in, if a bearer token did."""
    secret = getattr(g, "api_token_secret", None)
    if secret is None:
        return None
    token = getattr(g, "api_token", None)
    if token is not None and token.token_digest == token_digest(secret):
        return token  # looked up when the request was signed in
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_digest == token_digest(secret)))


def current_device() -> str:
    """What the audit trail records as the device: the token's device name, or "web"."""
    token = current_token()
    if token is None:
        return WEB_DEVICE
    return token.device_name or f"token {token.id}"


def issue_token(payload: Any) -> str:
    """Check ``{"username", "password", "device_name"}`` and return a new token's secret."""
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", _("Send a JSON object with username, password and device_name."))
    username, password = payload.get("username"), payload.get("password")
    device = payload.get("device_name", "")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ApiError(400, "bad_request", _("username and password are required and must be text."))
    if device is None:
        device = ""
    if not isinstance(device, str) or len(device) > 120:
        raise ApiError(400, "bad_request", _("device_name must be text of at most 120 characters."))
    if not storable(payload):
        raise ApiError(400, "bad_request", _("Contains a character that cannot be stored."))
    attempt = SignInAttempt(username)
    wait = attempt.wait_seconds()
    if wait:
        raise ApiError(429, "rate_limited", wait_message(wait), headers={"Retry-After": str(wait)})
    user = authenticate(username, password) if len(username) <= 200 and len(password) <= 1000 else None
    if user is None:
        attempt.failed()
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    attempt.succeeded()
    _row, secret = ApiToken.issue(user, device.strip())
    return secret


def revoke(token: ApiToken) -> None:
    """End ``token``: requests signed with it get 401 from now on."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens still in force, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def others_tokens(admin: User) -> list[ApiToken]:
    """Every other person's tokens in force, for an admin (the lost-phone case); empty for others."""
    if not admin.has_role("admin"):
        return []
    return list(db.session.scalars(
        sa.select(ApiToken).join(ApiToken.user)
        .where(ApiToken.user_id != admin.id, ApiToken.revoked_at.is_(None))
        .order_by(User.username, ApiToken.created_at.desc()).limit(ADMIN_LIST_LIMIT)))


def revocable_token(user: User, token_id: int) -> ApiToken | None:
    """The token ``user`` may revoke (their own, or anyone's for an admin), else None."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not user.has_role("admin")):
        return None
    return token
