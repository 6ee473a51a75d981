"""Issue 9 item 8: the instance folder, the SQLite database (and its WAL) and exports are owner-only."""
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import conftest
from tests.reports.helpers import YEAR_2023, add_entry
from webapp import create_app
from webapp.extensions import db


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh_install(tmp_path, monkeypatch, database_url):
    """An app on a new instance folder holding its own SQLite database, as ``make run`` makes it."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    database = instance / "binhdang.sqlite"
    app = create_app(conftest.test_settings(database_url, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}"))
    with app.app_context():
        db.create_all()
    yield app, instance, database
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_instance_folder_database_wal_and_secret_are_owner_only(fresh_install):
    """After the first writes: folder 0700; database, its WAL and the secret key 0600."""
    app, instance, database = fresh_install
    with app.app_context():
        from webapp.demo.seed import seed_structure

        seed_structure()
        db.session.commit()
        assert db.session.scalar(sa.text("PRAGMA journal_mode")) == "wal"
        assert Path(f"{database}-wal").exists()
        assert mode(Path(f"{database}-wal")) == 0o600
        assert mode(Path(f"{database}-shm")) == 0o600
    assert mode(instance) == 0o700
    assert mode(database) == 0o600
    assert mode(instance / "secret_key") == 0o600


def test_exports_are_owner_only(fresh_install):
    """A background export is kept in the database (owner-only file), never as a file others could read."""
    from webapp.reports.exports import jobs

    app, instance, database = fresh_install
    with app.app_context():
        from webapp.demo.seed import seed_structure

        seed_structure()
        db.session.commit()
        add_entry()
    client = app.test_client()
    conftest.AuthActions(client).login("tonghop")
    response = client.post("/reports/exports", data={"format": "xlsx", **YEAR_2023})
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        jobs.run_due("test-worker")
    assert client.get(f"/api/v1/reports/exports/{job_id}").get_json()["status"] == "done"
    assert client.get(f"/reports/exports/{job_id}/download").status_code == 200
    assert not list(instance.rglob("*.xlsx"))
    assert mode(database) == 0o600


def test_an_older_install_with_open_modes_is_corrected(tmp_path, monkeypatch, database_url):
    """A folder made 0755 and files made 0644 before this release are narrowed at start-up."""
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    database = instance / "binhdang.sqlite"
    database.touch()
    database.chmod(0o644)
    (instance / "secret_key").write_text("x" * 64)
    (instance / "secret_key").chmod(0o644)
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    create_app(conftest.test_settings(database_url, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}"))
    assert (mode(instance), mode(database), mode(instance / "secret_key")) == (0o700, 0o600, 0o600)
