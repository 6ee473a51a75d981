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
    return render_template("devices/index.html", mine=tokens.tokens_of(current_user),
                           others=tokens.others_tokens(current_user))


@bp.post("/devices/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Sign a device out (a lost phone): its token stops working at once."""
    token = tokens.revocable_token(current_user, token_id)
    if token is None:
        abort(404)
    tokens.revoke(token)
    db.session.commit()
    flash(_("Signed out: %(device)s.", device=token.device_name or _("Unnamed device")), "success")
    return redirect(url_for("devices.index"))
