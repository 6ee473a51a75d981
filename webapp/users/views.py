"""``/users``: the list, create, edit, roles, deactivate/reactivate and password reset.

Commune officers manage their commune's users up to supervisor; anyone else's user is a 404.
Sessions and the import live in ``sessions_views`` and ``import_views`` on this blueprint.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.admin.views import ADMIN_ROLES, add_admin_link
from webapp.auth.models import RoleAssignment
from webapp.auth.permissions import role_required
from webapp.extensions import db
from webapp.users import forms, listing, scope, services

bp = Blueprint("users", __name__, url_prefix="/users")
add_admin_link("users.index", _l("Users"), _l("Accounts, roles, passwords, sessions; import from a file."),
               position=10)
PAGE_SIZE = 50
DEVICE = "web"


@bp.app_template_global("describe_device")
def describe_device(user_agent: str) -> str:
    """The browser and phone a session's user-agent names (for the session lists)."""
    from webapp.users.devices import describe

    return describe(user_agent or "")


def _actor():
    """The signed-in person as a model object."""
    return current_user._get_current_object()


def _form_context(**extra) -> dict:
    """What the create and role forms offer: the roles and units this person may grant."""
    return {"roles": scope.grantable_roles(_actor()), "units": scope.grantable_units(_actor()), **extra}


@bp.before_request
@login_required
@role_required(*ADMIN_ROLES)
def require_manager():
    """Every users page is for administrators and commune officers only."""
    return None


@bp.get("/")
def index():
    """Users I manage, searched without diacritics and filtered by role, unit and state; 50 a page."""
    filters = listing.UserFilters.from_args(request.args)
    query = filters.apply(scope.managed_users_query(_actor()))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    context = _form_context(page=page, filters=filters)
    if request.htmx and not request.htmx.boosted:
        return render_template("users/_rows.html", **context)
    return render_template("users/index.html", **context)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Add a person with one role; without a password a temporary one is made and shown once."""
    errors, values = {}, {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            user, temporary = services.create_account(
                _actor(), forms.read_profile(request.form), forms.read_role(request.form),
                forms.read_unit(request.form), request.form.get("password") or None, DEVICE)
        except services.UserError as error:
            errors = error.errors
        else:
            db.session.commit()
            if temporary:
                return render_template("users/temporary.html", user=user, password=temporary)
            flash(_("%(name)s was added.", name=user.full_name), "success")
            return redirect(url_for("users.detail", user_id=user.id))
    status = 400 if errors else 200
    return render_template("users/new.html", errors=errors, values=values, **_form_context()), status


@bp.get("/<int:user_id>")
def detail(user_id: int):
    """A person's account: roles, state, browser sessions and device tokens."""
    user = scope.user_or_404(_actor(), user_id)
    return render_template("users/detail.html", user=user, errors={}, values={},
                           sessions=services.sessions_of(user), tokens=services.tokens_of(user), **_form_context())


def _detail_with_errors(user, errors: dict, values: dict):
    """The account page again with the refused change's errors (400)."""
    return render_template("users/detail.html", user=user, errors=errors, values=values,
                           sessions=services.sessions_of(user), tokens=services.tokens_of(user),
                           **_form_context()), 400


@bp.post("/<int:user_id>/edit")
def edit(user_id: int):
    """Change the name and phone."""
    user = scope.user_or_404(_actor(), user_id)
    profile = forms.read_profile({**request.form.to_dict(), "username": user.username})
    try:
        services.update_account(_actor(), user, profile, DEVICE)
    except services.UserError as error:
        db.session.rollback()
        return _detail_with_errors(user, error.errors, request.form.to_dict())
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/roles")
def add_role(user_id: int):
    """Give one more role in one unit."""
    user = scope.user_or_404(_actor(), user_id)
    try:
        services.add_role(_actor(), user, forms.read_role(request.form), forms.read_unit(request.form), DEVICE)
    except services.UserError as error:
        db.session.rollback()
        return _detail_with_errors(user, error.errors, request.form.to_dict())
    db.session.commit()
    flash(_("Role added."), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/roles/<int:assignment_id>/remove")
def remove_role(user_id: int, assignment_id: int):
    """Take one role away (never the last one)."""
    user = scope.user_or_404(_actor(), user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        abort(404)
    try:
        services.remove_role(_actor(), user, assignment, DEVICE)
    except services.UserError as error:
        db.session.rollback()
        return _detail_with_errors(user, error.errors, {})
    db.session.commit()
    flash(_("Role removed."), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/deactivate")
def deactivate(user_id: int):
    """Turn the account off: every session and token ends at once."""
    user = scope.user_or_404(_actor(), user_id)
    try:
        services.deactivate(_actor(), user, DEVICE)
    except services.UserError as error:
        db.session.rollback()
        return _detail_with_errors(user, error.errors, {})
    db.session.commit()
    flash(_("%(name)s is deactivated: every session and device is signed out.", name=user.full_name), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/reactivate")
def reactivate(user_id: int):
    """Let the person sign in again."""
    user = scope.user_or_404(_actor(), user_id)
    services.reactivate(_actor(), user, DEVICE)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.full_name), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/reset-password")
def reset_password(user_id: int):
    """A temporary password, shown once on this page (not redirected: it is never stored in clear)."""
    user = scope.user_or_404(_actor(), user_id)
    temporary = services.reset_password(_actor(), user, DEVICE)
    db.session.commit()
    return render_template("users/temporary.html", user=user, password=temporary)


from webapp.users import import_views, sessions_views  # noqa: E402,F401  (routes on this blueprint)
