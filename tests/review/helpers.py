"""Helpers shared by the review, period, audit and push tests: a second commune, bearer headers."""
from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from webapp.auth.models import ApiToken
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.units.models import Unit, Village

OTHER_BRANCH = "chi-hoi-pn-an-binh"
OTHER_VILLAGE = "thon-an-binh"
OUTSIDE_WU = "doan-tn-thanh-xa"  # a unit of Thanh Xá outside the Women's Union subtree


def add_other_commune() -> None:
    """A second commune (An Bình) with one branch, one village and its field staff ``canbo-ab``."""
    commune = Unit.create("xa-an-binh", "Xã An Bình", "commune")
    village = Village(commune_id=commune.id, code=OTHER_VILLAGE, name="Thôn An Bình")
    db.session.add(village)
    db.session.flush()
    union = Unit.create("hlhpn-an-binh", "Hội LHPN xã An Bình", "organisation", parent=commune)
    Unit.create(OTHER_BRANCH, "Chi hội Phụ nữ thôn An Bình", "branch", parent=union, village=village)
    db.session.commit()
    factories.make_user("canbo-ab", "field_staff", OTHER_BRANCH)
    factories.make_user("tonghop-ab", "officer", "xa-an-binh")


def bearer(username: str, device: str = "Điện thoại thử") -> dict[str, str]:
    """An Authorization header with a fresh token of ``username`` (committed)."""
    _row, secret = ApiToken.issue(factories.user(username), device)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def entry_in(place: str, status: str = "submitted", author: str | None = None, **overrides) -> Entry:
    """A committed entry in ``place`` ("wu-branch", "wu-branch-2", "outside-wu", "other-commune")."""
    where = {
        "wu-branch": ("canbo1", "chi-hoi-pn-thon-thanh-xa", "thon-thanh-xa"),
        "wu-branch-2": ("canbo2", "chi-hoi-pn-thon-le-xa", "thon-le-xa"),
        "outside-wu": (f"cb-{OUTSIDE_WU}", OUTSIDE_WU, "thon-thanh-xa"),
        "other-commune": ("canbo-ab", OTHER_BRANCH, OTHER_VILLAGE),
    }[place]
    entry = factories.make_entry(where[0], status=status, unit_code=where[1], village_code=where[2], **overrides)
    if author is not None:
        entry.author_id = factories.user(author).id
        db.session.commit()
    return entry


def audit_actions(entry_id: int) -> list[str]:
    """The actions of an entry's audit trail, in order."""
    return list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entry_id == entry_id)
                                   .order_by(AuditEvent.id)))
