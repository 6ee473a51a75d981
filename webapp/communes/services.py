"""Creating a commune from the template, who may manage which commune, and the audit trail of it all."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from webapp.communes import official
from webapp.communes import template as tpl
from webapp.entries.services import record
from webapp.extensions import db
from webapp.plan.models import Campaign, Topic
from webapp.units.models import Unit, Village

MANAGER_ROLES = ("officer", "admin")


class CommuneError(ValueError):
    """A change that cannot be made; ``errors`` maps form field → message (Vietnamese first)."""

    def __init__(self, errors: dict[str, str]):
        """Keep the messages by field."""
        super().__init__("; ".join(str(v) for v in errors.values()))
        self.errors = errors


def audit(user, action: str, commune_id: int, **changes) -> None:
    """An administrator's or officer's change as an audit event (``entry_id`` None, who/when/before → after)."""
    record(None, user, action, {"commune_id": commune_id, **changes}, device="admin")


def managed_communes(user) -> list[Unit]:
    """The communes ``user`` may manage: every one for an admin, their own for a commune officer."""
    query = sa.select(Unit).where(Unit.type == "commune").order_by(Unit.name)
    if not user.has_role("admin"):
        ids = {a.unit.commune_id for a in user.roles if a.role == "officer"}
        if not ids:
            return []
        query = query.where(Unit.id.in_(sorted(ids)))
    return list(db.session.scalars(query))


def home_commune_name() -> str | None:
    """The name of the signed-in person's own commune (of their first role), for page titles and the
    manifest; None for a visitor. Never the first commune of the database."""
    from flask_login import current_user

    if not current_user or not current_user.is_authenticated or not current_user.roles:
        return None
    unit = current_user.roles[0].unit
    commune = db.session.get(Unit, unit.commune_id) if unit.commune_id else unit
    return commune.name if commune is not None else None


def commune_or_404(user, commune_id: int) -> Unit:
    """A commune ``user`` manages; 404 for any other (as for every other commune's object)."""
    commune = db.session.get(Unit, commune_id)
    if commune is None or commune.type != "commune" or \
            not any(c.id == commune.id for c in managed_communes(user)):
        abort(404)
    return commune


def find_commune(code: str) -> Unit | None:
    """A commune by its official code (``640`` or ``00640``) or its unit code."""
    wanted = official.normalise_code(code)
    if wanted is not None:
        found = db.session.scalar(sa.select(Unit).where(Unit.official_code == wanted, Unit.type == "commune"))
        if found is not None:
            return found
    return db.session.scalar(sa.select(Unit).where(Unit.code == str(code).strip(), Unit.type == "commune"))


def plan_official(code: str, villages: list[str], leave_out: set[str] = frozenset()) -> tpl.CommunePlan:
    """The template for the commune of the official list with this code; refused when unknown or present."""
    found = official.find(code)
    if found is None:
        raise CommuneError({"code": _("No commune or ward has the code %(code)s in the official list.",
                                      code=str(code)[:20])})
    if db.session.scalar(sa.select(Unit.id).where(sa.or_(Unit.official_code == found.code,
                                                         Unit.code == found.code))) is not None:
        raise CommuneError({"code": _("%(name)s (%(code)s) already exists.", name=found.name, code=found.code)})
    return tpl.build(found.code, found.name, found.code, found.province_name, villages, leave_out)


def plan_manual(name: str, province_code: str, villages: list[str], leave_out: set[str] = frozenset()) -> tpl.CommunePlan:
    """The template for a commune typed in by hand (only when the official list lacks it)."""
    name = " ".join((name or "").split())[:200]
    errors = {}
    if not name:
        errors["name"] = _("Give the commune's name, e.g. Xã Thanh Trì.")
    elif not name.split(" ")[0].lower() in ("xã", "phường", "đặc"):
        errors["name"] = _("Start the name with Xã, Phường or Đặc khu.")
    province = official.province_name(province_code)
    if province is None:
        errors["province"] = _("Choose the province.")
    if errors:
        raise CommuneError(errors)
    if any(tpl.slug(c.name) == tpl.slug(name) for c in official.search(province_code, "", limit=10_000)):
        raise CommuneError({"name": _("%(name)s is in the official list: pick it there.", name=name)})
    code = tpl.slug(name)
    if db.session.scalar(sa.select(Unit.id).where(Unit.code == code)) is not None:
        raise CommuneError({"name": _("%(name)s already exists.", name=name)})
    return tpl.build(code, name, None, province, villages, leave_out)


def create_commune(plan: tpl.CommunePlan, actor=None) -> list[Unit]:
    """Create everything ``plan`` lists (the caller commits); return the units created, commune first."""
    taken = set(db.session.scalars(sa.select(Unit.code).where(
        Unit.code.in_([plan.code] + [u.code for u in plan.units]))))
    if taken or (plan.official_code and db.session.scalar(
            sa.select(Unit.id).where(Unit.official_code == plan.official_code))):
        raise CommuneError({"code": _("%(name)s already exists.", name=plan.name)})
    commune = Unit.create(plan.code, plan.name, "commune")
    commune.official_code = plan.official_code
    villages = {}
    for vcode, vname in plan.villages:
        villages[vcode] = Village(commune_id=commune.id, code=vcode, name=vname)
        db.session.add(villages[vcode])
    db.session.flush()
    created = [commune]
    by_key: dict[str, Unit] = {}
    for planned in plan.units:
        parent = by_key.get(planned.parent_key or "", commune)
        by_key[planned.key] = Unit.create(planned.code, planned.name, planned.type, parent=parent,
                                          village=villages.get(planned.village or ""))
        created.append(by_key[planned.key])
    _reference_data(commune, plan)
    audit(actor, "commune_create", commune.id, name=[None, commune.name], code=[None, commune.code],
          units=[None, len(created)], villages=[None, len(villages)])
    return created


def _reference_data(commune: Unit, plan: tpl.CommunePlan) -> None:
    """Topics, the two action months, report periods, report settings and this year's empty plan."""
    from webapp.plan import periods
    from webapp.plan.targets import plan_for
    from webapp.reports import services as report_services

    for position, (code, name) in enumerate(plan.topics):
        db.session.add(Topic(commune_id=commune.id, code=code, name=name, position=position))
    for position, (code, name, sm, sd, em, ed) in enumerate(plan.campaigns):
        db.session.add(Campaign(commune_id=commune.id, code=code, name=name, start_month=sm, start_day=sd,
                                end_month=em, end_day=ed, position=position))
    periods.ensure_default_periods(commune.id)
    short = official.OfficialCommune(plan.code, plan.name, "", "").short_name
    report_services.save_settings(commune, tpl.report_settings(plan.name, short))
    year = dt.date.today().year
    plan_year = plan_for(commune.id, year, create=True)
    plan_year.title = (f"Kế hoạch thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ "
                       f"{tpl.lower_first(plan.name)} năm {year}")
    db.session.flush()
