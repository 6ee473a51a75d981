"""First run on an empty database: the first administrator and the first commune (never the demo)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.communes import services
from webapp.extensions import db
from webapp.units.models import Unit

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class SetupError(ValueError):
    """The first run cannot be done as asked; ``errors`` maps field → message."""

    def __init__(self, errors: dict[str, str]):
        """Keep the messages by field."""
        super().__init__("; ".join(str(v) for v in errors.values()))
        self.errors = errors


def needs_setup() -> bool:
    """Whether the database has no user at all (the first-run page is open only then)."""
    return db.session.scalar(sa.select(User.id).limit(1)) is None


def check_account(username: str, password: str, confirm: str | None = None) -> dict[str, str]:
    """Errors of the first administrator's username and password."""
    errors = {}
    if not _USERNAME.match(username or ""):
        errors["username"] = _("Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores.")
    if len(password or "") < 10:
        errors["password"] = _("The password needs at least 10 characters.")
    elif confirm is not None and confirm != password:
        errors["confirm"] = _("The two passwords differ.")
    return errors


def set_up(username: str, password: str, full_name: str, commune_code: str, villages: list[str],
           confirm: str | None = None) -> Unit:
    """Create the first admin (holding the admin role at the new commune) and the first commune."""
    from webapp.auth.services import create_user

    if not needs_setup():
        raise SetupError({"username": _("This server is already set up: sign in instead.")})
    username = (username or "").strip().lower()
    errors = check_account(username, password, confirm)
    try:
        plan = services.plan_official(commune_code, villages)
    except services.CommuneError as error:
        errors.update({"commune": message for message in error.errors.values()})
        plan = None
    if errors:
        raise SetupError(errors)
    commune = services.create_commune(plan)[0]
    user = create_user(username, password, "admin", commune, full_name=(full_name or "").strip()[:200])
    services.audit(user, "setup", commune.id, admin=[None, username])
    return commune
