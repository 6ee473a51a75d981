"""``POST /api/v1/sync``: every entry of a batch is created, updated, recognised as a retry, or refused.

The batch is read and checked first, holding no lock (what a person may log for comes from a cache
that any change of units, villages, topics, campaigns, roles or periods invalidates). Only then is
the change counter locked and a block of change numbers taken, as late as possible, and the new
entries written set-based (``sync_insert``). Edits, and new entries another request saved in the
meantime, are decided again under the lock, each in its own SAVEPOINT, so one bad entry never stops
the others. The view commits the whole batch once and answers only after that commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import lazyload

from webapp.api import sync_insert
from webapp.api.errors import ApiError
from webapp.auth import permissions
from webapp.auth.models import User
from webapp.entries import services, settings_cache
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.inputs import int_id, storable
from webapp.kinds import Kind, ValidationContext, get_kind, sensitive_kind_codes

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
    reviewable_unit_ids: frozenset[int] | None = None  # read on first need (a sensitive entry)


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
    """Decide and stage every entry (the caller commits); one result per entry, in the same order.

    Everything is read and checked first, holding no lock. Then the change counter is locked and the
    new entries' numbers taken as one block, and the new entries are written set-based; only edits, and
    new entries another request saved meanwhile, go one by one through a savepoint each.
    """
    context = SyncContext(user=user, device=device, validation=services.validation_context(user, strict_types=True),
                          visible_unit_ids=visible_unit_ids(user))
    incoming = [_read(raw) for raw in entries]
    uuids = {item.uuid for item in incoming if isinstance(item, Incoming)}
    context.saved = dict.fromkeys(uuids)
    if uuids:
        context.saved.update({e.uuid: e for e in db.session.scalars(
            sa.select(Entry).where(Entry.uuid.in_(uuids)).options(lazyload("*")))})
    results: list[dict | None] = [None] * len(incoming)
    fresh: dict[str, tuple[int, Incoming, dict]] = {}  # new and valid: written set-based
    one_by_one: list[int] = []  # edits, and a UUID sent twice: decided under the lock
    for index, item in enumerate(incoming):
        if isinstance(item, dict):
            results[index] = item
            continue
        verdict = _judge(context, item, context.saved[item.uuid])
        if not isinstance(verdict, Verdict):
            results[index] = verdict
        elif context.saved[item.uuid] is None and item.uuid not in fresh:
            fresh[item.uuid] = (index, item, verdict)
        else:
            one_by_one.append(index)
    if not fresh and not one_by_one:
        return results
    first = services.reserve_changes(len(fresh))
    if services.closed_periods_changed(context.validation):  # e.g. a period closed meanwhile: check again
        context.validation = services.validation_context(user, strict_types=True)
        context.visible_unit_ids = visible_unit_ids(user)
        one_by_one += [index for index, _item, _clean in fresh.values()]
        fresh = {}
    inserted = sync_insert.insert_new(user, device, [(uuid, item.kind.code, clean) for uuid, (_i, item, clean)
                                                     in fresh.items()], _names(context.validation), first)
    for uuid, (index, item, _clean) in fresh.items():
        if uuid in inserted:
            results[index] = result(item.echo, "created", 1)
        else:
            one_by_one.append(index)  # another request saved this UUID meanwhile
    if one_by_one:  # read again under the lock: what another request wrote meanwhile counts
        again = {incoming[index].uuid for index in one_by_one}
        context.saved = dict.fromkeys(again)
        context.saved.update({e.uuid: e for e in db.session.scalars(sa.select(Entry).where(Entry.uuid.in_(again)))})
    for index in sorted(one_by_one):
        results[index] = sync_one(context, incoming[index])
    return results


def visible_unit_ids(user: User) -> frozenset[int]:
    """The units whose entries ``user`` may see (cached per process until the settings change)."""
    return settings_cache.cached(("visible", user.id),
                                 lambda: frozenset(db.session.scalars(permissions.visible_unit_ids(user))))


def _names(validation: ValidationContext) -> tuple[dict, dict]:
    """Unit and village names by id (for the search text), from what validation already loaded."""
    return ({int(i): name for i, name in validation.choices["units"]},
            {int(i): name for i, name in validation.choices["villages"]})


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


def _judge(context: SyncContext, item: Incoming, entry: Entry | None) -> dict:
    """The final result of an entry that needs no write, else its validated data (a create or an edit)."""
    if entry is not None and (entry.unit_id not in context.visible_unit_ids or _hidden_from(context, entry)):
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
    if entry is not None and item.base_revision != entry.revision:
        message = _("Changed on the server since you opened it: revision %(current)s, yours was based on "
                     "%(base)s.", current=entry.revision, base=item.base_revision or "—")
        return result(item.echo, "conflict", entry.revision, {"base_revision": message}, entry.to_dict())
    return Verdict(clean)


def _hidden_from(context: SyncContext, entry: Entry) -> bool:
    """Whether ``entry`` is of a sensitive kind (support of victims) that this user may not see: only its
    author and its unit's reviewers may (as ``services.visible_entries``), so no answer may carry it."""
    if entry.kind not in sensitive_kind_codes() or entry.author_id == context.user.id:
        return False
    if context.reviewable_unit_ids is None:
        context.reviewable_unit_ids = frozenset(db.session.scalars(permissions.reviewable_unit_ids(context.user)))
    return entry.unit_id not in context.reviewable_unit_ids


class Verdict(dict):
    """Validated data of an entry to write (a ``dict`` subclass, told apart from a result by its type)."""


def _decide(context: SyncContext, item: Incoming) -> dict:
    """The status of one entry, writing it when it is new or a valid edit of the current revision."""
    if item.uuid in context.saved:
        entry = context.saved[item.uuid]
    else:
        entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == item.uuid))
    verdict = _judge(context, item, entry)
    if not isinstance(verdict, Verdict):
        return verdict
    if entry is None:
        with db.session.begin_nested():
            entry = services.create_entry(context.user, item.uuid, item.kind, dict(verdict), device=context.device)
        context.saved[item.uuid] = entry
        return result(item.echo, "created", entry.revision)
    with db.session.begin_nested():
        services.update_entry(context.user, entry, dict(verdict), device=context.device)
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
