"""Communes from the official list: search without diacritics, the CLI, the preview, the template."""
from __future__ import annotations

import sqlalchemy as sa

from webapp.extensions import db
from webapp.plan.models import Campaign, PlanYear, ReportPeriod, Topic
from webapp.reports.models import ReportSettings
from webapp.units.models import Unit, Village


def _count(model, **where) -> int:
    """Rows of ``model`` matching ``where``."""
    query = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def test_search_ignores_diacritics_and_case(app):
    """ "thanh tri" finds Xã Thanh Trì; "dai thanh" finds Xã Đại Thanh (đ folds to d); a code finds its commune."""
    from webapp.communes import official

    with app.app_context():
        assert [c.name for c in official.search("01", "thanh tri")] == ["Xã Thanh Trì"]
        assert "Xã Đại Thanh" in [c.name for c in official.search("01", "DAI THANH")]
        assert official.search(None, "640")[0].name == "Xã Thanh Trì"
        assert official.search("01", "zzzz") == []
        assert len(official.provinces()) == 34


def test_cli_creates_commune_from_code_with_default_tree(app, runner):
    """`communes create 640` prints one `code<TAB>name` line per unit and stores the official code."""
    result = runner.invoke(args=["communes", "create", "640"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.strip().splitlines()]
    assert lines[0] == ["00640", "Xã Thanh Trì"]
    assert all(len(parts) == 2 for parts in lines)
    with app.app_context():
        commune = db.session.scalar(sa.select(Unit).where(Unit.official_code == "00640"))
        assert commune is not None and commune.type == "commune"
        units = db.session.scalars(sa.select(Unit).where(Unit.commune_id == commune.id)).all()
        assert sorted(u.code for u in units) == sorted(parts[0] for parts in lines)
        names = " ".join(u.name for u in units)
        assert "Hội Liên hiệp Phụ nữ xã Thanh Trì" in names and "Ủy ban nhân dân xã Thanh Trì" in names
        assert "Thanh Xá" not in names
        assert _count(Topic, commune_id=commune.id) >= 8
        windows = {(c.start_day, c.start_month, c.end_day, c.end_month)
                   for c in db.session.scalars(sa.select(Campaign).where(Campaign.commune_id == commune.id))}
        assert {(1, 6, 30, 6), (15, 11, 15, 12)} <= windows
        assert _count(ReportPeriod, unit_id=commune.id) >= 4
        settings = db.session.scalar(sa.select(ReportSettings).where(ReportSettings.unit_id == commune.id))
        assert settings.issuing_body == "ỦY BAN NHÂN DÂN\nXÃ THANH TRÌ" and settings.place_name == "Thanh Trì"
        assert _count(PlanYear, unit_id=commune.id) == 1


def test_cli_refuses_unknown_code_and_existing_commune(app, runner):
    """An unknown code or a second creation exits non-zero with a message and adds nothing."""
    unknown = runner.invoke(args=["communes", "create", "99999"])
    assert unknown.exit_code != 0 and "99999" in unknown.output
    assert runner.invoke(args=["communes", "create", "00640"]).exit_code == 0
    with app.app_context():
        before = _count(Unit)
    again = runner.invoke(args=["communes", "create", "640"])
    assert again.exit_code != 0 and "Xã Thanh Trì" in again.output
    with app.app_context():
        assert _count(Unit) == before


def test_cli_adds_village_with_branch_and_lists_units(app, runner):
    """`villages add` prints the branch's code; the branch sits under the Women's Union; `units list` shows it."""
    assert runner.invoke(args=["communes", "create", "00640"]).exit_code == 0
    result = runner.invoke(args=["villages", "add", "640", "Thôn Vạn Phúc"])
    assert result.exit_code == 0, result.output
    code = result.output.strip()
    with app.app_context():
        branch = db.session.scalar(sa.select(Unit).where(Unit.code == code))
        assert branch.type == "branch" and branch.village.name == "Thôn Vạn Phúc"
        assert branch.parent.code == "00640-hlhpn"
    duplicate = runner.invoke(args=["villages", "add", "00640", "thon van phuc"])
    assert duplicate.exit_code != 0 and "Thôn Vạn Phúc" in duplicate.output
    missing = runner.invoke(args=["villages", "add", "12345", "Thôn A"])
    assert missing.exit_code != 0
    listing = runner.invoke(args=["units", "list", "00640"])
    assert listing.exit_code == 0 and f"{code}\t    Chi hội Phụ nữ thôn Vạn Phúc" in listing.output


def test_preview_saves_nothing_then_confirm_creates_what_was_reviewed(app, admin_client):
    """The preview lists the template; only the confirm button saves, without the units left out."""
    page = admin_client.get("/communes/new?province=01&q=dai+thanh")
    assert "Xã Đại Thanh".encode() in page.data
    with app.app_context():
        before = _count(Unit)
    preview = admin_client.post("/communes/new/00664", data={"villages": "Thôn Đông\nThôn Tây", "confirm": "0",
                                                              "unit_hlhpn": "1", "unit_ubnd": "1"})
    assert preview.status_code == 200
    assert "Chi hội Phụ nữ thôn Đông".encode() in preview.data
    with app.app_context():
        assert _count(Unit) == before
    done = admin_client.post("/communes/new/00664", data={"villages": "Thôn Đông\nThôn Tây", "confirm": "1",
                                                           "unit_hlhpn": "1", "unit_ubnd": "1"})
    assert done.status_code == 302
    with app.app_context():
        commune = db.session.scalar(sa.select(Unit).where(Unit.official_code == "00664"))
        names = set(db.session.scalars(sa.select(Unit.name).where(Unit.commune_id == commune.id)))
        assert "Ủy ban nhân dân xã Đại Thanh" in names and "Công an xã Đại Thanh" not in names
        assert {"Chi hội Phụ nữ thôn Đông", "Chi hội Phụ nữ thôn Tây"} <= names
        assert set(db.session.scalars(sa.select(Village.name).where(Village.commune_id == commune.id))) == \
            {"Thôn Đông", "Thôn Tây"}


def test_bad_input_gets_a_vietnamese_error_and_saves_nothing(app, admin_client):
    """An unknown code, an existing commune, a manual name without Xã/Phường: a specific error, nothing saved."""
    with app.app_context():
        before = _count(Unit)
    unknown = admin_client.get("/communes/new/99999")
    assert unknown.status_code == 400
    assert "Không có xã, phường nào mang mã 99999".encode() in unknown.data
    existing = admin_client.post("/communes/new/00640", data={"confirm": "1", "villages": ""})
    assert existing.status_code == 400 and "đã có trong hệ thống".encode() in existing.data
    manual = admin_client.post("/communes/manual", data={"name": "Thanh Bình", "province": "01", "confirm": "1"})
    assert manual.status_code == 400 and "Tên phải bắt đầu bằng Xã, Phường hoặc Đặc khu".encode() in manual.data
    listed = admin_client.post("/communes/manual", data={"name": "Xã Đại Thanh", "province": "01", "confirm": "1"})
    assert listed.status_code == 400 and "có trong danh mục chính thức".encode() in listed.data
    with app.app_context():
        assert _count(Unit) == before


def test_manual_commune_when_the_list_lacks_it(app, admin_client):
    """A commune typed in by hand has no official code but the same template."""
    done = admin_client.post("/communes/manual", data={"name": "Xã Hòa Bình Mới", "province": "01",
                                                        "villages": "Thôn Một", "confirm": "1", "unit_hlhpn": "1"})
    assert done.status_code == 302
    with app.app_context():
        commune = db.session.scalar(sa.select(Unit).where(Unit.name == "Xã Hòa Bình Mới"))
        assert commune.official_code is None and commune.type == "commune"
        assert _count(Village, commune_id=commune.id) == 1


def test_only_an_admin_adds_communes(app, client, admin):
    """A commune officer cannot reach the official list or create a commune (404)."""
    from tests.communes.conftest import ADMIN_PASSWORD, officer_of

    officer_of(app, admin, "tonghop2")
    client.post("/login", data={"username": "tonghop2", "password": ADMIN_PASSWORD})
    assert client.get("/communes/new").status_code == 404
    assert client.post("/communes/new/00664", data={"confirm": "1"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(Unit.id).where(Unit.official_code == "00664")) is None
