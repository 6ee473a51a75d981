"""Officer pages of the plan: the year's plan and targets, the yearly figures, the report periods."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from webapp.extensions import db
from webapp.inputs import int_id
from webapp.kinds import all_kinds
from webapp.navigation import add_nav_item
from webapp.plan import indicators, periods, services
from webapp.plan import targets as target_meta
from webapp.plan.models import PlanTarget, ReportPeriod
from webapp.reports.totals.labels import UNIT_TYPES
from webapp.reports.settings_views import EDIT_ROLES, owner_or_403

bp = Blueprint("plan", __name__, url_prefix="/plan")
add_nav_item("plan.index", _l("Plan"), roles=EDIT_ROLES, position=65)


def _year() -> int:
    """The plan year asked for (this year by default)."""
    raw = request.args.get("year", "")
    year = int_id(raw)
    return year if year is not None and 2000 <= year <= 2100 else dt.date.today().year


def _commune_arg(scope) -> dict:
    """``commune=<id>`` when the person has several communes."""
    return {"commune": scope.commune.id} if scope.commune is not None and len(scope.communes) > 1 else {}


def _target_choices(scope, owner) -> dict:
    """What the target form offers."""
    return {"metrics": target_meta.METRICS, "kinds": all_kinds(), "units": scope.units(), "unit_types": UNIT_TYPES,
            "columns": target_meta.column_choices(), "indicators": indicators.INDICATORS,
            "periods": [row for row in periods.definitions(owner.id) if row.type in ("range", "campaign")]}


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """The year's plan: its document, its targets, and links to the figures and periods."""
    scope, owner = owner_or_403()
    year = _year()
    plan = target_meta.plan_for(owner.id, year, create=request.method == "POST")
    errors = {}
    if request.method == "POST":
        errors = services.save_plan_document(plan, request.form)
        if not errors:
            db.session.commit()
            flash(_("The plan is saved."), "success")
            return redirect(url_for("plan.index", year=year, **_commune_arg(scope)))
        db.session.rollback()
    return render_template("plan/index.html", scope=scope, owner=owner, year=year, plan=plan, errors=errors,
                           describe=target_meta.describe, goal_text=target_meta.goal_text,
                           period_names={row.code: row.name for row in periods.definitions(owner.id)},
                           commune_arg=_commune_arg(scope), values=request.form if errors else None), \
        400 if errors else 200


def _target_form(scope, owner, year: int, target: PlanTarget | None):
    """Show or save the target form (new when ``target`` is None)."""
    values = {name: getattr(target, name) for name in services.TARGET_FIELDS} if target else {"comparison": ">="}
    errors: dict[str, str] = {}
    choices = _target_choices(scope, owner)
    if request.method == "POST":
        values = request.form.to_dict()
        codes = {row.code for row in choices["periods"]}
        clean, errors = target_meta.validate(request.form, {u.id for u in choices["units"]}, codes)
        if not errors:
            plan = target_meta.plan_for(owner.id, year, create=True)
            if target is None:
                services.add_target(plan, clean)
            else:
                services.apply_target(target, clean)
            db.session.commit()
            flash(_("Target saved."), "success")
            return redirect(url_for("plan.index", year=year, **_commune_arg(scope)))
    return render_template("plan/target_form.html", scope=scope, year=year, target=target, values=values,
                           errors=errors, commune_arg=_commune_arg(scope), **choices), 400 if errors else 200


@bp.route("/targets/new", methods=["GET", "POST"])
@login_required
def new_target():
    """Add a target to the year's plan."""
    scope, owner = owner_or_403()
    return _target_form(scope, owner, _year(), None)


def _target_or_404(owner, target_id: int) -> PlanTarget:
    """A target of the owner's plans."""
    target = db.session.get(PlanTarget, target_id)
    if target is None or target.plan.unit_id != owner.id:
        abort(404)
    return target


@bp.route("/targets/<int:target_id>", methods=["GET", "POST"])
@login_required
def edit_target(target_id: int):
    """Change a target."""
    scope, owner = owner_or_403()
    target = _target_or_404(owner, target_id)
    return _target_form(scope, owner, target.plan.year, target)


@bp.post("/targets/<int:target_id>/delete")
@login_required
def delete_target(target_id: int):
    """Remove a target from the plan."""
    scope, owner = owner_or_403()
    target = _target_or_404(owner, target_id)
    year = target.plan.year
    db.session.delete(target)
    db.session.commit()
    flash(_("Target removed."), "success")
    return redirect(url_for("plan.index", year=year, **_commune_arg(scope)))


@bp.route("/figures", methods=["GET", "POST"])
@login_required
def figures():
    """The commune's yearly figures of the national strategy (counts only)."""
    scope, owner = owner_or_403()
    year = _year()
    values = indicators.figures(owner.id, year)
    errors: dict[str, str] = {}
    if request.method == "POST":
        clean, errors = services.read_figures(request.form)
        if not errors:
            indicators.save_figures(owner.id, year, clean)
            db.session.commit()
            flash(_("Figures of %(year)s saved.", year=year), "success")
            return redirect(url_for("plan.figures", year=year, **_commune_arg(scope)))
        values = request.form.to_dict()
    return render_template("plan/figures.html", scope=scope, year=year, values=values, errors=errors,
                           inputs=indicators.INPUTS, commune_arg=_commune_arg(scope)), 400 if errors else 200


@bp.route("/periods", methods=["GET", "POST"])
@login_required
def report_periods():
    """The report periods: list, edit one (``?edit=<id>``) or add one (``?edit=new``)."""
    scope, owner = owner_or_403()
    rows = periods.ensure_default_periods(owner.id)
    db.session.commit()
    editing = request.args.get("edit", "")
    row = next((r for r in rows if str(r.id) == editing), None)
    errors: dict[str, str] = {}
    values = {}
    campaigns = periods.campaigns_for(owner.id)
    if request.method == "POST":
        clean, errors = services.read_period(request.form, owner.id, row, set(campaigns))
        if not errors:
            services.save_period(owner.id, row, clean)
            db.session.commit()
            flash(_("Report period saved."), "success")
            return redirect(url_for("plan.report_periods", **_commune_arg(scope)))
        values = request.form.to_dict()
    elif row is not None:
        values = {c.name: getattr(row, c.name) for c in ReportPeriod.__table__.columns}
    rows = list(db.session.scalars(sa.select(ReportPeriod).where(ReportPeriod.unit_id == owner.id)
                                   .order_by(ReportPeriod.position, ReportPeriod.id)))
    windows = {r.code: periods.windows(r, dt.date.today().year, campaigns) for r in rows}
    return render_template("plan/periods.html", scope=scope, rows=rows, row=row, editing=editing, values=values,
                           errors=errors, campaigns=campaigns, windows=windows, types=periods.PERIOD_TYPES,
                           commune_arg=_commune_arg(scope)), 400 if errors else 200
