"""The commune's units (a tree) and villages: add, rename, move, deactivate, merge — checked and audited."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.inputs import int_id
from webapp.communes import template as tpl
from webapp.communes.services import CommuneError, audit
from webapp.extensions import db
from webapp.units.models import Unit, Village

UNIT_TYPES = ("organisation", "agency", "branch")


def _name(raw, field: str = "name") -> str:
    """A unit or village name: required, at most 200 characters, spaces tidied."""
    name = " ".join(str(raw or "").split())
    if not name:
        raise CommuneError({field: _("Give the name.")})
    if len(name) > 200:
        raise CommuneError({field: _("At most %(n)s characters.", n=200)})
    return name


def _free_code(base: str, model) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first code no row of ``model`` has."""
    code, n = base[:60], 1
    while db.session.scalar(sa.select(model.id).where(model.code == code)) is not None:
        n += 1
        code = f"{base[:57]}-{n}"
    return code


def tree(commune: Unit) -> list[tuple[Unit, int]]:
    """Every unit of the commune with its depth, in tree order (parents before children)."""
    units = list(db.session.scalars(sa.select(Unit).where(Unit.commune_id == commune.id)))
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    rows: list[tuple[Unit, int]] = []

    def walk(unit: Unit, depth: int) -> None:
        """Add ``unit`` and its children, by name."""
        rows.append((unit, depth))
        for child in sorted(by_parent.get(unit.id, []), key=lambda u: (not u.active, u.name)):
            walk(child, depth + 1)

    walk(commune, 0)
    return rows


def unit_of(commune: Unit, unit_id) -> Unit:
    """A unit of this commune; CommuneError when it is not one."""
    unit = db.session.get(Unit, int_id(unit_id)) if int_id(unit_id) else None
    if unit is None or unit.commune_id != commune.id:
        raise CommuneError({"parent_id": _("Choose a unit of this commune.")})
    return unit


def add_unit(commune: Unit, name, unit_type, parent_id, actor) -> Unit:
    """A new unit below ``parent_id`` (the commune when empty)."""
    name = _name(name)
    if unit_type not in UNIT_TYPES:
        raise CommuneError({"type": _("Choose the kind of unit.")})
    parent = unit_of(commune, parent_id) if parent_id else commune
    if not parent.active:
        raise CommuneError({"parent_id": _("This unit is deactivated: choose an active one.")})
    unit = Unit.create(_free_code(f"{commune.code}-{tpl.slug(name)}", Unit), name, unit_type, parent=parent)
    audit(actor, "unit_add", commune.id, unit=[None, name], parent=[None, parent.name])
    return unit


def rename_unit(commune: Unit, unit: Unit, name, actor) -> None:
    """Give a unit a new name (its entries and history keep pointing at it)."""
    name = _name(name)
    if name != unit.name:
        audit(actor, "unit_rename", commune.id, unit_id=unit.id, name=[unit.name, name])
        unit.name = name


def move_unit(commune: Unit, unit: Unit, parent_id, actor) -> None:
    """Put a unit (and everything below it) under another unit of the commune; never under itself."""
    if unit.id == commune.id:
        raise CommuneError({"parent_id": _("The commune itself cannot be moved.")})
    parent = unit_of(commune, parent_id)
    if parent.path.startswith(unit.path):
        raise CommuneError({"parent_id": _("A unit cannot be moved under itself or one of its own units.")})
    if parent.id == unit.parent_id:
        return
    old_parent = unit.parent.name if unit.parent else ""
    old_path, new_path = unit.path, f"{parent.path}{unit.id}/"
    for below in db.session.scalars(sa.select(Unit).where(Unit.path.startswith(old_path))):
        below.path = new_path + below.path[len(old_path):]
    unit.parent_id = parent.id
    audit(actor, "unit_move", commune.id, unit=[unit.name, unit.name], parent=[old_parent, parent.name])


def set_unit_active(commune: Unit, unit: Unit, active: bool, actor) -> None:
    """Deactivate a unit (nothing new is logged for it; its entries stay in every report) or reactivate it."""
    if unit.id == commune.id:
        raise CommuneError({"unit": _("The commune itself cannot be deactivated.")})
    if unit.active != active:
        audit(actor, "unit_active", commune.id, unit=[unit.name, unit.name], active=[unit.active, active])
        unit.active = active


def women_union(commune: Unit) -> Unit:
    """The commune's Women's Union (where village branches go); the commune when it has none."""
    units = list(db.session.scalars(sa.select(Unit).where(Unit.commune_id == commune.id,
                                                          Unit.type == "organisation").order_by(Unit.id)))
    return next((u for u in units if u.code == f"{commune.code}-{tpl.BRANCH_PARENT}"), None) or \
        next((u for u in units if u.name.startswith("Hội Liên hiệp Phụ nữ")), commune)


def villages(commune: Unit) -> list[Village]:
    """The commune's villages, active first, by name."""
    return list(db.session.scalars(sa.select(Village).where(Village.commune_id == commune.id)
                                   .order_by(Village.active.desc(), Village.name)))


def village_of(commune: Unit, village_id, field: str = "village_id") -> Village:
    """A village of this commune; CommuneError when it is not one."""
    village = db.session.get(Village, int_id(village_id)) if int_id(village_id) else None
    if village is None or village.commune_id != commune.id:
        raise CommuneError({field: _("Choose a village of this commune.")})
    return village


def _check_unique_name(commune: Unit, name: str, except_id: int | None = None) -> None:
    """Refuse a second active village of the same name (diacritics and case ignored)."""
    for village in villages(commune):
        if village.active and village.id != except_id and tpl.slug(village.name) == tpl.slug(name):
            raise CommuneError({"name": _("The commune already has a village named %(name)s.", name=village.name)})


def add_village(commune: Unit, name, actor) -> tuple[Village, Unit]:
    """A new village and its women's-union branch; returns both."""
    name = _name(name)
    _check_unique_name(commune, name)
    village = Village(commune_id=commune.id, code=_free_code(f"{commune.code}-{tpl.slug(name)}", Village),
                      name=name)
    db.session.add(village)
    db.session.flush()
    branch = Unit.create(_free_code(f"{commune.code}-pn-{tpl.slug(name)}", Unit),
                         tpl.BRANCH_NAME.format(village=tpl.lower_first(name)), "branch",
                         parent=women_union(commune), village=village)
    audit(actor, "village_add", commune.id, village=[None, name], branch=[None, branch.code])
    return village, branch


def rename_village(commune: Unit, village: Village, name, actor) -> None:
    """Rename a village (and its branch when the branch still has its default name)."""
    name = _name(name)
    if name == village.name:
        return
    _check_unique_name(commune, name, except_id=village.id)
    default = tpl.BRANCH_NAME.format(village=tpl.lower_first(village.name))
    for branch in db.session.scalars(sa.select(Unit).where(Unit.village_id == village.id, Unit.name == default)):
        branch.name = tpl.BRANCH_NAME.format(village=tpl.lower_first(name))
    audit(actor, "village_rename", commune.id, village_id=village.id, name=[village.name, name])
    village.name = name


def set_village_active(commune: Unit, village: Village, active: bool, actor) -> None:
    """Deactivate a village (no longer offered for new entries) or reactivate it."""
    if village.merged_into_id and active:
        raise CommuneError({"village_id": _("A merged village cannot be reactivated.")})
    if village.active != active:
        audit(actor, "village_active", commune.id, village=[village.name, village.name],
              active=[village.active, active])
        village.active = active
