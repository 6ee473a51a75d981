"""Admin pages of communes: the list, a new commune from the official list (with a preview), first run."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.communes import first_run, official, services
from webapp.communes import template as tpl
from webapp.extensions import db
from webapp.admin.views import add_admin_link

bp = Blueprint("communes", __name__)
add_admin_link("communes.index", _l("Commune setup"),
               _l("Units, villages, topics, campaigns, last year's plan; new communes from the official list"),
               roles=services.MANAGER_ROLES, position=20)


@bp.app_context_processor
def inject_home_commune() -> dict:
    """``home_commune``: the signed-in person's commune, in every page title."""
    return {"home_commune": services.home_commune_name()}


def _admin_only() -> None:
    """Only an administrator adds communes."""
    if not current_user.has_role("admin"):
        abort(404)


@bp.get("/communes/")
@login_required
def index():
    """The communes this person manages, with links to their units, villages, topics and plan."""
    communes = services.managed_communes(current_user)
    if not communes and not current_user.has_role("admin"):
        abort(404)
    return render_template("communes/index.html", communes=communes, is_admin=current_user.has_role("admin"))


@bp.get("/communes/new")
@login_required
def choose():
    """Pick a province, then search its communes and wards without diacritics."""
    _admin_only()
    province = request.args.get("province", "")[:2]
    query = request.args.get("q", "")[:100]
    results = official.search(province or None, query) if (province or query.strip()) else []
    return render_template("communes/choose.html", provinces=official.provinces(), province=province,
                           query=query, results=results)


def _leave_out() -> set[str]:
    """The template units the admin unticked on the preview."""
    if request.method != "POST":
        return set()
    return {key for key, _pattern, _type in tpl.UNITS if request.form.get(f"unit_{key}") != "1"}


def _preview(plan_maker, page_args: dict):
    """Show the template of a new commune; save it when the admin confirms."""
    villages_text = request.form.get("villages", "") if request.method == "POST" else ""
    errors: dict[str, str] = {}
    try:
        plan = plan_maker(tpl.village_names(villages_text), _leave_out())
    except services.CommuneError as error:
        plan, errors = None, error.errors
    if plan is not None and request.method == "POST" and request.form.get("confirm") == "1":
        try:
            created = services.create_commune(plan, current_user)
        except services.CommuneError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(_("%(name)s created with %(n)s units.", name=created[0].name, n=len(created)), "success")
            return redirect(url_for("communes.units", commune_id=created[0].id))
    return render_template("communes/preview.html", plan=plan, errors=errors, villages_text=villages_text,
                           template_units=tpl.UNITS, left_out=_leave_out(), **page_args), 400 if errors else 200


@bp.route("/communes/new/<code>", methods=["GET", "POST"])
@login_required
def preview(code: str):
    """The template of the official commune ``code``: units, branches, topics, action months, settings."""
    _admin_only()
    return _preview(lambda villages, leave_out: services.plan_official(code, villages, leave_out),
                    {"action": url_for("communes.preview", code=code), "manual": None})


@bp.route("/communes/manual", methods=["GET", "POST"])
@login_required
def manual():
    """A commune typed in by hand, only when the official list lacks it."""
    _admin_only()
    values = {"name": request.values.get("name", ""), "province": request.values.get("province", "")}
    if request.method == "GET" or not values["name"]:
        errors = {"name": _("Give the commune's name, e.g. Xã Thanh Trì.")} if request.method == "POST" else {}
        return render_template("communes/manual.html", provinces=official.provinces(), values=values,
                               errors=errors), 400 if errors else 200
    return _preview(lambda villages, leave_out: services.plan_manual(values["name"], values["province"],
                                                                     villages, leave_out),
                    {"action": url_for("communes.manual"), "manual": values})


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """First run: on a database with no user, create the first administrator and the first commune."""
    if not first_run.needs_setup():
        abort(404)
    values = request.form.to_dict() if request.method == "POST" else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            commune = first_run.set_up(values.get("username", ""), values.get("password", ""),
                                       values.get("full_name", ""), values.get("commune", ""),
                                       tpl.village_names(values.get("villages", "")), values.get("confirm", ""))
        except first_run.SetupError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(_("%(name)s is ready. Sign in with the account you have just made.", name=commune.name),
                  "success")
            return redirect(url_for("auth.login"))
    values.pop("password", None)
    values.pop("confirm", None)
    return render_template("communes/setup.html", values=values, errors=errors), 400 if errors else 200


from webapp.communes import plan_views, structure_views  # noqa: E402,F401  (routes on ``bp``)
