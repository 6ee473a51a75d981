"""What a sync checks against is cached per process, and any change of it is seen by the next sync,
even when made by another app (another server) on the same database."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests import factories
from webapp.auth.models import RoleAssignment
from webapp.extensions import db
from webapp.periods.models import ClosedPeriod
from webapp.units.models import Village


def test_a_village_added_elsewhere_is_accepted_at_once(app, api, make_app):
    """A sync warms the cache; another server adds a village; the next sync may log in it."""
    token = api.token()
    api.sync_ok(token, [api.entry()])
    other = make_app()
    with other.app_context():
        commune = factories.unit("xa-thanh-xa")
        village = Village(commune_id=commune.id, code="thon-moi", name="Thôn Mới")
        db.session.add(village)
        db.session.commit()
        village_id = village.id
    [answer] = api.sync_ok(token, [api.entry(village_id=village_id)])
    assert answer["status"] == "created", answer


def test_a_period_closed_elsewhere_refuses_the_next_sync(app, api, make_app):
    """A sync warms the cache; another server closes June 2023; an entry dated in it is now refused."""
    token = api.token()
    api.sync_ok(token, [api.entry()])
    other = make_app()
    with other.app_context():
        db.session.add(ClosedPeriod(commune_id=factories.unit("xa-thanh-xa").id, name="Quý 2/2023",
                                    start_date=dt.date(2023, 4, 1), end_date=dt.date(2023, 6, 30), closed=True))
        db.session.commit()
    [answer] = api.sync_ok(token, [api.entry(date="2023-06-12")])
    assert answer["status"] == "rejected" and "date" in answer["errors"]


def test_a_role_removed_elsewhere_forbids_the_next_sync(app, api, make_app):
    """canbo1 loses the role in her branch (a bulk delete on another server): her next entry there is forbidden."""
    token = api.token()
    api.sync_ok(token, [api.entry()])
    other = make_app()
    with other.app_context():
        person = factories.user("canbo1")
        db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.user_id == person.id))
        db.session.commit()
    [answer] = api.sync_ok(token, [api.entry()])
    assert answer["status"] == "forbidden", answer
