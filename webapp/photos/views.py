"""``/api/v1/entries/<uuid>/photos/<sha256>``: attach a photo to an entry and read it back (thin views)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.api import tokens
from webapp.api.errors import ApiError
from webapp.entries import services as entry_services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.photos import services as photos
from webapp.photos import spec  # noqa: F401  (describes these endpoints in /api/v1/openapi.json)

bp = Blueprint("photos", __name__, url_prefix="/api/v1")

DEFAULTS = {
    "PHOTO_MAX_BYTES": 10 * 1024 * 1024,
    "PHOTO_MAX_PER_ENTRY": 20,
}


@bp.record_once
def setup(state) -> None:
    """Settings defaults and the ``entry_photos`` template helper."""
    app = state.app
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.add_template_global(photos.photos_of, "entry_photos")


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    """A whole-request refusal as the contract's JSON error."""
    return error.response()


def _photo_json(entry: Entry, photo) -> dict:
    """A photo's description with its address."""
    return {**photo.to_dict(), "url": url_for("photos.get_photo", entry_uuid=entry.uuid, sha256=photo.sha256)}


@bp.put("/entries/<entry_uuid>/photos/<sha256>")
@login_required
def put_photo(entry_uuid: str, sha256: str):
    """Attach the body (a JPEG, PNG or WebP) to the entry: 201 the first time, 200 after."""
    digest = photos.parse_sha256(sha256)
    if digest is None:
        raise ApiError(400, "bad_sha256", _("The address must end with the photo's SHA-256 in hex."))
    entry = entry_services.get_entry_or_404(current_user, entry_uuid)
    if not photos.may_add_photos(current_user, entry):
        raise ApiError(403, "forbidden", _("You may not add photos to this entry."))
    limit = photos.max_photo_bytes()
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", _("The photo is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    photo, created = photos.store_photo(entry, request.get_data(cache=False), current_user._get_current_object(),
                                        tokens.current_device(), expected_sha256=digest)
    db.session.commit()
    return jsonify(_photo_json(entry, photo)), 201 if created else 200


@bp.get("/entries/<entry_uuid>/photos/<sha256>")
@login_required
def get_photo(entry_uuid: str, sha256: str):
    """The photo's bytes, for people who may see its entry (cached: the address is its content)."""
    entry = entry_services.get_entry_or_404(current_user, entry_uuid)
    digest = photos.parse_sha256(sha256)
    photo = photos.find_photo(entry, digest) if digest else None
    if photo is None:
        abort(404)
    if digest in request.if_none_match:
        response = make_response("", 304)
    else:
        response = make_response(photo.data)
        response.headers["Content-Type"] = photo.content_type
    response.set_etag(photo.sha256)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
