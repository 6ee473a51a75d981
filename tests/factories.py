"""Factories: valid entries and users made through the same services the app uses."""
from __future__ import annotations

import uuid as uuidlib
from typing import Any

import sqlalchemy as sa

from webapp.auth.models import User
from webapp.auth.services import create_user
from webapp.entries import services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import get_kind
from webapp.reports import rollup
from webapp.units.models import Unit, Village

KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "outreach": {"format": "direct_talk"},
    "training": {"course_name": "Lồng ghép giới", "days": 2, "trainee_group": "women_leaders"},
    "inspection": {"unit_inspected": "Trường THCS", "content": ["policy"], "violations_found": 0},
    "contest": {"contest_name": "Hội thi tìm hiểu pháp luật", "teams": 6},
    "broadcast": {"station": "commune_radio", "items": 3, "broadcasts": 6},
    "print_media": {"medium": "banner", "quantity": 4},
    "online": {"channel": "zalo", "posts": 2},
    "commendation": {"commendation_form": "certificate", "level": "commune"},
    "model_club": {"club_name": "CLB Gia đình hạnh phúc", "meetings": 1},
    "support": {},
}


def user(username: str) -> User:
    """A user by username."""
    return db.session.scalar(sa.select(User).where(User.username == username))


def unit(code: str) -> Unit:
    """A unit by code."""
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def village(code: str) -> Village:
    """A village by code."""
    return db.session.scalar(sa.select(Village).where(Village.code == code))


def entry_data(kind: str = "outreach", unit_code: str = "chi-hoi-pn-thon-thanh-xa",
               village_code: str = "thon-thanh-xa", **overrides) -> dict[str, Any]:
    """API-shaped ``data`` for a valid entry of ``kind`` (JSON types)."""
    data = {
        "unit_id": unit(unit_code).id,
        "village_id": village(village_code).id,
        "date": "2023-06-12",
        "participants_male": 12,
        "participants_female": 30,
        "cost_vnd": 500000,
        "funding_source": "commune_budget",  # a cost above 0 needs a source (issue 11)
        "notes": "",
        **KIND_DEFAULTS[kind],
    }
    data.update(overrides)
    return data


def make_entry(author: str = "canbo1", kind: str = "outreach", status: str = "submitted",
               entry_uuid: str | None = None, **overrides) -> Entry:
    """Create a valid entry through the entries service (validated like the form), committed."""
    person = user(author)
    ctx = services.validation_context(person, strict_types=True)
    clean, errors = get_kind(kind).validate(entry_data(kind, **overrides), ctx)
    assert not errors, errors
    entry = services.create_entry(person, entry_uuid or str(uuidlib.uuid4()), get_kind(kind), clean)
    before = rollup.snapshot(entry)
    entry.status = status
    rollup.record([(before, rollup.snapshot(entry))])
    db.session.commit()
    return entry


def make_user(username: str, role: str, unit_code: str, password: str = "secret-pass") -> User:
    """Add a user with one role."""
    person = create_user(username, password, role, unit(unit_code))
    db.session.commit()
    return person
