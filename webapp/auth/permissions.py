"""Who may do what where: every check follows the unit tree from a user's role assignments."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from webapp.extensions import db
from webapp.units.models import Unit, Village

# Roles whose scope is the whole subtree below their unit; field staff act for their unit only.
# A province officer holds the role in a province unit whose subtree holds communes: they see
# (and total) every commune below it, but neither log nor review.
SUBTREE_ROLES = ("supervisor", "officer", "admin", "province_officer")
REVIEW_ROLES = ("supervisor", "officer", "admin")
LOGGING_ROLES = ("field_staff", "supervisor", "officer", "admin")


def _scope_condition(user, roles: tuple[str, ...] | None = None):
    """SQL condition on ``Unit`` selecting the units the user's assignments (of ``roles``) cover."""
    clauses = []
    for assignment in user.roles:
        if roles is not None and assignment.role not in roles:
            continue
        if assignment.role == "admin":
            return sa.true()
        if assignment.role == "officer":
            clauses.append(Unit.commune_id == assignment.unit.commune_id)
        elif assignment.role in SUBTREE_ROLES:
            clauses.append(Unit.path.startswith(assignment.unit.path))
        else:
            clauses.append(Unit.id == assignment.unit_id)
    return sa.or_(*clauses) if clauses else sa.false()


def visible_unit_ids(user) -> sa.Select:
    """A subquery of the ids of units whose entries ``user`` may see."""
    return sa.select(Unit.id).where(_scope_condition(user))


def loggable_units(user) -> list[Unit]:
    """Units ``user`` may log activities for, in tree order."""
    return list(db.session.scalars(sa.select(Unit).where(_scope_condition(user, LOGGING_ROLES), Unit.active)
                                   .order_by(Unit.path)))


def reviewable_unit_ids(user) -> sa.Select:
    """A subquery of the ids of units whose entries ``user`` may review."""
    return sa.select(Unit.id).where(_scope_condition(user, REVIEW_ROLES))


def commune_ids(user) -> set[int]:
    """The communes the user has any role in (all of them for an admin)."""
    if user.has_role("admin"):
        return set(db.session.scalars(sa.select(Unit.id).where(Unit.type == "commune")))
    ids = {a.unit.commune_id for a in user.roles if a.role != "province_officer"}
    for assignment in user.roles:
        if assignment.role == "province_officer":
            ids |= set(db.session.scalars(sa.select(Unit.id).where(
                Unit.type == "commune", Unit.path.startswith(assignment.unit.path))))
    return ids


def villages_for(user) -> list[Village]:
    """Villages of the user's communes, by name."""
    ids = commune_ids(user)
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Village).where(Village.commune_id.in_(ids), Village.active).order_by(Village.name)
    ))


def unit_in_scope(user, unit: Unit, roles: tuple[str, ...] | None = None) -> bool:
    """Whether ``unit`` is covered by the user's assignments (of ``roles``; by default the roles that
    act on entries, so a province officer's read-only scope counts only when named)."""
    roles = LOGGING_ROLES if roles is None else roles
    for assignment in user.roles:
        if assignment.role not in roles:
            continue
        if assignment.role == "admin":
            return True
        if assignment.role == "officer" and unit.commune_id == assignment.unit.commune_id:
            return True
        if assignment.role in SUBTREE_ROLES and unit.is_within(assignment.unit):
            return True
        if assignment.role == "field_staff" and unit.id == assignment.unit_id:
            return True
    return False


def role_required(*roles: str):
    """View decorator: 403 unless the signed-in user holds one of ``roles`` somewhere."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
