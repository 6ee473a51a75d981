"""The officer's periods page: list, close (name, dates, reason), reopen and close again (reason)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.auth.permissions import role_required
from webapp.entries.services import lock_changes
from webapp.extensions import db
from webapp.navigation import add_nav_item
from webapp.periods import services
from webapp.periods.models import ClosedPeriod

bp = Blueprint("periods", __name__, url_prefix="/periods")
add_nav_item("periods.index", _l("Periods"), roles=services.MANAGER_ROLES, position=70)


def _page(form=None, errors=None, status: int = 200, failed_period: int | None = None):
    """Render the periods page with the close form (and any errors)."""
    communes = services.managed_communes(current_user)
    return render_template("periods/index.html", communes=communes, periods=services.periods_of(communes),
                           form=form or {}, errors=errors or {}, failed_period=failed_period), status


def _period_or_404(period_id: int) -> ClosedPeriod:
    """A period of a commune the user manages (404 otherwise, never revealing others)."""
    period = db.session.get(ClosedPeriod, period_id)
    if period is None or not services.may_manage(current_user, period.commune_id):
        abort(404)
    return period


@bp.get("/")
@login_required
@role_required(*services.MANAGER_ROLES)
def index():
    """Periods of my communes, with the close form."""
    return _page()


@bp.post("/")
@login_required
@role_required(*services.MANAGER_ROLES)
def close():
    """Close a period: nothing dated inside it can be created, edited or reviewed until reopened."""
    lock_changes()  # no edit inside the period can slip in while it closes
    parsed = services.parse_close(request.form, services.managed_communes(current_user))
    try:
        period = services.close_period(current_user, parsed)
    except services.PeriodError as exc:
        return _page(request.form, exc.errors, status=400)
    db.session.commit()
    flash(_("Period %(name)s closed.", name=period.name), "success")
    return redirect(url_for("periods.index"))


def _change_period(period_id: int, change, done_message: str):
    """Apply ``change(user, period, reason)`` under the writers' lock; show the form again on error."""
    lock_changes()
    period = _period_or_404(period_id)
    try:
        change(current_user, period, request.form.get("reason"))
    except services.PeriodError as exc:
        return _page(errors=exc.errors, status=400, failed_period=period.id)
    db.session.commit()
    flash(done_message % {"name": period.name}, "success")
    return redirect(url_for("periods.index"))


@bp.post("/<int:period_id>/reopen")
@login_required
@role_required(*services.MANAGER_ROLES)
def reopen(period_id: int):
    """Reopen a closed period (a reason is required)."""
    return _change_period(period_id, services.reopen_period, _("Period %(name)s reopened."))


@bp.post("/<int:period_id>/close")
@login_required
@role_required(*services.MANAGER_ROLES)
def close_again(period_id: int):
    """Close a reopened period again (a reason is required)."""
    return _change_period(period_id, services.close_again, _("Period %(name)s closed."))
