"""New entries of a sync batch written set-based: one ``INSERT … ON CONFLICT (uuid) DO NOTHING RETURNING``
for every entry and one more for their audit rows, both run as ``executemany``.

The rows are exactly what ``entries.services.create_entry`` would write one by one (same columns, same
defaults, same audit ``changes``, same search text); a UUID another request saved meanwhile is simply
not returned, and the caller decides that entry again on the per-entry path.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from webapp import events
from webapp.auth.models import User, utcnow
from webapp.entries.models import COLUMN_FIELDS, AuditEvent, Entry
from webapp.entries.services import audit_changes
from webapp.extensions import db
from webapp.text import fold


@lru_cache(maxsize=1)
def column_defaults() -> dict[str, Any]:
    """What each common-field column holds when the data leaves it out (its declared default)."""
    defaults = {}
    for name in COLUMN_FIELDS:
        default = Entry.__table__.c[name].default
        if default is None:
            defaults[name] = None
        elif default.is_callable:
            defaults[name] = default.arg  # called per row: a fresh list or dict each time
        else:
            defaults[name] = default.arg
    return defaults


def _value(name: str, clean: dict) -> Any:
    """The column value of ``name`` for validated data ``clean``."""
    if name in clean:
        return clean[name]
    default = column_defaults()[name]
    return default(None) if callable(default) else default


def entry_row(user: User, uuid: str, kind_code: str, clean: dict, names: tuple[dict, dict], now: dt.datetime,
              change_seq: int) -> tuple[dict, dict]:
    """The entry row of a new entry and its ``data`` as ``Entry.to_data()`` would give it."""
    columns = {name: _value(name, clean) for name in COLUMN_FIELDS}
    details = {name: value.isoformat() if isinstance(value, dt.date) else value
               for name, value in clean.items() if name not in COLUMN_FIELDS}
    data = {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in columns.items()}
    data.update(details)
    unit_names, village_names = names
    words = [unit_names.get(columns["unit_id"], ""), village_names.get(columns["village_id"], ""),
             columns["notes"] or "", *(v for v in details.values() if isinstance(v, str))]
    row = {**columns, "uuid": uuid, "revision": 1, "kind": kind_code, "status": "submitted", "details": details,
           "author_id": user.id, "created_at": now, "updated_at": now, "review_comment": "",
           "change_seq": change_seq, "search_text": fold(" ".join(words))}
    return row, data


def _insert(table: sa.Table):
    """``INSERT … ON CONFLICT (uuid) DO NOTHING`` in the engine's dialect."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=["uuid"])


def insert_new(user: User, device: str, batch: list[tuple[str, str, dict]], names: tuple[dict, dict],
               first_seq: int) -> dict[str, dict]:
    """Write the new entries ``(uuid, kind, clean)`` with change numbers from ``first_seq``; return the rows
    actually inserted, by UUID (each with its ``id``), in batch order."""
    if not batch:
        return {}
    now = utcnow()
    rows, datas = [], {}
    for offset, (uuid, kind_code, clean) in enumerate(batch):
        row, data = entry_row(user, uuid, kind_code, clean, names, now, first_seq + offset)
        rows.append(row)
        datas[uuid] = data
    statement = _insert(Entry.__table__).returning(Entry.__table__.c.id, Entry.__table__.c.uuid)
    ids = {uuid: entry_id for entry_id, uuid in db.session.execute(statement, rows)}
    inserted = {row["uuid"]: {**row, "id": ids[row["uuid"]]} for row in rows if row["uuid"] in ids}
    if inserted:
        db.session.execute(sa.insert(AuditEvent.__table__), [
            {"entry_id": row["id"], "user_id": user.id, "action": "create", "at": now, "device": device[:120],
             "changes": audit_changes({}, datas[uuid]), "comment": ""} for uuid, row in inserted.items()])
        events.entries_created.send(user, rows=list(inserted.values()))
    return inserted
