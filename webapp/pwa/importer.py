"""A broken phone's outbox, exported from its settings page, imported by the commune officer.

The records go through the sync API's own service (``webapp.api.sync.sync_entries``) as their
author, so an import is idempotent like any sync: an entry the server already holds is
``unchanged``, never a second copy. Photos in the file are stored through the same photo service.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.photos import services as photo_service
from webapp.api import sync as sync_service
from webapp.api.errors import ApiError
from webapp.auth import permissions
from webapp.auth.models import User
from webapp.entries.models import Entry
from webapp.entries.services import parse_uuid
from webapp.extensions import db

FORMAT = "binhdang-outbox"
ACCEPTED = frozenset({"created", "updated", "unchanged"})


class ImportRefused(ValueError):
    """The file cannot be imported at all; ``message`` says why, for the officer."""

    def __init__(self, message: str):
        """Keep the message."""
        super().__init__(message)
        self.message = message


@dataclass
class ImportReport:
    """What the import did: one sync result per record, photos stored, and problems with photos."""

    results: list[dict] = field(default_factory=list)
    photos_stored: int = 0
    photo_problems: list[str] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        """How many records ended in each status."""
        return Counter(item["status"] for item in self.results)


def read_export(raw: bytes) -> dict:
    """The export file as a dict; ``ImportRefused`` when it is not one."""
    try:
        payload = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ImportRefused(_("The file is not an outbox export (it is not valid JSON).")) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or not isinstance(payload.get("entries"), list):
        raise ImportRefused(_("The file is not an outbox export of this app."))
    return payload


def _may_import_for(officer: User, author: User) -> bool:
    """Whether ``officer`` is commune officer (or admin) over a unit ``author`` holds a role in."""
    return any(permissions.unit_in_scope(officer, assignment.unit, roles=("officer", "admin"))
               for assignment in author.roles)


def _author(officer: User, username: object) -> User:
    """The person whose phone made the records; refused when unknown or outside the officer's commune."""
    author = None
    if isinstance(username, str) and username:
        author = db.session.scalar(sa.select(User).where(User.username == username))
    if author is None:
        raise ImportRefused(_("The file does not name a known user."))
    if not _may_import_for(officer, author):
        raise ImportRefused(_("%(user)s is not in a commune you are officer of.", user=author.username))
    return author


def _entry_of(record: dict) -> dict:
    """The ENTRY the sync API expects, from an exported record (nothing else goes through)."""
    if not isinstance(record, dict):
        return record
    return {"uuid": record.get("uuid"), "kind": record.get("kind"),
            "base_revision": record.get("base_revision"), "data": record.get("data")}


def _store_photos(record: dict, author: User, device: str, report: ImportReport) -> None:
    """Attach the record's photos to its (accepted) entry; the same photo twice is one photo."""
    uuid = parse_uuid(record.get("uuid"))
    entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == uuid)) if uuid else None
    photos = record.get("photos") if isinstance(record.get("photos"), list) else []
    for photo in photos:
        if entry is None or not isinstance(photo, dict):
            continue
        try:
            body = base64.b64decode(str(photo.get("data_base64", "")), validate=True)
            expected = photo_service.parse_sha256(str(photo.get("sha256", "")))
            _photo, created = photo_service.store_photo(entry, body, author, device, expected_sha256=expected)
            report.photos_stored += int(created)
        except (binascii.Error, ValueError):
            report.photo_problems.append(f"{uuid}: " + _("a photo in the file is damaged."))
        except ApiError as error:
            report.photo_problems.append(f"{uuid}: {error.message}")


def _by_author(officer: User, payload: dict) -> list[tuple[User, list]]:
    """The file's records grouped by the person who saved them (a shared phone holds several)."""
    groups: dict[str, list] = {}
    for record in payload["entries"]:
        owner = record.get("owner") if isinstance(record, dict) else None
        groups.setdefault(owner if isinstance(owner, str) and owner else payload.get("user"), []).append(record)
    return [(_author(officer, username), records) for username, records in groups.items()]


def import_outbox(officer: User, payload: dict) -> ImportReport:
    """Send every record of the file through the sync service as its author; commit batch by batch.

    Every author is checked before anything is written: one person outside the officer's commune
    refuses the whole file.
    """
    device = f"import:{officer.username}"[:120]
    report = ImportReport()
    size = int(current_app.config.get("SYNC_MAX_ENTRIES", 500))
    for author, records in _by_author(officer, payload):
        for start in range(0, len(records), size):
            batch = records[start:start + size]
            results = sync_service.sync_entries(author, [_entry_of(r) for r in batch], device)
            db.session.commit()
            report.results.extend(results)
            for record, result in zip(batch, results):
                if result["status"] in ACCEPTED and isinstance(record, dict):
                    _store_photos(record, author, device, report)
            db.session.commit()
    return report
