"""Photos as evidence: checked by their magic bytes, stored once per entry and content."""
from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from webapp.api.errors import ApiError
from webapp.photos.images import ImageInfo, sniff
from webapp.photos.models import Photo
from webapp.auth import permissions
from webapp.auth.models import User
from webapp.entries.models import Entry
from webapp.entries.services import locked_reason, record
from webapp.extensions import db

SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def parse_sha256(value: str) -> str | None:
    """The lower-case hex SHA-256 in ``value``, or None when it is not one."""
    value = (value or "").strip().lower()
    return value if SHA256_HEX.fullmatch(value) else None


def max_photo_bytes() -> int:
    """The configured size limit of one photo."""
    return int(current_app.config["PHOTO_MAX_BYTES"])


def check_image(body: bytes) -> ImageInfo:
    """The image's type and size; ``ApiError`` when it is empty, too large or not JPEG/PNG/WebP."""
    if not body:
        raise ApiError(400, "empty_photo", _("The photo is empty."))
    if len(body) > max_photo_bytes():
        raise ApiError(413, "too_large", _("The photo is larger than %(mb)s MB.",
                                           mb=max_photo_bytes() // (1024 * 1024)))
    info = sniff(body)
    if info is None:
        raise ApiError(415, "unsupported_media_type", _("Only JPEG, PNG or WebP photos are accepted."))
    return info


def may_add_photos(user: User, entry: Entry) -> bool:
    """Its author, or someone who logs for its unit, may add photos to an entry."""
    return entry.author_id == user.id or permissions.unit_in_scope(user, entry.unit)


def photos_of(entry: Entry) -> list[Photo]:
    """The entry's photos, oldest first."""
    return list(db.session.scalars(
        sa.select(Photo).where(Photo.entry_id == entry.id).order_by(Photo.created_at, Photo.id)))


def find_photo(entry: Entry, sha256: str) -> Photo | None:
    """The entry's photo with this digest, if it has one."""
    return db.session.scalar(sa.select(Photo).where(Photo.entry_id == entry.id, Photo.sha256 == sha256))


def _check_room(entry: Entry, adding: int) -> None:
    """Refuse photos beyond the configured number per entry."""
    limit = int(current_app.config["PHOTO_MAX_PER_ENTRY"])
    count = db.session.scalar(sa.select(sa.func.count(Photo.id)).where(Photo.entry_id == entry.id)) or 0
    if count + adding > limit:
        raise ApiError(409, "too_many_photos", _("An entry can have at most %(n)s photos.", n=limit))


def store_photo(entry: Entry, body: bytes, user: User, device: str = "",
                expected_sha256: str | None = None) -> tuple[Photo, bool]:
    """Attach ``body`` to ``entry``; return ``(photo, created)`` — the same bytes again are the same photo."""
    info = check_image(body)
    digest = hashlib.sha256(body).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise ApiError(400, "checksum_mismatch",
                       _("The photo's SHA-256 does not match its address; it was damaged on the way."))
    existing = find_photo(entry, digest)
    if existing is not None:
        return existing, False
    reason = locked_reason(entry)
    if reason is not None:
        raise ApiError(409, "locked", reason)
    _check_room(entry, 1)
    photo = Photo(entry_id=entry.id, sha256=digest, content_type=info.content_type, size=len(body),
                  width=info.width, height=info.height, data=body, uploaded_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:
        # The same photo arrived at the same moment through another request: one photo.
        existing = find_photo(entry, digest)
        if existing is None:
            raise
        return existing, False
    record(entry, user, "photo", {"photo": digest}, device=device)
    return photo, True


def read_uploads(files, entry: Entry | None = None) -> tuple[list[bytes], str | None]:
    """The photos chosen in an HTML form (empty inputs skipped), or a message naming the first bad one."""
    uploads: list[bytes] = []
    for upload in files:
        if upload is None or not upload.filename:
            continue
        body = upload.read(max_photo_bytes() + 1)
        try:
            check_image(body)
        except ApiError as error:
            return [], f"{upload.filename[:80]}: {error.message}"
        uploads.append(body)
    try:
        if entry is not None:
            _check_room(entry, len(uploads))
        elif len(uploads) > int(current_app.config["PHOTO_MAX_PER_ENTRY"]):
            raise ApiError(409, "too_many_photos", _("An entry can have at most %(n)s photos.",
                                                     n=current_app.config["PHOTO_MAX_PER_ENTRY"]))
    except ApiError as error:
        return [], str(error.message)
    return uploads, None


def attach_uploads(entry: Entry, uploads: list[bytes], user: User, device: str = "web") -> int:
    """Store photos already checked by ``read_uploads``; return how many were new."""
    db.session.flush()  # a new entry needs its id first
    return sum(1 for body in uploads if store_photo(entry, body, user, device)[1])
