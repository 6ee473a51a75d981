"""Ending one browser session or device token of a user (a lost phone), from their account page."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.extensions import db
from webapp.users import scope, services
from webapp.users.views import DEVICE, bp


@bp.post("/<int:user_id>/sessions/<int:session_id>/end")
def end_session(user_id: int, session_id: int):
    """Sign one browser out: its cookie is refused from the next request on."""
    user = scope.user_or_404(current_user._get_current_object(), user_id)
    if services.end_browser_session(current_user._get_current_object(), user, session_id, DEVICE) is None:
        abort(404)
    db.session.commit()
    flash(_("The browser session was ended."), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_token(user_id: int, token_id: int):
    """Sign one device out: its token is refused from the next request on."""
    user = scope.user_or_404(current_user._get_current_object(), user_id)
    if services.revoke_token(current_user._get_current_object(), user, token_id, DEVICE) is None:
        abort(404)
    db.session.commit()
    flash(_("The device was signed out."), "success")
    return redirect(url_for("users.detail", user_id=user.id))
