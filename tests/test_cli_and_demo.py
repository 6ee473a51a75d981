"""The contract's commands: seed-demo (idempotent), create-user; the demo commune's content."""
import sqlalchemy as sa

from webapp.auth.models import User
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.units.models import Unit, Village


def test_seed_demo_is_idempotent_and_realistic(app, runner):
    """Seeding twice gives one commune, ~200 entries over 2023 with both action months."""
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed-demo"])
    assert "0 " in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit).where(Unit.type == "commune")) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Village)) == 6
        dates = db.session.scalars(sa.select(Entry.date)).all()
        assert len(dates) == 200
        assert all(d.year == 2023 for d in dates)
        assert any(d.month == 6 for d in dates)  # the June action month
        assert any((d.month, d.day) >= (11, 15) for d in dates)  # the Nov-Dec action month
        kinds = set(db.session.scalars(sa.select(Entry.kind)))
        assert {"outreach", "training", "inspection"} <= kinds
        demo = {u.username for u in db.session.scalars(sa.select(User))}
        assert {"canbo1", "canbo2", "duyet", "tonghop", "quantri"} <= demo


def test_demo_users_sign_in_and_see_their_scope(app, runner, client):
    """Each demo user signs in with thanhxa-demo and sees what the role should see."""
    runner.invoke(args=["seed-demo"])
    counts = {}
    for username in ("canbo1", "canbo2", "duyet", "tonghop", "quantri"):
        client.post("/login", data={"username": username, "password": "thanhxa-demo"})
        page = client.get("/entries/")
        assert page.status_code == 200, username
        counts[username] = page.get_data(as_text=True)
        client.post("/logout")
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Entry))
        branch1 = db.session.scalar(sa.select(sa.func.count()).select_from(Entry).join(Unit).where(
            Unit.code == "chi-hoi-pn-thon-thanh-xa"))
    assert f"{branch1} hoạt động" in counts["canbo1"]
    assert f"{total} hoạt động" in counts["tonghop"] and f"{total} hoạt động" in counts["quantri"]
    assert f"{total} hoạt động" not in counts["duyet"]


def test_create_user(app, runner, commune, client):
    """create-user adds a user who can sign in; bad unit or short password are refused."""
    result = runner.invoke(args=["create-user", "canbo7", "--role", "field_staff", "--unit",
                                 "chi-hoi-pn-thon-ha-xa", "--password", "hoa-sen-ven-ao-7"])
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"username": "canbo7", "password": "hoa-sen-ven-ao-7"})
    assert response.status_code == 302
    bad_unit = runner.invoke(args=["create-user", "x", "--role", "field_staff", "--unit", "nowhere",
                                   "--password", "long-enough"])
    assert bad_unit.exit_code != 0 and "nowhere" in bad_unit.output
    short = runner.invoke(args=["create-user", "y", "--role", "admin", "--unit", "xa-thanh-xa", "--password", "x"])
    assert short.exit_code != 0
    prompted = runner.invoke(args=["create-user", "z", "--role", "officer", "--unit", "xa-thanh-xa"],
                             input="cay-tre-xanh-z\ncay-tre-xanh-z\n")
    assert prompted.exit_code == 0, prompted.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.username.in_(["x", "y"]))) == 0
