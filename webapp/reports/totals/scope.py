"""Whose figures a person may total: an officer the whole commune, a supervisor their units, a
province officer every commune of the province (summed, or one at a time), an admin everything."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.auth import permissions
from webapp.extensions import db
from webapp.page_memo import memoized
from webapp.reports.totals.params import ParamError
from webapp.units.models import Unit, Village

REPORT_ROLES = ("supervisor", "officer", "admin", "province_officer")
WHOLE_ROLES = ("officer", "admin", "province_officer")
ENTRY_UNIT_EXCLUDED = ("commune", "province")


class NotAllowed(Exception):
    """The person holds no role that sees reports."""


@dataclass
class ReportScope:
    """The units a report covers for one person, and the commune (or province) it speaks for."""

    user: object
    communes: list[Unit]
    commune: Unit | None
    province: Unit | None

    @property
    def unit_ids(self) -> sa.Select:
        """Ids of the units whose entries count: what the person sees, within the chosen commune(s)."""
        visible = sa.select(Unit.id).where(Unit.id.in_(permissions.visible_unit_ids(self.user)))
        return visible.where(Unit.commune_id.in_([c.id for c in self.selected_communes]))

    def unit_id_list(self) -> list[int]:
        """``unit_ids`` read once, as a list: the planner then knows how many units it filters on
        (a nested subquery is estimated at one row, which sends PostgreSQL looping unit by unit)."""
        return sorted(db.session.scalars(self.unit_ids))

    @property
    def selected_communes(self) -> list[Unit]:
        """The chosen commune, or all of them."""
        return [self.commune] if self.commune is not None else self.communes

    @property
    def owner(self) -> Unit | None:
        """The unit whose plan, periods and report settings apply: the commune, else the province."""
        if self.commune is not None:
            return self.commune
        return self.province

    @property
    def period_owner_id(self) -> int | None:
        """Whose report periods to use."""
        owner = self.owner or (self.communes[0] if self.communes else None)
        return owner.id if owner is not None else None

    @property
    def whole(self) -> bool:
        """Whether every unit of the chosen commune(s) is in scope (else: a supervisor's part)."""
        return self._whole()

    @memoized
    def _whole(self) -> bool:
        """``whole``, remembered for a page."""
        return all(permissions.unit_in_scope(self.user, commune, WHOLE_ROLES) for commune in self.selected_communes)

    @property
    def label(self) -> str:
        """What the report covers, for titles: the commune, the province, or the supervisor's units."""
        if not self.whole:
            tops = [a.unit.name for a in self.user.roles if a.role in REPORT_ROLES]
            return "; ".join(dict.fromkeys(tops))
        if self.commune is not None:
            return self.commune.name
        if self.province is not None:
            return self.province.name
        return ", ".join(c.name for c in self.communes)

    @memoized
    def units(self) -> list[Unit]:
        """Units in scope that log activities (not the commune or province itself), in tree order."""
        return list(db.session.scalars(sa.select(Unit).where(
            Unit.id.in_(self.unit_ids), Unit.type.notin_(ENTRY_UNIT_EXCLUDED)).order_by(Unit.path)))

    @memoized
    def villages(self) -> list[Village]:
        """Villages of the chosen commune(s), by name."""
        ids = [c.id for c in self.selected_communes]
        return list(db.session.scalars(sa.select(Village).where(Village.commune_id.in_(ids))
                                       .order_by(Village.name)))


def _communes_of(user) -> tuple[list[Unit], Unit | None]:
    """The communes a person may report on, and their province unit if they are a province officer."""
    province = None
    for assignment in user.roles:
        if assignment.role == "province_officer":
            province = assignment.unit
    seen = sa.select(Unit.commune_id).where(Unit.id.in_(permissions.visible_unit_ids(user)))
    communes = list(db.session.scalars(sa.select(Unit).where(Unit.type == "commune", Unit.id.in_(seen))
                                       .order_by(Unit.name)))
    return communes, province


def report_scope(user, commune_id: int | None = None) -> ReportScope:
    """The scope of ``user``; ``commune_id`` picks one commune among several."""
    if not user.is_authenticated or not user.has_role(*REPORT_ROLES):
        raise NotAllowed()
    communes, province = _communes_of(user)
    chosen = None
    if commune_id is not None:
        chosen = next((c for c in communes if c.id == commune_id), None)
        if chosen is None:
            raise ParamError("commune", _("You have no access to the commune %(id)s.", id=commune_id))
    elif len(communes) == 1:
        chosen = communes[0]
    return ReportScope(user=user, communes=communes, commune=chosen, province=province)


def may_configure(user, owner: Unit | None) -> bool:
    """Whether ``user`` sets the plan and report settings of ``owner``: a commune's officer (or an
    admin) for a commune; the province officer for the province itself (communes are read-only to them)."""
    if owner is None:
        return False
    if owner.type == "province":
        return permissions.unit_in_scope(user, owner, ("province_officer", "admin"))
    return permissions.unit_in_scope(user, owner, ("officer", "admin"))
