"""``POST /api/v1/sync``: every entry of a batch is created, updated, recognised as a retry, or refused.

Each entry is decided on its own and written inside its own SAVEPOINT, so one bad entry never stops
the others; the view commits the whole batch once and answers only after that commit. The batch
first takes the change counter's lock (the lock ``entries.services.next_change_seq`` takes for each
change): two batches never interleave, and on SQLite the write transaction starts before the first
read, so no snapshot can go stale under it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, IntegrityError

from webapp.api.errors import ApiError
from webapp.auth import permissions
from webapp.auth.models import User
from webapp.entries import services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.inputs import int_id, storable
from webapp.kinds import Kind, ValidationContext, get_kind

STATUSES = ("created", "updated", "unchanged", "conflict", "rejected", "forbidden")
MAX_ERRORS = 50  # per entry: a client sending thousands of unknown fields gets the first ones
WHOLE_ENTRY = "_entry"  # the key of ``errors`` for a message about the entry as a whole


@dataclass
class SyncContext:
    """What every entry of one batch is checked against: who sends it, from where, and what they may do."""

    user: User
    device: str
    validation: ValidationContext
    visible_unit_ids: frozenset[int]
    saved: dict[str, Entry | None] = field(default_factory=dict)  # None: known not to exist yet


@dataclass(frozen=True)
class Incoming:
    """One well-formed ENTRY of the request."""

    uuid: str  # canonical form, as stored
    echo: str  # as the client wrote it, echoed in the result
    kind: Kind
    base_revision: int | None
    data: dict


def parse_batch(payload: Any) -> list:
    """The list of entries of ``{"entries": [...]}``; 400 for another shape, 413 beyond the limit."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entries"), list):
        raise ApiError(400, "bad_request", _('Send a JSON object of the form {"entries": [...]}.'))
    limit = int(current_app.config["SYNC_MAX_ENTRIES"])
    if len(payload["entries"]) > limit:
        raise ApiError(413, "too_many_entries", _("At most %(n)s entries per request.", n=limit))
    return payload["entries"]


def sync_entries(user: User, entries: list, device: str) -> list[dict]:
    """Decide and stage every entry (the caller commits); one result per entry, in the same order."""
    services.lock_changes()
    context = SyncContext(
        user=user,
        device=device,
        validation=services.validation_context(user, strict_types=True),
        visible_unit_ids=frozenset(db.session.scalars(permissions.visible_unit_ids(user))),
    )
    incoming = [_read(raw) for raw in entries]
    uuids = {item.uuid for item in incoming if isinstance(item, Incoming)}
    context.saved = dict.fromkeys(uuids)
    if uuids:
        context.saved.update({e.uuid: e for e in db.session.scalars(sa.select(Entry).where(Entry.uuid.in_(uuids)))})
    return [item if isinstance(item, dict) else sync_one(context, item) for item in incoming]


def result(uuid: Any, status: str, revision: int | None = None, errors: dict | None = None,
           current: dict | None = None) -> dict:
    """A RESULT of the contract: ``{"uuid", "status", "revision", "errors"}`` (+ ``"current"``)."""
    shown = list((errors or {}).items())[:MAX_ERRORS]
    answer = {"uuid": uuid, "status": status, "revision": revision,
              "errors": {str(name)[:100]: str(message) for name, message in shown}}
    if current is not None:
        answer["current"] = current
    return answer


def _read(raw: Any) -> Incoming | dict:
    """A well-formed entry, or the ``rejected`` result that says which part is malformed."""
    if not isinstance(raw, dict):
        return result(None, "rejected", errors={WHOLE_ENTRY: _("Each entry must be a JSON object.")})
    echo = raw.get("uuid") if isinstance(raw.get("uuid"), str) else None
    echo = echo[:100] if echo is not None else None
    canonical = services.parse_uuid(raw.get("uuid")) if echo is not None and len(echo) <= 64 else None
    if canonical is None:
        return result(echo, "rejected", errors={"uuid": _("Must be a UUID made on the device.")})
    kind = get_kind(raw["kind"]) if isinstance(raw.get("kind"), str) else None
    if kind is None:
        return result(echo, "rejected", errors={"kind": _("Unknown kind of activity.")})
    base = raw.get("base_revision")
    if base is not None and (isinstance(base, bool) or not isinstance(base, int) or base < 1):
        return result(echo, "rejected", errors={"base_revision": _("Must be null or a revision number.")})
    if not isinstance(raw.get("data"), dict):
        return result(echo, "rejected", errors={"data": _("Must be a JSON object.")})
    return Incoming(uuid=canonical, echo=echo, kind=kind, base_revision=base, data=raw["data"])


def sync_one(context: SyncContext, item: Incoming) -> dict:
    """Decide one entry; a value the database cannot store is ``rejected``, nothing of it saved."""
    try:
        return _decide(context, item)
    except IntegrityError:
        # Another request saved this UUID between our look-up and our write: decide again.
        context.saved.pop(item.uuid, None)
        return _decide(context, item)
    except (DataError, UnicodeError, OverflowError):
        current_app.logger.warning("sync: entry %s could not be stored", item.uuid, exc_info=True)
        return result(item.echo, "rejected",
                      errors={WHOLE_ENTRY: _("The database cannot store a value of this entry.")})


def _decide(context: SyncContext, item: Incoming) -> dict:
    """The status of one entry, writing it when it is new or a valid edit of the current revision."""
    if item.uuid in context.saved:
        entry = context.saved[item.uuid]
    else:
        entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == item.uuid))
    if entry is not None and entry.unit_id not in context.visible_unit_ids:
        return result(item.echo, "forbidden", errors={WHOLE_ENTRY: _("You may not change this entry.")})
    if entry is not None and entry.kind != item.kind.code:
        return result(item.echo, "rejected", errors={"kind": _("An entry cannot change its kind.")})
    errors = _unstorable_text(item.data)
    if errors:
        return result(item.echo, "rejected", errors=errors)
    if _foreign_unit(item.data, context.validation):
        return result(item.echo, "forbidden",
                      errors={"unit_id": _("You may not log activities for this unit.")})
    clean, errors = item.kind.validate(item.data, context.validation)
    if entry is not None:
        # A retry of what is stored is "unchanged" even if validation now says no (a closed period).
        if entry.to_data() == as_data(clean):
            return result(item.echo, "unchanged", entry.revision)
        reason = services.locked_reason(entry)
        if reason is not None:
            return result(item.echo, "conflict", entry.revision, {WHOLE_ENTRY: reason}, entry.to_dict())
    if errors:
        return result(item.echo, "rejected", errors=errors)
    if entry is None:
        with db.session.begin_nested():
            entry = services.create_entry(context.user, item.uuid, item.kind, clean, device=context.device)
        context.saved[item.uuid] = entry
        return result(item.echo, "created", entry.revision)
    if item.base_revision != entry.revision:
        message = _("Changed on the server since you opened it: revision %(current)s, yours was based on "
                     "%(base)s.", current=entry.revision, base=item.base_revision or "—")
        return result(item.echo, "conflict", entry.revision, {"base_revision": message}, entry.to_dict())
    with db.session.begin_nested():
        services.update_entry(context.user, entry, clean, device=context.device)
    return result(item.echo, "updated", entry.revision)


def as_data(clean: dict) -> dict:
    """Validated values in the shape ``Entry.to_data()`` has (dates as ISO text)."""
    return {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in clean.items()}


def _foreign_unit(data: dict, validation: ValidationContext) -> bool:
    """Whether ``data`` names, as a number, a unit the user may not log for."""
    raw = data.get("unit_id")
    if isinstance(raw, str) and int_id(raw) is not None:
        raw = int_id(raw)
    return isinstance(raw, int) and not isinstance(raw, bool) and raw not in validation.unit_ids


def _unstorable_text(data: dict) -> dict:
    """Fields whose name or text holds what no database column can keep (NUL, a lone surrogate)."""
    return {ascii(name)[1:-1] if not storable(name) else str(name): _("Contains a character that cannot be stored.")
            for name, value in data.items() if not storable(name) or not storable(value)}
