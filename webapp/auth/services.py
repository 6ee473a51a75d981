"""Sign-in, sign-out and session revocation, kept server-side so a copied cookie dies on logout."""
from __future__ import annotations

import datetime as dt
import secrets
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.auth.models import ApiToken, LoginSession, User, token_digest, utcnow
from webapp.extensions import db, login_manager

SESSION_KEY = "sid"
# A token's last use is written at most this often: a write (and on SQLite the database's one write
# lock) on every API request would cost more than the request itself.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A password hash to check against when the username is unknown."""
    return generate_password_hash(secrets.token_hex(8), method=current_app.config["PASSWORD_HASH_METHOD"])


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None (never says which part was wrong)."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None:
        # Spend the same time hashing, so the answer does not reveal which usernames exist.
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.active or not user.check_password(password):
        return None
    return user


def start_session(user: User) -> LoginSession:
    """Sign ``user`` in: a new server-side session with a fresh id, persistent for the configured days."""
    session.clear()  # a new session id at every login (no fixation)
    key = secrets.token_urlsafe(32)
    lifetime: dt.timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    row = LoginSession(
        user=user,
        key_digest=token_digest(key),
        expires_at=utcnow() + lifetime,
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(row)
    db.session.commit()
    session.permanent = True
    session[SESSION_KEY] = key
    login_user(user)
    # The form secret is made now, in the sign-in answer: otherwise the first pages after it (the
    # landing page and the service worker's precache, loaded at once) would each make their own, and
    # the last cookie written would void the forms of the others ("the form has expired"). The token
    # the sign-in form cached in ``g`` belongs to the cleared session: drop it first.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
    return row


def end_session() -> None:
    """Sign out: revoke this browser's server-side session and clear the cookie."""
    row = current_login_session()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
    logout_user()
    session.clear()


def current_login_session() -> LoginSession | None:
    """The server-side session named by this request's cookie, if any."""
    key = session.get(SESSION_KEY)
    if not key:
        return None
    return db.session.scalar(sa.select(LoginSession).where(LoginSession.key_digest == token_digest(key)))


def revoke_all_sessions(user: User) -> None:
    """End every browser session and token of ``user`` (password change, lost phone)."""
    now = utcnow()
    db.session.execute(sa.update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)).values(revoked_at=now))
    db.session.execute(sa.update(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))


def user_for_token(secret: str) -> User | None:
    """The user behind a bearer token that is not revoked; records its last use (to within a few minutes)."""
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_digest == token_digest(secret))
                            .options(joinedload(ApiToken.user).lazyload(User.roles)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    g.api_token = row
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
        row.last_used_at = now
    return row.user


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login: the user of a valid, unrevoked server-side session, else nobody."""
    row = current_login_session()
    if row is None or not row.is_valid or str(row.user_id) != str(user_id) or not row.user.active:
        return None
    if utcnow() - row.last_seen_at > dt.timedelta(minutes=5):
        row.last_seen_at = utcnow()
        db.session.commit()
    return row.user


def create_user(username: str, password: str, role: str, unit, full_name: str = "") -> User:
    """Add a user with one role in ``unit`` (the ``create-user`` command and the demo)."""
    user = User(username=username, full_name=full_name or username)
    user.set_password(password)
    user.add_role(role, unit)
    db.session.add(user)
    return user
