"""The load bench's baseline: a bare Flask app doing one idempotent INSERT per request.

Served by the same gunicorn settings as ``make run`` on the same database server (or an SQLite file
with the same pragmas: WAL, ``synchronous=FULL``), it is the ceiling that Flask, gunicorn, the
driver and one committed write allow on this machine; binhdang's figures are read as ratios to it.
Run as ``gunicorn 'bench.load_bare_app:create_app()'`` with ``DATABASE_URL`` set.
"""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, jsonify, request
from sqlalchemy.dialects import postgresql, sqlite

METADATA = sa.MetaData()
ROWS = sa.Table(
    "bare_entry", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uuid", sa.String(36), unique=True, nullable=False),
    sa.Column("payload", sa.Text, nullable=False, default=""),
)


def _engine(url: str) -> sa.Engine:
    """An engine with binhdang's SQLite pragmas (or a plain PostgreSQL one)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def pragmas(dbapi_connection, record) -> None:
            """WAL, full fsync, busy timeout: as ``webapp.database``."""
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=10000"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()
    return engine


def create_app() -> Flask:
    """The bare app: ``POST /bare {"uuid"}`` inserts the row unless it exists, commits, answers."""
    app = Flask(__name__)
    engine = _engine(os.environ["DATABASE_URL"])
    METADATA.create_all(engine)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite

    @app.post("/bare")
    def bare():
        """One idempotent INSERT, committed before the answer."""
        body = request.get_json()
        statement = dialect.insert(ROWS).values(uuid=body["uuid"], payload=request.get_data(as_text=True))
        with engine.begin() as connection:
            connection.execute(statement.on_conflict_do_nothing(index_elements=["uuid"]))
        return jsonify(ok=True)

    return app
