"""Reading the users pages' forms (plain HTML forms; CSRF is checked for every POST by the app)."""
from __future__ import annotations

from webapp.inputs import int_id
from webapp.extensions import db
from webapp.units.models import Unit
from webapp.users import services


def read_profile(form) -> services.Profile:
    """Username, full name and phone as typed, checked."""
    return services.clean_profile(form.get("username", ""), form.get("full_name", ""), form.get("phone", ""))


def read_unit(form) -> Unit | None:
    """The unit chosen in the form (None when missing or malformed)."""
    raw = str(form.get("unit_id", ""))
    return db.session.get(Unit, int_id(raw)) if int_id(raw) and len(raw) < 10 else None


def read_role(form) -> str:
    """The role chosen in the form."""
    return str(form.get("role", ""))[:40]
