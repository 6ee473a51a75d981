"""Helpers for API tests: bearer tokens through the real endpoint, and ENTRY payloads."""
from __future__ import annotations

import uuid as uuidlib
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db

DEMO_PASSWORD = "thanhxa-demo"


class ApiClient:
    """The test client speaking JSON with a bearer token, as a phone does."""

    def __init__(self, client, ids: dict[str, int]):
        """Wrap ``client``; ``ids`` maps unit and village codes to their ids."""
        self.client = client
        self.ids = ids

    def token(self, username: str = "canbo1", device: str = "Điện thoại Android") -> str:
        """A new bearer token from ``POST /api/v1/tokens``."""
        response = self.client.post("/api/v1/tokens", json={"username": username, "password": DEMO_PASSWORD,
                                                             "device_name": device})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    @staticmethod
    def auth(token: str, **headers: str) -> dict[str, str]:
        """The Authorization header (plus any others)."""
        return {"Authorization": f"Bearer {token}", **headers}

    def sync(self, token: str, entries: list, **headers: str):
        """``POST /api/v1/sync``."""
        return self.client.post("/api/v1/sync", json={"entries": entries}, headers=self.auth(token, **headers))

    def sync_ok(self, token: str, entries: list) -> list[dict]:
        """The results of a sync that must answer 200."""
        response = self.sync(token, entries)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response.get_json()["results"]

    def data(self, kind: str = "outreach", unit: str = "chi-hoi-pn-thon-thanh-xa",
             village: str = "thon-thanh-xa", **overrides: Any) -> dict[str, Any]:
        """Valid API ``data`` of ``kind`` (JSON types), with ``overrides``."""
        data = {"unit_id": self.ids[unit], "village_id": self.ids[village], "date": "2023-06-12",
                "participants_male": 12, "participants_female": 30, "cost_vnd": 500000,
                "funding_source": "commune_budget", "notes": "",
                **factories.KIND_DEFAULTS[kind]}
        data.update(overrides)
        return data

    def entry(self, kind: str = "outreach", entry_uuid: str | None = None, base_revision: int | None = None,
              **overrides: Any) -> dict[str, Any]:
        """An ENTRY of the contract."""
        return {"uuid": entry_uuid or str(uuidlib.uuid4()), "kind": kind, "base_revision": base_revision,
                "data": self.data(kind, **overrides)}


@pytest.fixture
def ids(app, commune) -> dict[str, int]:
    """Unit and village ids of the demo commune by code."""
    from webapp.units.models import Unit, Village

    with app.app_context():
        found = {u.code: u.id for u in db.session.scalars(sa.select(Unit))}
        found.update({v.code: v.id for v in db.session.scalars(sa.select(Village))})
    return found


@pytest.fixture
def api(client, ids) -> ApiClient:
    """An API client on the demo commune."""
    return ApiClient(client, ids)


def snapshot(app) -> dict[str, Any]:
    """What the database holds about entries: every entry's content and revision, and the audit count."""
    with app.app_context():
        db.session.expire_all()
        entries = {e.uuid: (e.revision, e.status, e.to_data()) for e in db.session.scalars(sa.select(Entry))}
        audit = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    return {"entries": entries, "audit": audit}


@pytest.fixture
def make_app(app, app_settings):
    """Build another app on the same database with some settings changed; its connections are closed after."""
    from webapp import create_app

    made = []

    def make(**overrides):
        """A new app with ``overrides``."""
        application = create_app({**app_settings, **overrides})
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
