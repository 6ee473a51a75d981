"""Creating and changing user accounts, shared by the pages, the import and the ``flask users`` commands.

Every change is an audit event (``entry_id`` None; ``changes`` holds ``commune_id``, ``subject`` —
the username — and ``field: [before, after]``), never with a password in it.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.auth.models import ApiToken, LoginSession, RoleAssignment, User, utcnow
from webapp.auth.passwords import password_problem
from webapp.auth.services import revoke_all_sessions
from webapp.entries.services import record
from webapp.extensions import db
from webapp.units.models import Unit
from webapp.users import scope

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PHONE = re.compile(r"^\+?[0-9 .]{8,20}$")
TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand


class UserError(ValueError):
    """A change refused; ``errors`` maps form field → message (Vietnamese first). Nothing is saved."""

    def __init__(self, errors: dict[str, str]):
        """Keep the messages by field."""
        super().__init__("; ".join(str(v) for v in errors.values()))
        self.errors = errors


@dataclass
class Profile:
    """The fields of an account a person types (form or import row)."""

    username: str = ""
    full_name: str = ""
    phone: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def audit(actor: User | None, action: str, user: User, device: str, **changes) -> None:
    """Record an administrator's change to ``user`` (who, when, subject, before → after)."""
    record(None, actor, action, {"commune_id": scope.commune_of(user), "subject": user.username, **changes},
           device=device)


def clean_profile(username: str, full_name: str, phone: str) -> Profile:
    """Trim and check the typed fields; errors name the field and say what is wrong."""
    profile = Profile((username or "").strip(), " ".join((full_name or "").split()), (phone or "").strip())
    if not profile.username:
        profile.errors["username"] = _("Enter a username.")
    elif not USERNAME.match(profile.username):
        profile.errors["username"] = _("A username has 1 to 64 letters without accents, digits, dots, "
                                       "dashes or underscores.")
    if not profile.full_name:
        profile.errors["full_name"] = _("Enter the person's full name.")
    elif len(profile.full_name) > 200:
        profile.errors["full_name"] = _("The full name may have at most 200 characters.")
    if profile.phone and not PHONE.match(profile.phone):
        profile.errors["phone"] = _("A phone number has 8 to 15 digits (spaces and dots allowed).")
    return profile


def username_taken(username: str) -> bool:
    """Whether an account has this username already (whatever the case)."""
    return db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())) is not None


def temporary_password() -> str:
    """A random password of three groups of four (about 59 bits), passing the policy."""
    while True:
        candidate = "-".join("".join(secrets.choice(TEMP_ALPHABET) for _ in range(4)) for _ in range(3))
        if password_problem(candidate) is None:
            return candidate


def commune_names(unit: Unit | None) -> list[str]:
    """The commune's name, for the password policy's "not built from the commune" rule."""
    if unit is None or unit.commune_id is None:
        return []
    commune = db.session.get(Unit, unit.commune_id)
    return [commune.name] if commune is not None else []


def check_role(actor: User | None, role: str, unit: Unit | None, errors: dict[str, str]) -> None:
    """Refuse an unknown unit, an unknown role, or one outside ``actor``'s scope (into ``errors``)."""
    from webapp.auth.models import ROLES

    if unit is None or not (scope.is_admin(actor) or unit.commune_id in scope.officer_communes(actor)):
        errors["unit"] = _("Unknown unit code.")
    if role not in ROLES:
        errors["role"] = _("Unknown role. Use one of: %(roles)s.", roles=", ".join(ROLES))
    elif role not in scope.grantable_roles(actor):
        errors["role"] = _("You may not grant this role.")


def create_account(actor: User | None, profile: Profile, role: str, unit: Unit | None,
                   password: str | None, device: str) -> tuple[User, str | None]:
    """Add a user with one role; return it and the temporary password when none was given."""
    errors = dict(profile.errors)
    if "username" not in errors and username_taken(profile.username):
        errors["username"] = _("This username is taken.")
    check_role(actor, role, unit, errors)
    if password:
        problem = password_problem(password, profile.username, profile.full_name, commune_names(unit))
        if problem:
            errors["password"] = problem
    if errors:
        raise UserError(errors)
    temporary = None if password else temporary_password()
    user = User(username=profile.username, full_name=profile.full_name, phone=profile.phone,
                must_change_password=temporary is not None)
    user.set_password(password or temporary)
    user.add_role(role, unit)
    db.session.add(user)
    db.session.flush()
    audit(actor, "user_create", user, device, full_name=[None, user.full_name],
          role=[None, f"{role} @ {unit.code}"])
    return user, temporary


def update_account(actor: User | None, user: User, profile: Profile, device: str) -> None:
    """Change the name and phone of ``user`` (the username stays: it is how they sign in)."""
    if profile.errors.get("full_name") or profile.errors.get("phone"):
        raise UserError({k: v for k, v in profile.errors.items() if k != "username"})
    changes = {}
    for name in ("full_name", "phone"):
        before, after = getattr(user, name), getattr(profile, name)
        if before != after:
            changes[name] = [before, after]
            setattr(user, name, after)
    if changes:
        audit(actor, "user_edit", user, device, **changes)


def add_role(actor: User | None, user: User, role: str, unit: Unit | None, device: str) -> RoleAssignment:
    """Give ``user`` one more role in a unit (several roles per user)."""
    errors: dict[str, str] = {}
    check_role(actor, role, unit, errors)
    if not errors and any(a.role == role and a.unit_id == unit.id for a in user.roles):
        errors["role"] = _("This person already holds this role in this unit.")
    if errors:
        raise UserError(errors)
    assignment = user.add_role(role, unit)
    db.session.flush()
    audit(actor, "user_role_add", user, device, role=[None, f"{role} @ {unit.code}"])
    return assignment


def remove_role(actor: User | None, user: User, assignment: RoleAssignment, device: str) -> None:
    """Take one role away; the last one stays (deactivate the account instead)."""
    if not scope.can_grant(actor, assignment.role, assignment.unit):
        raise UserError({"role": _("You may not change this role.")})
    if len(user.roles) <= 1:
        raise UserError({"role": _("A person keeps at least one role. Deactivate the account instead.")})
    label = f"{assignment.role} @ {assignment.unit.code}"
    audit(actor, "user_role_remove", user, device, role=[label, None])
    user.roles.remove(assignment)


def deactivate(actor: User | None, user: User, device: str) -> None:
    """Turn the account off: every browser session and token ends now; sign-in is refused."""
    if actor is not None and actor.id == user.id:
        raise UserError({"active": _("You cannot deactivate your own account.")})
    revoke_all_sessions(user)
    if user.active:
        user.active = False
        audit(actor, "user_deactivate", user, device, active=[True, False])


def reactivate(actor: User | None, user: User, device: str) -> None:
    """Let the person sign in again (with the same password; old sessions stay ended)."""
    if not user.active:
        user.active = True
        audit(actor, "user_reactivate", user, device, active=[False, True])


def reset_password(actor: User | None, user: User, device: str) -> str:
    """A new temporary password (returned to be shown once), to be changed at the next sign-in."""
    temporary = temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    revoke_all_sessions(user)
    audit(actor, "user_password_reset", user, device, must_change_password=[False, True])
    return temporary


def change_own_password(user: User, current: str, new: str, device: str) -> dict[str, str]:
    """A person's own change of password; returns errors by field (empty when changed)."""
    if not user.check_password(current):
        return {"current": _("The current password is wrong.")}
    communes = [name for a in user.roles for name in commune_names(a.unit)]
    problem = password_problem(new, user.username, user.full_name, communes)
    if problem:
        return {"new": problem}
    if user.check_password(new):
        return {"new": _("The new password must differ from the current one.")}
    user.set_password(new)
    was_temporary = user.must_change_password
    user.must_change_password = False
    revoke_all_sessions(user)
    audit(user, "user_password_change", user, device, must_change_password=[was_temporary, False])
    return {}


def sessions_of(user: User) -> list[LoginSession]:
    """The user's browser sessions still in force, most recently used first."""
    return list(db.session.scalars(
        sa.select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
                                      LoginSession.expires_at > utcnow())
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())))


def tokens_of(user: User) -> list[ApiToken]:
    """The user's device tokens still in force, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def end_browser_session(actor: User | None, user: User, session_id: int, device: str) -> LoginSession | None:
    """End one browser session of ``user`` (its cookie stops working at once); None if not theirs."""
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != user.id:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit(actor, "user_session_end", user, device, session=[row.user_agent[:80] or str(row.id), None])
    return row


def revoke_token(actor: User | None, user: User, token_id: int, device: str) -> ApiToken | None:
    """End one device token of ``user``; None if not theirs."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit(actor, "user_token_revoke", user, device, token=[row.device_name or str(row.id), None])
    return row
