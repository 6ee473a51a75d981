"""``User`` with role assignments, server-side login sessions and API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Optional

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.auth.passwords import normalise
from webapp.extensions import db
from webapp.text import fold
from webapp.units.models import Unit

ROLES = ("field_staff", "supervisor", "officer", "admin", "province_officer")


def utcnow() -> dt.datetime:
    """Now, in UTC, without tzinfo (stored that way on both databases)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def token_digest(token: str) -> str:
    """The SHA-256 of a secret token: only digests are stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    """A person who signs in."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    phone: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    # A temporary password (reset, generated at import) must be changed at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Username, name and phone folded without diacritics: "nguyen thi hoa" finds "Nguyễn Thị Hoa".
    search_text: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        """Debug representation."""
        return f"<User {self.username}>"

    @property
    def is_active(self) -> bool:
        """Flask-Login: a deactivated account cannot sign in."""
        return self.active

    def set_password(self, password: str) -> None:
        """Hash and store ``password`` (in NFC, so either way of typing a Vietnamese letter works)."""
        self.password_hash = generate_password_hash(
            normalise(password), method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        )

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is this user's."""
        return check_password_hash(self.password_hash, normalise(password))

    def refresh_search_text(self) -> None:
        """Recompute the diacritic-free text the users list searches."""
        self.search_text = fold(f"{self.username} {self.full_name} {self.phone or ''}")[:300]

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds any of ``roles`` in some unit."""
        return any(assignment.role in roles for assignment in self.roles)

    def add_role(self, role: str, unit: Unit) -> "RoleAssignment":
        """Give the user ``role`` in ``unit``."""
        if role not in ROLES:
            raise ValueError(role)
        assignment = RoleAssignment(role=role, unit=unit)
        self.roles.append(assignment)
        return assignment


@sa.event.listens_for(User, "before_insert")
@sa.event.listens_for(User, "before_update")
def _keep_search_text(_mapper, _connection, user: User) -> None:
    """Keep ``search_text`` in step with the username, name and phone."""
    user.refresh_search_text()


class RoleAssignment(db.Model):
    """One role a user holds in one unit; permissions follow the unit tree below it."""

    __tablename__ = "role_assignment"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", "unit_id", name="uq_role_assignment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship(lazy="joined")


class LoginSession(db.Model):
    """A browser sign-in; the cookie names it, so logout and revocation really end it."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    key_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column()
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    user: Mapped[User] = relationship()

    @property
    def is_valid(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > utcnow()


class ApiToken(db.Model):
    """A bearer token of one device (phone app, script); revocable by its owner or an admin."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    device_name: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[Optional[dt.datetime]] = mapped_column()
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column()

    user: Mapped[User] = relationship()

    @classmethod
    def issue(cls, user: User, device_name: str) -> tuple["ApiToken", str]:
        """Create a token for ``user``; return the row and the secret (shown once)."""
        secret = secrets.token_urlsafe(32)
        row = cls(user=user, device_name=device_name[:120], token_digest=token_digest(secret))
        db.session.add(row)
        return row, secret


class SignInFailures(db.Model):
    """Failed sign-ins of one account, address or known device in the current window (``auth.throttle``).

    The key is a digest, never the username or the address itself; times are milliseconds since the epoch
    so that the counting statement is the same arithmetic on SQLite and PostgreSQL.
    """

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start_ms: Mapped[int] = mapped_column(sa.BigInteger)
    locked_until_ms: Mapped[int] = mapped_column(sa.BigInteger, default=0)
