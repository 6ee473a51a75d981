"""``/api/v1``: tokens, who am I, sync, read-back and the OpenAPI document (thin views)."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import lazyload

from webapp.api import openapi, spec, sync as sync_service, tokens  # noqa: F401 (spec registers paths)
from webapp.api.errors import ApiError
from webapp.auth import permissions
from webapp.entries import services as entry_services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import all_kinds

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULTS = {
    "SYNC_MAX_ENTRIES": 500,
    "SYNC_MAX_BYTES": 8 * 1024 * 1024,
    "ENTRIES_PAGE_SIZE": 500,
    "TOKEN_BODY_MAX_BYTES": 16 * 1024,
}
MAX_CURSOR_DIGITS = 18


@bp.record_once
def setup(state) -> None:
    """Settings defaults and the devices page."""
    app = state.app
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    from webapp.api.devices import bp as devices_bp

    app.register_blueprint(devices_bp)


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    """A whole-request refusal as the contract's JSON error."""
    return error.response()


def _reject_constant(name: str):
    """Strict JSON: NaN and Infinity are not numbers."""
    raise ValueError(name)


def read_json(limit: int):
    """The request body parsed as JSON; 413 beyond ``limit`` bytes, 400 when it is not JSON."""
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", _("The request is larger than %(n)s bytes.", n=limit))
    body = request.get_data(cache=False)
    if len(body) > limit:
        raise ApiError(413, "too_large", _("The request is larger than %(n)s bytes.", n=limit))
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "not_json", _("The request body is not valid JSON.")) from None


@bp.post("/tokens")
def create_token():
    """Sign a device in: ``{"username","password","device_name"}`` → 201 ``{"token"}``."""
    secret = tokens.issue_token(read_json(current_app.config["TOKEN_BODY_MAX_BYTES"]))
    db.session.commit()
    return jsonify(token=secret), 201


@bp.delete("/tokens/current")
@login_required
def revoke_current_token():
    """Revoke the token this request is signed with."""
    token = tokens.current_token()
    if token is None:
        raise ApiError(400, "no_token", _("This request is not signed with a token."))
    tokens.revoke(token)
    db.session.commit()
    return "", 204


@bp.get("/me")
@login_required
def me():
    """Who am I: roles, the units I may log for, the villages, the kinds."""
    user = current_user
    return jsonify(
        username=user.username,
        roles=[{"role": a.role, "unit_id": a.unit_id} for a in user.roles],
        units=[unit.to_dict() for unit in permissions.loggable_units(user)],
        villages=[village.to_dict() for village in permissions.villages_for(user)],
        kinds=[kind.code for kind in all_kinds()],
    )


@bp.post("/sync")
@login_required
def sync():
    """Accept a batch of entries made on a device; answer after the whole batch commits."""
    entries = sync_service.parse_batch(read_json(current_app.config["SYNC_MAX_BYTES"]))
    device = tokens.current_device()
    results = sync_service.sync_entries(current_user._get_current_object(), entries, device)
    db.session.commit()
    return jsonify(results=results)


def _parse_cursor(value: str | None) -> int:
    """The change number a cursor stands for (none or empty: from the start)."""
    if value is None or value == "":
        return 0
    if not value.isascii() or not value.isdigit() or len(value) > MAX_CURSOR_DIGITS:
        raise ApiError(400, "bad_cursor", _("updated_since must be a cursor returned by this API."))
    return int(value)


def _parse_limit(value: str | None) -> int:
    """The page size asked for, within the configured maximum."""
    maximum = int(current_app.config["ENTRIES_PAGE_SIZE"])
    if value is None or value == "":
        return maximum
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ApiError(400, "bad_limit", _("limit must be a number from 1 to %(n)s.", n=maximum))
    return int(value)


@bp.get("/entries")
@login_required
def entries():
    """Entries the user may see that changed after the cursor, in change order, one page."""
    since = _parse_cursor(request.args.get("updated_since"))
    limit = _parse_limit(request.args.get("limit"))
    units = sync_service.visible_unit_ids(current_user._get_current_object())
    rows = db.session.scalars(
        sa.select(Entry).where(Entry.unit_id.in_(units), Entry.change_seq > since,
                               *entry_services.sensitive_entry_conditions(current_user)).options(lazyload("*"))
        .order_by(Entry.change_seq, Entry.id).limit(limit)).all()
    cursor = str(rows[-1].change_seq) if rows else str(since)
    return jsonify(entries=[entry.to_dict() for entry in rows], cursor=cursor, more=len(rows) == limit)


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3 document of every ``/api/v1`` endpoint."""
    return jsonify(openapi.document())

