"""A second commune beside the demo one, so scope can be tested both ways, and small helpers."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD
from webapp.auth.models import User
from webapp.entries.models import AuditEvent
from webapp.auth.services import create_user
from webapp.extensions import db
from webapp.units.models import Unit, Village

OTHER_PASSWORD = "song-nui-may-troi-9"


@pytest.fixture
def two_communes(app, commune):
    """The demo commune plus "Xã Khác" with a branch, its officer ``canbokhac-ql`` and staff ``canbokhac``."""
    with app.app_context():
        other = Unit.create("xa-khac", "Xã Khác", "commune")
        village = Village(commune_id=other.id, code="thon-khac", name="Thôn Khác")
        db.session.add(village)
        db.session.flush()
        branch = Unit.create("chi-hoi-khac", "Chi hội Phụ nữ thôn Khác", "branch", parent=other, village=village)
        create_user("canbokhac-ql", OTHER_PASSWORD, "officer", other, full_name="Lê Văn Khác")
        create_user("canbokhac", OTHER_PASSWORD, "field_staff", branch, full_name="Đỗ Thị Khác")
        db.session.commit()
        return {"commune": commune, "other": other.id, "branch": branch.id, "village": village.id}


def login(app, username: str, password: str = DEMO_PASSWORD):
    """A new test client signed in as ``username`` through the login form."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data[:500]
    return client


def user_id(app, username: str) -> int:
    """The id of a user."""
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def unit_id(app, code: str) -> int:
    """The id of a unit."""
    with app.app_context():
        return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def admin_events(app, action: str | None = None) -> list[AuditEvent]:
    """Audit events without an entry (administration), oldest first."""
    with app.app_context():
        query = sa.select(AuditEvent).where(AuditEvent.entry_id.is_(None)).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows
