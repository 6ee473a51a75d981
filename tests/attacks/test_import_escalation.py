"""Issue 9 §1: the outbox import never lets an officer act as someone at or above them, or outside their commune."""
import itertools
import uuid as uuidlib

import pytest
import sqlalchemy as sa

from tests import factories
from tests.pwa.test_import import export_file, stored, upload
from webapp.auth.services import create_user
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.units.models import Unit, Village

HOME_UNITS = {"field_staff": "chi-hoi-pn-thon-thanh-xa", "supervisor": "hlhpn-thanh-xa",
              "officer": "xa-thanh-xa", "admin": "xa-thanh-xa"}
ROLES = ("field_staff", "supervisor", "officer", "admin", "province_officer")


@pytest.fixture
def two_communes(app, commune):
    """The demo commune, a second commune with a village, and a province above both (ids by name)."""
    with app.app_context():
        province = Unit.create("tinh-x", "Tỉnh X", "province")
        other = Unit.create("xa-khac", "Xã Khác", "commune")
        db.session.add(Village(commune_id=other.id, code="thon-khac", name="Thôn Khác"))
        db.session.commit()
        return {"province": province.id, "other": other.id}


def _person(name: str, roles: list[tuple[str, int]]) -> None:
    """A user with ``roles`` (role, unit id)."""
    first, *rest = roles
    user = create_user(name, "secret-pass-123", first[0], db.session.get(Unit, first[1]))
    for role, unit_id in rest:
        user.add_role(role, db.session.get(Unit, unit_id))
    db.session.commit()


def _expected(importer_role: str, author_roles: list[tuple[str, str]]) -> bool:
    """The rule: every author role inside the importer's commune (anywhere for admin) and ranked below."""
    rank = {"field_staff": 1, "supervisor": 2, "officer": 3, "province_officer": 4, "admin": 5}
    return all((importer_role == "admin" or where == "home") and rank[role] < rank[importer_role]
               for role, where in author_roles)


def _cases():
    """Every importer role × every author role, alone or with a second role at home or elsewhere."""
    for importer in ("officer", "admin"):
        for role in ROLES:
            where = "province" if role == "province_officer" else "home"
            yield importer, [(role, where)]
            if role != "province_officer":
                yield importer, [(role, "other")]
            for extra in ("field_staff", "supervisor", "officer", "admin"):
                yield importer, [(role, where), (extra, "other")]


CASES = list(_cases())


def test_import_as_author_follows_the_rank_and_commune_rule_for_every_role_pair(app, client, auth, two_communes):
    """Each importer role × author role set: allowed exactly when the rule says; refused leaves nothing."""
    with app.app_context():
        home = factories.unit("xa-thanh-xa").id
        places = {"home": home, "other": two_communes["other"], "province": two_communes["province"]}
        for number, (importer, roles) in enumerate(CASES):
            units = [HOME_UNITS.get(role) for role, _where in roles]
            _person(f"tac-gia-{number}", [(role, factories.unit(code).id if where == "home" and code else places[where])
                                         for (role, where), code in zip(roles, units)])
        _person("so-admin", [("admin", home)])
    decided = []
    for number, (importer, roles) in enumerate(CASES):
        auth.login(*(("tonghop",) if importer == "officer" else ("so-admin", "secret-pass-123")))
        payload = export_file(app, {"data": {"notes": f"Ca {number}"}}, user=f"tac-gia-{number}")
        response = upload(client, payload)
        page = response.get_data(as_text=True)
        allowed = _expected(importer, roles)
        if allowed:
            assert response.status_code == 200, (importer, roles, page[:300])
        else:
            assert response.status_code == 400 and "không phải người dưới quyền" in page, (importer, roles)
            assert payload["entries"][0]["uuid"] not in stored(app), (importer, roles)
        decided.append(allowed)
        auth.logout()
    assert decided.count(True) >= 8 and decided.count(False) >= 30  # both ways, over every role pair


def test_officer_cannot_import_as_the_admin_to_write_in_another_commune(app, client, auth, two_communes):
    """The reported attack: ``quantri`` holds a role in the officer's commune, yet stays out of reach."""
    with app.app_context():
        factories.user("quantri").add_role("admin", db.session.get(Unit, two_communes["other"]))
        db.session.commit()
        village = db.session.scalar(sa.select(Village.id).where(Village.code == "thon-khac"))
    payload = export_file(app, {"data": {"notes": "Xâm nhập", "unit_id": two_communes["other"],
                                         "village_id": village}}, user="quantri")
    auth.login("tonghop")
    response = upload(client, payload)
    assert response.status_code == 400 and "quantri" in response.get_data(as_text=True)
    assert stored(app) == {}


def test_each_entry_is_checked_against_the_importers_scope_too(app, client, auth, two_communes):
    """An officer also field worker in another commune imports their own phone: only their commune's
    entries go in; new or edited entries of the other commune are forbidden, nothing of them saved."""
    with app.app_context():
        factories.user("tonghop").add_role("field_staff", db.session.get(Unit, two_communes["other"]))
        db.session.commit()
        village = db.session.scalar(sa.select(Village.id).where(Village.code == "thon-khac"))
        foreign = factories.make_entry("tonghop", unit_code="chi-hoi-pn-thon-thanh-xa")
        foreign.unit_id = two_communes["other"]
        foreign.village_id = village
        db.session.commit()
        foreign_uuid, revision = foreign.uuid, foreign.revision
    payload = export_file(app, {"data": {"notes": "Ở xã mình"}},
                          {"data": {"notes": "Ở xã khác", "unit_id": two_communes["other"], "village_id": village}},
                          {"data": {"notes": "Sửa ở xã khác", "unit_id": two_communes["other"], "village_id": village},
                           "uuid": foreign_uuid, "base_revision": revision}, user="tonghop")
    auth.login("tonghop")
    page = upload(client, payload).get_data(as_text=True)
    assert 'data-import-count="created">1<' in page and 'data-import-count="forbidden">2<' in page
    assert "ngoài xã của đồng chí" in page
    saved = stored(app)
    assert sorted(notes for _a, notes, _r in saved.values()) == sorted(["Ở xã mình", foreign_notes(app, foreign_uuid)])
    assert saved[foreign_uuid][2] == revision and saved[foreign_uuid][1] != "Sửa ở xã khác"


def foreign_notes(app, entry_uuid: str) -> str:
    """The stored notes of one entry."""
    with app.app_context():
        return db.session.scalar(sa.select(Entry.notes).where(Entry.uuid == entry_uuid))


def test_the_audit_trail_names_the_importer_and_the_author(app, client, auth, commune):
    """The create event's person is the author; the importer is named in it and on the audit page."""
    payload = export_file(app, {"data": {"notes": "Nhập hộ"}})
    auth.login("tonghop")
    upload(client, payload)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "create"))
        assert (event.user.username, event.changes["imported_by"]) == ("canbo1", "tonghop")
    page = client.get("/audit/").get_data(as_text=True)
    assert "Nguyễn Thị Hoa" in page and "nhập hộ bởi tonghop" in page
