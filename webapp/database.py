"""Engine settings that make a committed answer mean a durable write."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL, full fsync, a busy timeout and enforced foreign keys for every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    """Install the SQLite pragmas on the app's engine when it is SQLite."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from webapp.extensions import db

    with app.app_context():
        engine: Engine = db.engine
        if not getattr(engine, "_binhdang_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._binhdang_pragmas = True
