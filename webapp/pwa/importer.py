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
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.photos import services as photo_service
from webapp.api import sync as sync_service
from webapp.api.errors import ApiError
from webapp.auth import permissions
from webapp.auth.models import User
from webapp.entries.models import AuditEvent, Entry
from webapp.entries.services import parse_uuid
from webapp.extensions import db
from webapp.inputs import int_id
from webapp.units.models import Unit

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


# How far each role reaches: an importer may act only as someone strictly below them.
RANK = {"field_staff": 1, "supervisor": 2, "officer": 3, "province_officer": 4, "admin": 5}


def _may_import_for(importer: User, author: User) -> bool:
    """Whether ``importer`` may import as ``author``: themself, or someone whose every role lies inside
    a commune where the importer is officer (anywhere for an admin) and ranks below the importer's."""
    if author.id == importer.id:
        return True
    if not author.roles:
        return False
    for assignment in author.roles:
        unit = assignment.unit
        over = [a for a in importer.roles if a.role == "admin"
                or (a.role == "officer" and unit.commune_id is not None and unit.commune_id == a.unit.commune_id)]
        if not over or RANK.get(assignment.role, 99) >= max(RANK[a.role] for a in over):
            return False
    return True


def _author(officer: User, username: object) -> User:
    """The person whose phone made the records; refused when unknown or not below the officer."""
    author = None
    if isinstance(username, str) and username:
        author = db.session.scalar(sa.select(User).where(User.username == username))
    if author is None:
        raise ImportRefused(_("The file does not name a known user."))
    if not _may_import_for(officer, author):
        raise ImportRefused(_("%(user)s is not below you in a commune you are officer of: you may import only the "
                              "records of people below you there.", user=author.username))
    return author


def _outside_importer(officer: User, record: Any) -> dict | None:
    """The ``forbidden`` result for a record whose unit (stored or given) the importer may not log for."""
    if not isinstance(record, dict):
        return None
    units = []
    uuid = parse_uuid(record.get("uuid"))
    entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == uuid)) if uuid else None
    if entry is not None:
        units.append(entry.unit)
    data = record.get("data") if isinstance(record.get("data"), dict) else {}
    raw = data.get("unit_id")
    if isinstance(raw, str) and int_id(raw) is not None:
        raw = int_id(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        units.append(db.session.get(Unit, raw) if abs(raw) < 2**62 else None)
    if all(unit is not None and permissions.unit_in_scope(officer, unit, roles=("officer", "admin"))
           for unit in units):
        return None
    echo = record.get("uuid") if isinstance(record.get("uuid"), str) else None
    return sync_service.result(echo and echo[:100], "forbidden", errors={
        sync_service.WHOLE_ENTRY: _("This entry belongs to a unit outside your commune.")})


def _name_importer(officer: User, author: User, device: str, after_id: int) -> None:
    """Write the importer into the audit events this batch added (their ``user`` is the author)."""
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.id > after_id, AuditEvent.device == device, AuditEvent.user_id == author.id))
    for event in events:
        event.changes = {**(event.changes or {}), "imported_by": officer.username}


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
            refused = [_outside_importer(officer, record) for record in batch]
            allowed = [record for record, no in zip(batch, refused) if no is None]
            after_id = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
            synced = iter(sync_service.sync_entries(author, [_entry_of(r) for r in allowed], device) if allowed else [])
            results = [no if no is not None else next(synced) for no in refused]
            _name_importer(officer, author, device, after_id)
            db.session.commit()
            report.results.extend(results)
            for record, result in zip(batch, results):
                if result["status"] in ACCEPTED and isinstance(record, dict):
                    _store_photos(record, author, device, report)
            db.session.commit()
    return report
