"""SQLite's disk full (``PRAGMA max_page_count``) or read-only: a clear 507/503, nothing half-written,
and the same sync goes through once space returns. Runs on its own SQLite file on both test runs."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.api.conftest import ApiClient
from tests import conftest
from webapp import create_app
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db

LIMIT = {"pragma": None}


def _limit(dbapi_connection, record) -> None:
    """Apply the test's limit to each new connection (``max_page_count`` or ``query_only``)."""
    if LIMIT["pragma"]:
        dbapi_connection.execute(LIMIT["pragma"])


@pytest.fixture
def small_disk(tmp_path):
    """An app on its own SQLite file with the demo commune; ``set(pragma)`` changes the limit."""
    from webapp.demo.seed import seed_structure

    app = create_app(conftest.test_settings(f"sqlite:///{tmp_path / 'full.sqlite'}"))
    with app.app_context():
        db.create_all()
        seed_structure()
        db.session.commit()
        sa.event.listen(db.engine, "connect", _limit)
        ids = {row[0]: row[1] for row in db.session.execute(sa.text("SELECT code, id FROM unit UNION ALL "
                                                                    "SELECT code, id FROM village"))}

    def set_limit(pragma: str | None) -> None:
        """Use ``pragma`` on every connection from now on."""
        LIMIT["pragma"] = pragma
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    yield app, ApiClient(app.test_client(), ids), set_limit
    set_limit(None)


def _stored(app) -> tuple[int, int]:
    """Entries and audit rows in the file."""
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count(Entry.id))),
                db.session.scalar(sa.select(sa.func.count(AuditEvent.id))))


@pytest.mark.parametrize("pragma, status, code", [
    ("PRAGMA max_page_count = {pages}", 507, "storage_full"),
    ("PRAGMA query_only = ON", 503, "read_only"),
])
def test_full_or_read_only_disk_refuses_clearly_and_recovers(small_disk, pragma, status, code):
    """A 120-entry sync that does not fit: 507 (or 503), no entry or audit row, then all of it fits."""
    app, phone, set_limit = small_disk
    token = phone.token()
    with app.app_context():
        pages = db.session.execute(sa.text("PRAGMA page_count")).scalar()
    batch = [phone.entry(notes="Tuyên truyền về bình đẳng giới " * 20) for _ in range(120)]
    before = _stored(app)
    set_limit(pragma.format(pages=pages + 2))
    response = phone.sync(token, batch)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == code and int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"]["message"].startswith("Máy chủ tạm thời không ghi được")
    assert _stored(app) == before, "a refused sync left rows behind"
    set_limit(None)
    results = phone.sync_ok(token, batch)
    assert {r["status"] for r in results} == {"created"}
    assert _stored(app) == (before[0] + 120, before[1] + 120)
