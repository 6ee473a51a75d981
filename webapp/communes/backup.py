"""One archive of everything needed to restore: the database, photos, keys, with SHA-256 checksums.

The archive is a gzip'd tar holding ``manifest.json`` (engine, schema revision, row counts and the
SHA-256 and size of every other member), ``manifest.sha256`` (the manifest's own checksum), the
database (``database.sqlite`` made with SQLite's online backup API, or ``database.pgdump`` made by
``pg_dump``) and ``instance/…`` (secret key, VAPID key, any photo files). Restoring checks all of it
first and refuses a database that holds any row: nothing is changed by a refused restore.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from webapp.extensions import db

FORMAT = "binhdang-backup"
INSTANCE_FILES = ("vapid_private.pem",)
PHOTO_DIR = "photos"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why."""


def _sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _engine_name() -> str:
    """``sqlite`` or ``postgresql``."""
    return db.engine.dialect.name


def _libpq_url() -> str:
    """The database URL as ``pg_dump``/``pg_restore`` read it (no SQLAlchemy driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (the Alembic version table left out)."""
    names = [n for n in sa.inspect(db.engine).get_table_names() if n != "alembic_version"]
    with db.engine.connect() as conn:
        return {name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
                for name in sorted(names)}


def _dump_database(workdir: Path) -> tuple[str, bytes]:
    """The database as one file: SQLite's online backup, or ``pg_dump`` in its custom format."""
    if _engine_name() == "sqlite":
        target = workdir / "database.sqlite"
        source = sqlite3.connect(db.engine.url.database)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
        return "database.sqlite", target.read_bytes()
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (apt-get install postgresql-client)")
    target = workdir / "database.pgdump"
    done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
                           "--dbname", _libpq_url()], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
    return "database.pgdump", target.read_bytes()


def _instance_members() -> dict[str, bytes]:
    """The keys and photo files under ``instance/`` (the secret key as configured)."""
    instance = Path(current_app.instance_path)
    members = {"instance/secret_key": str(current_app.config["SECRET_KEY"]).encode()}
    for name in INSTANCE_FILES:
        if (instance / name).is_file():
            members[f"instance/{name}"] = (instance / name).read_bytes()
    photos = instance / PHOTO_DIR
    if photos.is_dir():
        for path in sorted(p for p in photos.rglob("*") if p.is_file()):
            members[f"instance/{path.relative_to(instance).as_posix()}"] = path.read_bytes()
    return members


def _revision() -> str | None:
    """The schema's Alembic revision, if the table exists."""
    try:
        with db.engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        return None


def write_backup(file: Path) -> int:
    """Write the archive to ``file`` (atomically: a temporary file renamed at the end); return its size."""
    db.session.commit()
    with tempfile.TemporaryDirectory(prefix="binhdang-backup-") as tmp:
        name, data = _dump_database(Path(tmp))
        members = {name: data, **_instance_members()}
        manifest = {"format": FORMAT, "version": 1, "engine": _engine_name(), "revision": _revision(),
                    "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "tables": table_counts(),
                    "files": {n: {"sha256": _sha256(d), "size": len(d)} for n, d in members.items()}}
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
        file = Path(file)
        file.parent.mkdir(parents=True, exist_ok=True)
        partial = file.with_name(f".{file.name}.partial")
        with tarfile.open(partial, "w:gz") as archive:
            for member, content in [("manifest.json", manifest_bytes),
                                    ("manifest.sha256", _sha256(manifest_bytes).encode()), *members.items()]:
                info = tarfile.TarInfo(member)
                info.size, info.mode = len(content), 0o600
                archive.addfile(info, io.BytesIO(content))
        os.chmod(partial, 0o600)
        os.replace(partial, file)
    return file.stat().st_size


def read_archive(file: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and members of an archive, after every check; BackupError when cut short or altered."""
    try:
        with tarfile.open(file, "r:gz") as archive:
            members = {}
            for info in archive:
                if not info.isfile() or info.name.startswith("/") or ".." in info.name.split("/"):
                    raise BackupError(f"unexpected member {info.name!r} in the archive")
                members[info.name] = archive.extractfile(info).read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"the archive is damaged or cut short ({error})") from error
    manifest_bytes = members.pop("manifest.json", None)
    if manifest_bytes is None or members.pop("manifest.sha256", b"").decode() != _sha256(manifest_bytes):
        raise BackupError("the archive's manifest is missing or altered")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise BackupError("this is not a binhdang backup")
    files = manifest.get("files", {})
    if set(files) != set(members):
        raise BackupError("the archive's members differ from its manifest")
    for name, data in members.items():
        if len(data) != files[name]["size"] or _sha256(data) != files[name]["sha256"]:
            raise BackupError(f"checksum mismatch: {name} was altered or cut short")
    return manifest, members


def _restore_database(engine: str, data: bytes, workdir: Path) -> None:
    """Put the archived database in place of the (empty) configured one."""
    db.session.remove()
    db.engine.dispose()
    if engine == "sqlite":
        source_path = workdir / "database.sqlite"
        source_path.write_bytes(data)
        source, target = sqlite3.connect(source_path), sqlite3.connect(db.engine.url.database)
        with target:
            source.backup(target)
        target.close()
        source.close()
        return
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (apt-get install postgresql-client)")
    dump = workdir / "database.pgdump"
    dump.write_bytes(data)
    done = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                           "--single-transaction", "--exit-on-error", "--dbname", _libpq_url(), str(dump)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing restored: {done.stderr.strip()[:500]}")


def restore_backup(file: Path) -> dict[str, int]:
    """Check the archive, check the database is empty, then restore database and instance files."""
    manifest, members = read_archive(Path(file))
    engine = manifest.get("engine")
    if engine != _engine_name():
        raise BackupError(f"the archive holds a {engine} database; this server uses {_engine_name()}")
    busy = {name: n for name, n in table_counts().items() if n}
    if busy:
        first = sorted(busy)[0]
        raise BackupError(f"the database is not empty ({first} has {busy[first]} rows): restore only "
                          "into an empty database")
    with tempfile.TemporaryDirectory(prefix="binhdang-restore-") as tmp:
        _restore_database(engine, members.pop(f"database.{'sqlite' if engine == 'sqlite' else 'pgdump'}"),
                          Path(tmp))
    instance = Path(current_app.instance_path)
    for name, data in members.items():
        target = instance / name[len("instance/"):]
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    counts = table_counts()
    if {k: v for k, v in counts.items() if k in manifest["tables"]} != manifest["tables"]:
        raise BackupError("the restored row counts differ from the archive's manifest")
    return counts
