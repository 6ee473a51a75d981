"""First run on an empty database (`flask setup` or /setup), and titles from the signed-in person's commune."""
from __future__ import annotations

import sqlalchemy as sa

from tests.communes.conftest import ADMIN_PASSWORD
from webapp.auth.models import User
from webapp.extensions import db
from webapp.units.models import Unit


def test_setup_command_creates_first_admin_and_commune_only_once(app, runner):
    """`flask setup` on an empty database makes an admin who can sign in and the commune; a second run is refused."""
    result = runner.invoke(args=["setup", "--username", "quantri1", "--password", ADMIN_PASSWORD,
                                 "--commune", "640", "--village", "Thôn Một"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "quantri1"))
        assert [(a.role, a.unit.official_code) for a in admin.roles] == [("admin", "00640")]
        assert db.session.scalar(sa.select(Unit.name).where(Unit.official_code == "00640")) == "Xã Thanh Trì"
        assert db.session.scalar(sa.select(Unit.id).where(Unit.code == "xa-thanh-xa")) is None
    again = runner.invoke(args=["setup", "--username", "other", "--password", ADMIN_PASSWORD, "--commune", "664"])
    assert again.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_setup_page_checks_input_then_creates(app, client):
    """The first-run page refuses a short password and an unknown code (nothing saved), then works; then it is gone."""
    bad = client.post("/setup", data={"username": "quantri1", "password": "ngan", "confirm": "ngan",
                                      "commune": "99999"})
    assert bad.status_code == 400
    assert "Mật khẩu cần ít nhất 10 ký tự.".encode() in bad.data and "mang mã 99999".encode() in bad.data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0
    good = client.post("/setup", data={"username": "quantri1", "password": ADMIN_PASSWORD, "confirm": ADMIN_PASSWORD,
                                       "commune": "00664", "villages": "Thôn Đông\nThôn Tây"})
    assert good.status_code == 302 and good.headers["Location"].endswith("/login")
    assert client.get("/setup").status_code == 404
    assert client.post("/login", data={"username": "quantri1", "password": ADMIN_PASSWORD}).status_code == 302
    assert "Xã Đại Thanh".encode() in client.get(f"/communes/").data


def test_titles_and_manifest_name_the_signed_in_persons_commune(app, client, runner, admin):
    """With two communes, an officer of the second sees its name, not the first commune of the database."""
    from tests.communes.conftest import officer_of

    assert runner.invoke(args=["communes", "create", "00664"]).exit_code == 0
    with app.app_context():
        second = db.session.scalar(sa.select(Unit.id).where(Unit.official_code == "00664"))
    assert client.get("/manifest.webmanifest").get_json()["name"] == "Bình Đẳng"
    officer_of(app, second, "tonghop2")
    client.post("/login", data={"username": "tonghop2", "password": ADMIN_PASSWORD})
    assert client.get("/manifest.webmanifest").get_json()["name"] == "Bình Đẳng – Xã Đại Thanh"
    page = client.get("/entries/").get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert "Xã Đại Thanh" in title and "Thanh Trì" not in title
