"""Fixtures in the flaskr style: ``app``, ``client``, ``runner``, ``auth``, plus the demo commune.

The database is real: ``TEST_DATABASE=sqlite`` (the default) uses a temporary SQLite file;
``TEST_DATABASE=postgresql+psycopg://…/postgres`` creates a database of its own for this run on
that server and drops it at the end.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from webapp import create_app
from webapp.extensions import db
from webapp.i18n_compile import compile_all

DEMO_PASSWORD = "thanhxa-demo"
CHROMIUM = "/usr/bin/chromium"


def _database_url(tmp_root: Path) -> tuple[str, callable]:
    """A database URL for this run and a function that removes the database afterwards."""
    target = os.environ.get("TEST_DATABASE", "sqlite")
    if target == "sqlite":
        return f"sqlite:///{tmp_root / 'test.sqlite'}", lambda: None
    admin_url = target.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"binhdang_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        """Drop this run's database (closing what still uses it)."""
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return re.sub(r"/[^/]*$", f"/{name}", admin_url), drop


@pytest.fixture(scope="session")
def database_url():
    """This run's database, created once and dropped at the end."""
    compile_all()
    tmp_root = Path(tempfile.mkdtemp(prefix="binhdang-test-"))
    url, drop = _database_url(tmp_root)
    os.environ["INSTANCE_PATH"] = str(tmp_root / "instance")
    yield url
    drop()
    shutil.rmtree(tmp_root, ignore_errors=True)


def test_settings(database_url: str, **overrides) -> dict:
    """The settings of a test app: the run's database, fast hashing, no CSRF unless asked."""
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_ENABLED": False,
        "SIGN_IN_THROTTLE_ENABLED": False,
        "SERVER_NAME": None,
    }
    settings.update(overrides)
    return settings


_schema_ready: set[str] = set()


def wipe(app) -> None:
    """Delete every row, children first, so the next test starts from an empty database."""
    with app.app_context():
        tables = db.metadata.sorted_tables
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                for table in reversed(tables):
                    conn.execute(table.delete())
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def app_settings(database_url):
    """Overrides a test may change before ``app`` is built (e.g. ``WTF_CSRF_ENABLED``)."""
    return test_settings(database_url)


@pytest.fixture
def app(app_settings):
    """A fresh app on the run's database; every table is emptied after the test."""
    application = create_app(app_settings)
    with application.app_context():
        if app_settings["SQLALCHEMY_DATABASE_URI"] not in _schema_ready:
            db.drop_all()
            db.create_all()
            _schema_ready.add(app_settings["SQLALCHEMY_DATABASE_URI"])
    yield application
    with application.app_context():
        db.session.remove()
    wipe(application)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def commune(app):
    """The demo commune's structure (units, villages, topics, campaigns, demo users), no entries."""
    from webapp.demo.seed import seed_structure

    with app.app_context():
        unit = seed_structure()
        db.session.commit()
        return unit.id


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        """Wrap ``client``."""
        self._client = client

    def login(self, username: str = "canbo1", password: str = DEMO_PASSWORD):
        """Post the login form."""
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        """Post the logout form."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    """Login helper bound to ``client``."""
    return AuthActions(client)


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole run (Playwright allows one per process)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    manager = sync_playwright()
    driver = manager.start()
    yield driver
    manager.__exit__(None, None, None)


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database (no tables) on the same engine as this run (SQLite file or PostgreSQL); dropped after."""
    target = os.environ.get("TEST_DATABASE", "sqlite")
    if target == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    admin_url = target.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"binhdang_empty_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield re.sub(r"/[^/]*$", f"/{name}", admin_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
