"""Fixtures of the communes tests: an admin on an empty server, a commune made from the official list."""
from __future__ import annotations

import pytest

from webapp.extensions import db

ADMIN_PASSWORD = "quan-tri-2025-xa"


@pytest.fixture
def admin(app):
    """An administrator holding the admin role at a commune made from the official list (Xã Thanh Trì)."""
    from webapp.auth.services import create_user
    from webapp.communes import services

    with app.app_context(), app.test_request_context():
        created = services.create_commune(services.plan_official("00640", ["Thôn Một", "Thôn Hai"]))
        create_user("admin1", ADMIN_PASSWORD, "admin", created[0], full_name="Quản trị")
        db.session.commit()
        return created[0].id


@pytest.fixture
def admin_client(client, admin):
    """A client signed in as the administrator."""
    response = client.post("/login", data={"username": "admin1", "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    return client


def officer_of(app, commune_id: int, username: str) -> None:
    """Add a commune officer of ``commune_id`` (password ``ADMIN_PASSWORD``)."""
    from webapp.auth.services import create_user
    from webapp.units.models import Unit

    with app.app_context():
        create_user(username, ADMIN_PASSWORD, "officer", db.session.get(Unit, commune_id))
        db.session.commit()
