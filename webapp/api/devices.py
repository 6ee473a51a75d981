""""My devices": the person's signed-in phones and scripts, each revocable; admins see everyone's."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.api import tokens
from webapp.extensions import db
from webapp.navigation import add_nav_item

bp = Blueprint("devices", __name__)
add_nav_item("devices.index", _l("My devices"), position=80)


@bp.get("/devices")
@login_required
def index():
    """The person's tokens with device name, sign-in time and last use; for an admin, everyone's too."""
    from webapp.auth.services import current_login_session
    from webapp.users.services import sessions_of

    current = current_login_session()
    return render_template("devices/index.html", mine=tokens.tokens_of(current_user),
                           others=tokens.others_tokens(current_user), sessions=sessions_of(current_user),
                           current_session_id=current.id if current is not None else None)


@bp.post("/devices/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Sign one of my browsers out (a lost phone); ending this one signs me out here too."""
    from webapp.users.services import end_browser_session

    user = current_user._get_current_object()
    if end_browser_session(user, user, session_id, "web") is None:
        abort(404)
    db.session.commit()
    flash(_("The browser session was ended."), "success")
    return redirect(url_for("devices.index"))


@bp.post("/devices/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Sign a device out (a lost phone): its token stops working at once."""
    token = tokens.revocable_token(current_user, token_id)
    if token is None:
        abort(404)
    from webapp.users.services import audit

    if token.revoked_at is None:
        audit(current_user._get_current_object(), "user_token_revoke", token.user, "web",
              token=[token.device_name or str(token.id), None])
    tokens.revoke(token)
    db.session.commit()
    flash(_("Signed out: %(device)s.", device=token.device_name or _("Unnamed device")), "success")
    return redirect(url_for("devices.index"))
