"""Files the app writes are its owner's alone: the instance folder, the SQLite database, exports.

The process umask is narrowed to ``FILE_UMASK`` (default ``0o077``) before anything is written, so
every file created later (the database and its WAL, export files, secrets, backups) is created
owner-only; what an older install already has is corrected once at start-up.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, or None for another database or an in-memory one."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix):] in ("", ":memory:"):
        return None
    return Path(url[len(prefix):].split("?", 1)[0])


def _chmod_if_owned(path: Path, mode: int) -> None:
    """Set ``mode`` on ``path`` when it exists and this process owns it."""
    try:
        if path.exists() and path.stat().st_uid == os.getuid():
            path.chmod(mode)
    except OSError:  # a read-only mount: nothing we may change
        pass


def restrict_files(app: Flask) -> None:
    """Narrow the umask; make the instance folder, the database and its companions owner-only."""
    os.umask(int(app.config.get("FILE_UMASK", 0o077)))
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    _chmod_if_owned(instance, OWNER_ONLY_DIR)
    for child in instance.iterdir():
        _chmod_if_owned(child, OWNER_ONLY_DIR if child.is_dir() else OWNER_ONLY_FILE)
    database = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    if database is not None:
        if not database.exists():
            database.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT, OWNER_ONLY_FILE))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), Path(f"{database}-journal")):
            _chmod_if_owned(path, OWNER_ONLY_FILE)
