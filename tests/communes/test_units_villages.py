"""Units tree and villages: add, rename, move, deactivate; bad input refused; other communes are 404."""
from __future__ import annotations

import sqlalchemy as sa

from tests.communes.conftest import ADMIN_PASSWORD, officer_of
from webapp.entries.models import AuditEvent
from webapp.extensions import db
from webapp.units.models import Unit, Village


def _unit(code: str) -> Unit:
    """A unit by code."""
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def _events(action: str) -> list[AuditEvent]:
    """Audit events of an action."""
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_add_rename_move_deactivate_a_unit_with_audit(app, admin_client, admin):
    """Each change shows on the tree and leaves an audit event with before → after."""
    with app.app_context():
        police = _unit("00640-cong-an").id
        union = _unit("00640-hlhpn").id
    added = admin_client.post(f"/communes/{admin}/units/add", data={"name": "Trường Mầm non xã Thanh Trì",
                                                                    "type": "agency", "parent_id": str(admin)})
    assert added.status_code == 302
    tree = admin_client.get(f"/communes/{admin}/units")
    assert "Trường Mầm non xã Thanh Trì".encode() in tree.data
    url = f"/communes/{admin}/units/{police}"
    assert admin_client.post(f"{url}/rename", data={"name": "Công an xã"}).status_code == 302
    assert admin_client.post(f"{url}/move", data={"parent_id": str(union)}).status_code == 302
    assert admin_client.post(f"{url}/deactivate").status_code == 302
    with app.app_context():
        unit = db.session.get(Unit, police)
        assert (unit.name, unit.parent_id, unit.active) == ("Công an xã", union, False)
        assert unit.path == f"{db.session.get(Unit, union).path}{police}/"
        assert _events("unit_rename")[0].changes["name"] == ["Công an xã Thanh Trì", "Công an xã"]
        assert _events("unit_rename")[0].changes["commune_id"] == admin
        assert _events("unit_move")[0].changes["parent"][1] == "Hội Liên hiệp Phụ nữ xã Thanh Trì"
        assert _events("unit_active")[0].changes["active"] == [True, False]
        assert _events("unit_add")[0].user.username == "admin1"


def test_a_unit_is_never_moved_under_itself_or_its_descendant(app, admin_client, admin):
    """Moving the Women's Union under its own village branch is refused with a Vietnamese message."""
    with app.app_context():
        union = _unit("00640-hlhpn")
        branch = db.session.scalar(sa.select(Unit).where(Unit.parent_id == union.id))
        union_id, branch_id, path = union.id, branch.id, union.path
    for target in (branch_id, union_id):
        response = admin_client.post(f"/communes/{admin}/units/{union_id}/move", data={"parent_id": str(target)})
        assert response.status_code == 400
        assert "Không thể chuyển một đơn vị vào chính nó".encode() in response.data
    with app.app_context():
        assert db.session.get(Unit, union_id).path == path
        assert not _events("unit_move")


def test_bad_unit_and_village_input_saves_nothing(app, admin_client, admin):
    """Empty names, unknown kinds, a duplicate village: specific errors, status 400, nothing stored."""
    with app.app_context():
        units, villages = db.session.scalar(sa.select(sa.func.count(Unit.id))), \
            db.session.scalar(sa.select(sa.func.count(Village.id)))
    empty = admin_client.post(f"/communes/{admin}/units/add", data={"name": "  ", "type": "agency"})
    assert empty.status_code == 400 and "Hãy nhập tên.".encode() in empty.data
    kind = admin_client.post(f"/communes/{admin}/units/add", data={"name": "Tổ A", "type": "ministry"})
    assert kind.status_code == 400 and "Hãy chọn loại đơn vị.".encode() in kind.data
    twice = admin_client.post(f"/communes/{admin}/villages/add", data={"name": "thon mot"})
    assert twice.status_code == 400 and "Xã đã có thôn tên Thôn Một.".encode() in twice.data
    root = admin_client.post(f"/communes/{admin}/units/{admin}/deactivate")
    assert root.status_code == 400 and "Không thể ngừng hoạt động chính xã.".encode() in root.data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == units
        assert db.session.scalar(sa.select(sa.func.count(Village.id))) == villages


def test_village_add_rename_deactivate(app, admin_client, admin):
    """A new village gets its branch; renaming renames the default-named branch; deactivated ones are not offered."""
    assert admin_client.post(f"/communes/{admin}/villages/add", data={"name": "Thôn Ba"}).status_code == 302
    with app.app_context():
        village = db.session.scalar(sa.select(Village).where(Village.name == "Thôn Ba"))
        vid = village.id
        assert db.session.scalar(sa.select(Unit.name).where(Unit.village_id == vid)) == "Chi hội Phụ nữ thôn Ba"
    assert admin_client.post(f"/communes/{admin}/villages/{vid}/rename", data={"name": "Thôn Bốn"}).status_code == 302
    assert admin_client.post(f"/communes/{admin}/villages/{vid}/deactivate").status_code == 302
    me = admin_client.get("/api/v1/me").get_json()
    assert "Thôn Bốn" not in [v["name"] for v in me["villages"]] and "Thôn Một" in [v["name"] for v in me["villages"]]
    with app.app_context():
        assert db.session.scalar(sa.select(Unit.name).where(Unit.village_id == vid)) == "Chi hội Phụ nữ thôn Bốn"
        assert [e.changes["name"] for e in _events("village_rename")] == [["Thôn Ba", "Thôn Bốn"]]


def test_officer_manages_own_commune_and_gets_404_on_another(app, client, runner, admin):
    """A commune officer changes their own units and villages; every page and change of another commune is 404."""
    assert runner.invoke(args=["communes", "create", "00664"]).exit_code == 0
    with app.app_context():
        other = db.session.scalar(sa.select(Unit).where(Unit.official_code == "00664"))
        other_id = other.id
        other_unit = db.session.scalar(sa.select(Unit.id).where(Unit.code == "00664-cong-an"))
        own_unit = _unit("00640-cong-an").id
        before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    officer_of(app, admin, "tonghop2")
    client.post("/login", data={"username": "tonghop2", "password": ADMIN_PASSWORD})
    assert client.get(f"/communes/{admin}/units").status_code == 200
    assert client.post(f"/communes/{admin}/units/{own_unit}/rename", data={"name": "Công an"}).status_code == 302
    for url in (f"/communes/{other_id}/units", f"/communes/{other_id}/villages", f"/communes/{other_id}/topics",
                f"/communes/{other_id}/campaigns", f"/communes/{other_id}/copy-plan"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"/communes/{other_id}/units/add", {"name": "X", "type": "agency"}),
                      (f"/communes/{other_id}/units/{other_unit}/rename", {"name": "X"}),
                      (f"/communes/{admin}/units/{other_unit}/rename", {"name": "X"}),
                      (f"/communes/{admin}/units/{own_unit}/move", {"parent_id": str(other_unit)}),
                      (f"/communes/{other_id}/villages/add", {"name": "Thôn X"}),
                      (f"/communes/{other_id}/topics", {"name": "X"}),
                      (f"/communes/{other_id}/copy-plan", {"year": "2024"})):
        assert client.post(url, data=data).status_code in (400, 404), url
    with app.app_context():
        assert db.session.scalar(sa.select(Unit.name).where(Unit.id == other_unit)) == "Công an xã Đại Thanh"
        assert db.session.get(Unit, own_unit).parent_id == admin
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before + 1


def test_field_staff_gets_404_on_commune_pages(app, client, admin):
    """Someone who is neither admin nor officer cannot open the setup pages."""
    from webapp.auth.services import create_user

    with app.app_context():
        create_user("canbo9", ADMIN_PASSWORD, "field_staff", _unit("00640-cong-an"))
        db.session.commit()
    client.post("/login", data={"username": "canbo9", "password": ADMIN_PASSWORD})
    for url in ("/communes/", f"/communes/{admin}/units", "/units", "/villages", "/communes/new"):
        assert client.get(url).status_code == 404, url
