"""Backup → restore into an empty database (SQLite or PostgreSQL, as the run's): every row of every table
and every photo byte identical; a non-empty database, an altered or cut archive are refused."""
from __future__ import annotations

import io
import tarfile

import pytest
import sqlalchemy as sa

from tests import conftest as base
from tests.factories import make_entry
from webapp import create_app
from webapp.extensions import db

PHOTO = bytes(range(256)) * 40 + b"\xff\xd8 photo bytes \x00"


def _other_app(url: str, instance, monkeypatch):
    """An app on another database and instance folder (as a fresh server would be)."""
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    return create_app(base.test_settings(url))


def _rows(engine) -> dict[str, list]:
    """Every row of every table, in a stable order (Alembic's table left out)."""
    found = {}
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        for table in sorted(metadata.tables.values(), key=lambda t: t.name):
            if table.name != "alembic_version":
                rows = [tuple(row) for row in conn.execute(sa.select(table))]
                found[table.name] = sorted(rows, key=repr)
    return found


@pytest.fixture
def filled(app, commune):
    """The demo commune with entries and a photo."""
    with app.app_context():
        entry = make_entry(status="approved")
        make_entry(village_code="thon-le-xa", participants_female=44)
        photos = sa.table("photo", sa.column("entry_id"), sa.column("sha256"), sa.column("content_type"),
                          sa.column("size"), sa.column("data"), sa.column("created_at", sa.DateTime))
        import hashlib

        from webapp.auth.models import utcnow

        db.session.execute(photos.insert().values(entry_id=entry.id, sha256=hashlib.sha256(PHOTO).hexdigest(),
                                                  content_type="image/jpeg", size=len(PHOTO), data=PHOTO,
                                                  created_at=utcnow()))
        db.session.commit()
    return app


def test_backup_then_restore_into_empty_database_is_identical(filled, runner, empty_database, tmp_path, monkeypatch):
    """Every row of every table, every photo byte and the secret key come back; a second restore is refused."""
    archive = tmp_path / "backup.tar.gz"
    made = runner.invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    with filled.app_context():
        original = _rows(db.engine)
        secret = filled.config["SECRET_KEY"]
    assert sum(len(rows) for rows in original.values()) > 50
    other = _other_app(empty_database, tmp_path / "instance2", monkeypatch)
    restored = other.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    with other.app_context():
        copy = _rows(db.engine)
        photo = db.session.execute(sa.text("SELECT data FROM photo")).scalar_one()
        db.session.remove()
        db.engine.dispose()
    assert copy == original
    assert bytes(photo) == PHOTO
    assert (tmp_path / "instance2" / "secret_key").read_text() == secret
    again = other.test_cli_runner().invoke(args=["restore", str(archive)])
    with other.app_context():
        db.engine.dispose()
    assert again.exit_code != 0 and "not empty" in again.output


def _altered(archive, target, member: str) -> None:
    """A copy of ``archive`` whose ``member`` has one byte changed (manifest untouched)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for info in source:
            data = source.extractfile(info).read()
            if info.name == member:
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))


def test_altered_or_cut_archive_is_refused_and_nothing_changes(filled, runner, empty_database, tmp_path, monkeypatch):
    """A changed byte (checksum mismatch) or a truncated file: non-zero exit, the database stays empty."""
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive, "r:gz") as opened:
        database_member = next(n for n in opened.getnames() if n.startswith("database."))
    altered, manifest_changed, cut = tmp_path / "altered.tar.gz", tmp_path / "manifest.tar.gz", tmp_path / "cut.tar.gz"
    _altered(archive, altered, database_member)
    _altered(archive, manifest_changed, "manifest.json")
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    other = _other_app(empty_database, tmp_path / "instance3", monkeypatch)
    assert "every SHA-256 checksum matches" in runner.invoke(args=["backup-verify", str(archive)]).output
    assert runner.invoke(args=["backup-verify", str(altered)]).exit_code != 0
    results = [(other.test_cli_runner().invoke(args=["restore", str(bad)]), message)
               for bad, message in ((altered, "checksum mismatch"), (manifest_changed, "manifest"), (cut, "cut short"))]
    with other.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    for result, message in results:
        assert result.exit_code != 0 and message in result.output, result.output
    assert tables == []
    assert not (tmp_path / "instance3" / "vapid_private.pem").exists()


def test_restore_refuses_a_database_that_is_not_empty(filled, runner, tmp_path):
    """Restoring over the live database is refused and changes nothing."""
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    with filled.app_context():
        before = _rows(db.engine)
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "not empty" in result.output
    with filled.app_context():
        assert _rows(db.engine) == before
