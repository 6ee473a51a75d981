"""Engine settings that make a committed answer mean a durable write."""
from __future__ import annotations

import fcntl
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_LOCK = "binhdang_sqlite_write_lock"  # key in ``Session.info``: the open lock file, until the end


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL, full fsync, a busy timeout and enforced foreign keys for every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def wait_for_writers(session) -> None:
    """On SQLite, queue behind the other writers of this database file before starting to write.

    SQLite lets one transaction write at a time; one that finds the file busy sleeps and polls (up to
    100 ms a time), so under load most of a request is spent asleep. An OS lock on a file beside the
    database (``flock``, taken by every writer that calls this, in any process) wakes the next writer
    the moment the last one ends. Held until this transaction ends; nothing to do on PostgreSQL, whose
    row locks already queue.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite" or WRITE_LOCK in session.info or not bind.url.database:
        return
    descriptor = os.open(bind.url.database + ".writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    session.info[WRITE_LOCK] = descriptor


def _release_write_lock(session, transaction) -> None:
    """The transaction ended: let the next writer in."""
    if transaction.parent is None and WRITE_LOCK in session.info:
        os.close(session.info.pop(WRITE_LOCK))


def init_app(app: Flask) -> None:
    """Install the SQLite pragmas on the app's engine when it is SQLite."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from webapp.extensions import db

    if not event.contains(db.session, "after_transaction_end", _release_write_lock):
        event.listen(db.session, "after_transaction_end", _release_write_lock)
    with app.app_context():
        engine: Engine = db.engine
        if not getattr(engine, "_binhdang_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._binhdang_pragmas = True
