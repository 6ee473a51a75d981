"""Permissions follow the unit tree: field staff their unit, supervisors the subtree, officers the commune."""
import pytest
import sqlalchemy as sa

from tests import factories
from webapp.auth import permissions
from webapp.extensions import db
from webapp.units.models import Unit


def _codes(user) -> set[str]:
    """Codes of the units whose entries ``user`` may see."""
    ids = db.session.scalars(permissions.visible_unit_ids(user)).all()
    return set(db.session.scalars(sa.select(Unit.code).where(Unit.id.in_(ids))))


@pytest.mark.parametrize("username,sees,does_not_see", [
    ("canbo1", {"chi-hoi-pn-thon-thanh-xa"}, {"chi-hoi-pn-thon-le-xa", "hlhpn-thanh-xa"}),
    ("duyet", {"hlhpn-thanh-xa", "chi-hoi-pn-thon-thanh-xa", "chi-hoi-pn-thon-le-xa"},
     {"doan-tn-thanh-xa", "xa-thanh-xa", "cong-an-thanh-xa"}),
    ("tonghop", {"xa-thanh-xa", "doan-tn-thanh-xa", "chi-hoi-pn-thon-ha-xa"}, {"xa-khac"}),
    ("quantri", {"xa-thanh-xa", "xa-khac"}, set()),
])
def test_visible_units_follow_the_tree(app, commune, username, sees, does_not_see):
    """Each role's scope, with a second commune in the same database."""
    with app.app_context():
        Unit.create("xa-khac", "Xã Khác", "commune")
        db.session.commit()
        codes = _codes(factories.user(username))
        assert sees <= codes
        assert not (does_not_see & codes)


def test_field_staff_log_only_for_their_unit(app, commune):
    """canbo1 may log for the first village's branch and nothing else."""
    with app.app_context():
        units = permissions.loggable_units(factories.user("canbo1"))
        assert [u.code for u in units] == ["chi-hoi-pn-thon-thanh-xa"]


def test_review_scope_excludes_field_staff(app, commune):
    """Only supervisors, officers and admins have units to review."""
    with app.app_context():
        assert db.session.scalars(permissions.reviewable_unit_ids(factories.user("canbo1"))).all() == []
        reviewable = db.session.scalars(permissions.reviewable_unit_ids(factories.user("duyet"))).all()
        assert factories.unit("chi-hoi-pn-thon-le-xa").id in reviewable
        assert factories.unit("doan-tn-thanh-xa").id not in reviewable


def test_a_person_with_roles_in_two_units(app, commune):
    """Roles add up: field staff of one branch and supervisor of the Youth Union see both."""
    with app.app_context():
        person = factories.make_user("hai-vai", "field_staff", "chi-hoi-pn-thon-ha-xa")
        person.add_role("supervisor", factories.unit("doan-tn-thanh-xa"))
        db.session.commit()
        codes = _codes(person)
        assert {"chi-hoi-pn-thon-ha-xa", "doan-tn-thanh-xa"} <= codes
        assert "chi-hoi-pn-thon-le-xa" not in codes
