"""Who may manage whom: an admin everyone; a commune officer the users of their commune up to supervisor.

``actor`` None stands for the command line (the server's operator), who may do everything.
Nobody grants a role above their own or outside their scope; a user out of scope is a 404.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import aliased

from webapp.auth.models import ROLES, RoleAssignment, User
from webapp.extensions import db
from webapp.units.models import Unit

MANAGER_ROLES = ("officer", "admin")
# What a commune officer may grant, inside their own commune.
OFFICER_GRANTS = ("field_staff", "supervisor")


def is_admin(actor: User | None) -> bool:
    """The command line or an administrator: no limit of scope."""
    return actor is None or actor.has_role("admin")


def officer_communes(actor: User) -> set[int]:
    """The communes where ``actor`` is the commune officer."""
    return {a.unit.commune_id for a in actor.roles if a.role == "officer"}


def grantable_roles(actor: User | None) -> tuple[str, ...]:
    """The roles ``actor`` may give to someone."""
    if is_admin(actor):
        return ROLES
    return OFFICER_GRANTS if officer_communes(actor) else ()


def grantable_units(actor: User | None) -> list[Unit]:
    """The units ``actor`` may give a role in, in tree order."""
    query = sa.select(Unit).order_by(Unit.path)
    if not is_admin(actor):
        communes = sorted(officer_communes(actor))
        if not communes:
            return []
        query = query.where(Unit.commune_id.in_(communes))
    return list(db.session.scalars(query))


def can_grant(actor: User | None, role: str, unit: Unit | None) -> bool:
    """Whether ``actor`` may give ``role`` in ``unit``."""
    if unit is None or role not in grantable_roles(actor):
        return False
    return is_admin(actor) or unit.commune_id in officer_communes(actor)


def _outside_officer_scope(communes: list[int]) -> sa.ColumnElement:
    """SQL: the user holds some role an officer of ``communes`` may not manage."""
    other = aliased(RoleAssignment)
    other_unit = aliased(Unit)
    return sa.exists(sa.select(other.id).join(other_unit, other.unit_id == other_unit.id).where(
        other.user_id == User.id,
        sa.or_(other.role.not_in(OFFICER_GRANTS), other_unit.commune_id.not_in(communes))))


def managed_users_query(actor: User | None) -> sa.Select:
    """Users ``actor`` may see and change (a query on ``User``)."""
    query = sa.select(User)
    if is_admin(actor):
        return query
    communes = sorted(officer_communes(actor))
    if not communes:
        return query.where(sa.false())
    inside = sa.exists(sa.select(RoleAssignment.id).join(Unit, RoleAssignment.unit_id == Unit.id).where(
        RoleAssignment.user_id == User.id, Unit.commune_id.in_(communes)))
    return query.where(inside, ~_outside_officer_scope(communes))


def can_manage(actor: User | None, user: User) -> bool:
    """Whether ``actor`` may change ``user`` (never themselves through the admin pages, unless admin)."""
    if is_admin(actor):
        return True
    communes = officer_communes(actor)
    return bool(user.roles) and all(
        a.role in OFFICER_GRANTS and a.unit.commune_id in communes for a in user.roles)


def user_or_404(actor: User | None, user_id: int) -> User:
    """The user ``actor`` manages, or 404 (another commune's users are not found, as elsewhere)."""
    user = db.session.get(User, user_id)
    if user is None or not can_manage(actor, user):
        abort(404)
    return user


def commune_of(user: User) -> int | None:
    """The commune an event about ``user`` belongs to (the first of their roles' communes)."""
    communes = sorted(a.unit.commune_id for a in user.roles if a.unit is not None and a.unit.commune_id)
    return communes[0] if communes else None
