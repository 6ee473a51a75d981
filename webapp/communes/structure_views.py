"""Pages of a commune's units (tree: add, rename, move, deactivate) and villages (add, rename,
deactivate, merge). Every change is checked in ``structure``/``merge`` and audited there."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.communes import merge, services, structure
from webapp.communes.views import bp
from webapp.extensions import db


def _first_commune_or_404():
    """The first commune this person manages (for the short ``/units`` and ``/villages`` links)."""
    communes = services.managed_communes(current_user)
    if not communes:
        abort(404)
    return communes[0]


@bp.get("/units")
@login_required
def my_units():
    """The units of the person's (first) commune."""
    return redirect(url_for("communes.units", commune_id=_first_commune_or_404().id))


@bp.get("/villages")
@login_required
def my_villages():
    """The villages of the person's (first) commune."""
    return redirect(url_for("communes.villages", commune_id=_first_commune_or_404().id))


def _units_page(commune, errors: dict | None = None, failed: int | None = None, status: int = 200):
    """The tree with its forms (errors shown next to the form that failed)."""
    rows = structure.tree(commune)
    return render_template("communes/units.html", commune=commune, rows=rows, errors=errors or {},
                           failed=failed, form=request.form, unit_types=structure.UNIT_TYPES), status


def _apply(commune, change, done_message: str, page, failed: int | None = None):
    """Run ``change``; commit and go back to the page, or roll back and show it with the errors (400)."""
    try:
        change()
    except services.CommuneError as error:
        db.session.rollback()
        return page(commune, error.errors, failed, 400)
    db.session.commit()
    flash(done_message, "success")
    endpoint = "communes.units" if page is _units_page else "communes.villages"
    return redirect(url_for(endpoint, commune_id=commune.id))


@bp.get("/communes/<int:commune_id>/units")
@login_required
def units(commune_id: int):
    """The commune's units as a tree."""
    return _units_page(services.commune_or_404(current_user, commune_id))


@bp.post("/communes/<int:commune_id>/units/add")
@login_required
def add_unit(commune_id: int):
    """Add a unit."""
    commune = services.commune_or_404(current_user, commune_id)
    form = request.form
    return _apply(commune, lambda: structure.add_unit(commune, form.get("name"), form.get("type"),
                                                      form.get("parent_id"), current_user),
                  _("Unit added."), _units_page)


def _unit(commune, unit_id: int):
    """A unit of the commune, else 404."""
    try:
        return structure.unit_of(commune, unit_id)
    except services.CommuneError:
        abort(404)


@bp.post("/communes/<int:commune_id>/units/<int:unit_id>/<any(rename, move, deactivate, reactivate):op>")
@login_required
def change_unit(commune_id: int, unit_id: int, op: str):
    """Rename, move, deactivate or reactivate a unit."""
    commune = services.commune_or_404(current_user, commune_id)
    unit = _unit(commune, unit_id)
    actions = {
        "rename": (lambda: structure.rename_unit(commune, unit, request.form.get("name"), current_user),
                   _("Unit renamed.")),
        "move": (lambda: structure.move_unit(commune, unit, request.form.get("parent_id"), current_user),
                 _("Unit moved.")),
        "deactivate": (lambda: structure.set_unit_active(commune, unit, False, current_user),
                       _("Unit deactivated; its entries stay in every report.")),
        "reactivate": (lambda: structure.set_unit_active(commune, unit, True, current_user),
                       _("Unit reactivated.")),
    }
    change, message = actions[op]
    return _apply(commune, change, message, _units_page, failed=unit.id)


def _villages_page(commune, errors: dict | None = None, failed: int | None = None, status: int = 200):
    """The villages with their forms."""
    return render_template("communes/villages.html", commune=commune, villages=structure.villages(commune),
                           errors=errors or {}, failed=failed, form=request.form), status


@bp.get("/communes/<int:commune_id>/villages")
@login_required
def villages(commune_id: int):
    """The commune's villages (thôn, xóm, tổ dân phố)."""
    return _villages_page(services.commune_or_404(current_user, commune_id))


@bp.post("/communes/<int:commune_id>/villages/add")
@login_required
def add_village(commune_id: int):
    """Add a village and its women's-union branch."""
    commune = services.commune_or_404(current_user, commune_id)
    return _apply(commune, lambda: structure.add_village(commune, request.form.get("name"), current_user),
                  _("Village added with its women's-union branch."), _villages_page)


@bp.post("/communes/<int:commune_id>/villages/<int:village_id>/<any(rename, deactivate, reactivate, merge):op>")
@login_required
def change_village(commune_id: int, village_id: int, op: str):
    """Rename, deactivate, reactivate or merge a village."""
    commune = services.commune_or_404(current_user, commune_id)
    try:
        village = structure.village_of(commune, village_id)
    except services.CommuneError:
        abort(404)
    moved: list[int] = []
    actions = {
        "rename": (lambda: structure.rename_village(commune, village, request.form.get("name"), current_user),
                   _("Village renamed.")),
        "deactivate": (lambda: structure.set_village_active(commune, village, False, current_user),
                       _("Village deactivated.")),
        "reactivate": (lambda: structure.set_village_active(commune, village, True, current_user),
                       _("Village reactivated.")),
        "merge": (lambda: moved.append(merge.merge_villages(commune, village.id, request.form.get("into_id"),
                                                            current_user)),
                  _("Villages merged: the entries moved to the surviving village.")),
    }
    change, message = actions[op]
    return _apply(commune, change, message, _villages_page, failed=village.id)
