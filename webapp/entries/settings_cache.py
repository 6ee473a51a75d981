"""A per-process cache of what a write checks against (a person's units, villages, topics, campaigns,
closed periods; an entry's reviewers), invalidated across processes by one version number.

Every change to the tables these come from (through the ORM: a flush, or an ``update``/``delete``
statement on a mapped class) adds one to ``change_counter`` row ``SETTINGS_ROW`` in the same
transaction. A request reads that number once (one indexed row) and reuses what this process computed
for the same number; a new number throws the process's cache away. A row that does not exist yet is
version 0, so the first change (which creates it) still invalidates. The version is read once per
transaction (a request's, a worker pass's).
"""
from __future__ import annotations

from typing import Any, Callable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.entries.models import ChangeCounter
from webapp.extensions import db

SETTINGS_ROW = 2  # row 1 holds the entries' change numbers
MAX_ITEMS = 5000
VERSION_KEY = "binhdang_settings_version"


def _watched() -> tuple[type, ...]:
    """The mapped classes whose rows the cached values are made of."""
    from webapp.auth.models import RoleAssignment, User
    from webapp.periods.models import ClosedPeriod
    from webapp.plan.models import Campaign, Topic
    from webapp.units.models import Unit, Village

    return (Unit, Village, Topic, Campaign, RoleAssignment, User, ClosedPeriod)


def settings_version(fresh: bool = False) -> int:
    """The version as this transaction sees it (read once per transaction, or now with ``fresh``)."""
    info = db.session.info
    if fresh or VERSION_KEY not in info:
        table = ChangeCounter.__table__
        info[VERSION_KEY] = db.session.connection().execute(
            sa.select(table.c.value).where(table.c.id == SETTINGS_ROW)).scalar() or 0
    return info[VERSION_KEY]


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """The value of ``key`` this process computed at the current version, else ``compute()`` (kept)."""
    store = current_app.extensions.setdefault("binhdang_settings_cache", {"version": None, "items": {}})
    version = settings_version()
    if store["version"] != version or len(store["items"]) > MAX_ITEMS:
        store["version"], store["items"] = version, {}
    if key not in store["items"]:
        store["items"][key] = compute()
    return store["items"][key]


def bump(session: Session) -> None:
    """Add one to the version in this transaction (creating the row the first time)."""
    table = ChangeCounter.__table__
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(table).values(id=SETTINGS_ROW, value=0).on_conflict_do_nothing(
        index_elements=["id"]))
    connection.execute(table.update().where(table.c.id == SETTINGS_ROW).values(value=table.c.value + 1))
    session.info.pop(VERSION_KEY, None)


def _before_flush(session: Session, flush_context, instances) -> None:
    """A flush that adds, changes or deletes a watched row bumps the version."""
    watched = _watched()
    changed = [*session.new, *session.deleted, *(obj for obj in session.dirty if session.is_modified(obj))]
    if any(isinstance(obj, watched) for obj in changed):
        bump(session)


def _do_orm_execute(state) -> None:
    """An ``update``/``delete`` statement on a watched class bumps the version."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in _watched():
        bump(state.session)


def _forget(session: Session, transaction) -> None:
    """The next transaction reads the version again."""
    if transaction.parent is None:
        session.info.pop(VERSION_KEY, None)


if not sa.event.contains(db.session, "before_flush", _before_flush):
    sa.event.listen(db.session, "after_transaction_end", _forget)
    sa.event.listen(db.session, "before_flush", _before_flush)
    sa.event.listen(db.session, "do_orm_execute", _do_orm_execute)
