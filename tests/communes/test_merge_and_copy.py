"""Merging villages keeps every earlier year's commune totals; copying last year's plan adds it once."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD
from tests.factories import make_entry, village
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.plan import periods
from webapp.plan.models import Campaign, PlanTarget, PlanYear
from webapp.plan.targets import plan_for

YEARS = (2022, 2023, 2024)


def _totals(client, year: int, group_by: str) -> dict:
    """The totals API for one year (approved entries), as the officer's report reads them."""
    response = client.get(f"/api/v1/reports/totals?from={year}-01-01&to={year}-12-31&group_by={group_by}")
    assert response.status_code == 200, response.data
    return response.get_json()


def test_merge_moves_entries_keeps_commune_totals_and_is_audited(app, client, commune):
    """Entries of the merged village move to the survivor; commune totals of every year stay identical."""
    with app.app_context():
        for year in YEARS:
            for n, code in enumerate(("thon-thanh-xa", "thon-le-xa", "thon-le-xa")):
                make_entry(status="approved", village_code=code, date=f"{year}-0{n + 3}-1{n}",
                           participants_female=10 + n, participants_male=n)
        merged, survivor = village("thon-le-xa").id, village("thon-thanh-xa").id
        moved_ids = set(db.session.scalars(sa.select(Entry.id).where(Entry.village_id == merged)))
    client.post("/login", data={"username": "quantri", "password": DEMO_PASSWORD})
    before = {year: _totals(client, year, "kind") for year in YEARS}
    by_village = _totals(client, 2023, "village")
    assert len(by_village["rows"]) == 2
    response = client.post(f"/communes/{commune}/villages/{merged}/merge", data={"into_id": str(survivor)})
    assert response.status_code == 302
    assert {year: _totals(client, year, "kind") for year in YEARS} == before
    after_village = _totals(client, 2023, "village")
    assert len(after_village["rows"]) == 1 and after_village["totals"] == by_village["totals"]
    with app.app_context():
        assert set(db.session.scalars(sa.select(Entry.id).where(Entry.village_id == survivor))) >= moved_ids
        assert not db.session.scalar(sa.select(sa.func.count(Entry.id)).where(Entry.village_id == merged))
        gone = db.session.get(type(village("thon-le-xa")), merged)
        assert (gone.active, gone.merged_into_id) == (False, survivor)
        summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "village_merge",
                                                                AuditEvent.entry_id.is_(None)))
        assert summary.changes["village"] == ["Thôn Lê Xá", "Thôn Thanh Xá"]
        assert summary.changes["entries_moved"] == len(moved_ids) and summary.user.username == "quantri"
        per_entry = set(db.session.scalars(sa.select(AuditEvent.entry_id).where(
            AuditEvent.action == "village_merge", AuditEvent.entry_id.is_not(None))))
        assert per_entry == moved_ids
    audit = client.get("/audit/")
    assert "Sáp nhập thôn".encode() in audit.data


def test_merge_into_itself_or_a_retired_village_is_refused(app, client, commune):
    """A village merged into itself, or into a deactivated one: a Vietnamese error, nothing moved."""
    with app.app_context():
        make_entry(status="approved", village_code="thon-le-xa")
        le_xa, ha_xa, thanh_xa = village("thon-le-xa").id, village("thon-ha-xa").id, village("thon-thanh-xa").id
    client.post("/login", data={"username": "quantri", "password": DEMO_PASSWORD})
    itself = client.post(f"/communes/{commune}/villages/{le_xa}/merge", data={"into_id": str(le_xa)})
    assert itself.status_code == 400 and "Không thể sáp nhập một thôn vào chính nó.".encode() in itself.data
    assert client.post(f"/communes/{commune}/villages/{ha_xa}/deactivate").status_code == 302
    retired = client.post(f"/communes/{commune}/villages/{le_xa}/merge", data={"into_id": str(ha_xa)})
    assert retired.status_code == 400 and "đang hoạt động".encode() in retired.data
    unknown = client.post(f"/communes/{commune}/villages/{le_xa}/merge", data={"into_id": "999999"})
    assert unknown.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Entry.id)).where(Entry.village_id == le_xa)) == 1
        assert db.session.scalar(sa.select(sa.func.count(Entry.id)).where(Entry.village_id == thanh_xa)) == 0
        assert not db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "village_merge"))


def _plan_2023(commune_id: int) -> None:
    """A 2023 plan with three targets and two campaigns of that year."""
    plan = plan_for(commune_id, 2023, create=True)
    plan.title = "Kế hoạch bình đẳng giới năm 2023"
    for position, (metric, kind, value) in enumerate((("entries", "outreach", 2), ("participants", None, 300),
                                                      ("women_share", "outreach", 60)), start=1):
        db.session.add(PlanTarget(plan=plan, position=position, metric=metric, kind=kind, value=float(value),
                                  comparison=">=", period_code=""))
    db.session.add(Campaign(commune_id=commune_id, code="ngay-8-3-2023", name="Kỷ niệm 8/3 năm 2023",
                            start_month=3, start_day=1, end_month=3, end_day=8, year=2023))
    db.session.add(Campaign(commune_id=commune_id, code="hoi-thi", name="Hội thi", start_month=9, start_day=5,
                            end_month=9, end_day=20, year=2023))
    db.session.commit()


def test_copy_last_year_preview_then_copies_every_target_and_campaign_once(app, admin_client, admin):
    """The preview saves nothing; confirming copies each 2023 target and campaign into 2024 once; again adds nothing."""
    with app.app_context():
        _plan_2023(admin)
    preview = admin_client.get(f"/communes/{admin}/copy-plan?year=2024")
    assert preview.status_code == 200 and "Kỷ niệm 8/3 năm 2024".encode() in preview.data
    assert "column".encode() not in preview.data.lower()
    with app.app_context():
        assert plan_for(admin, 2024) is None or not plan_for(admin, 2024).targets
    for _ in range(2):
        assert admin_client.post(f"/communes/{admin}/copy-plan", data={"year": "2024"}).status_code == 302
    with app.app_context():
        old, new = plan_for(admin, 2023), plan_for(admin, 2024)
        key = lambda t: (t.metric, t.kind, t.value, t.comparison)  # noqa: E731
        assert sorted(map(key, new.targets)) == sorted(map(key, old.targets)) and len(new.targets) == 3
        assert new.title == "Kế hoạch bình đẳng giới năm 2024"
        campaigns = {c.code: c for c in db.session.scalars(sa.select(Campaign).where(
            Campaign.commune_id == admin, Campaign.year == 2024))}
        assert set(campaigns) == {"ngay-8-3-2023", "hoi-thi"}
        assert campaigns["ngay-8-3-2023"].name == "Kỷ niệm 8/3 năm 2024"
        assert (campaigns["hoi-thi"].start_day, campaigns["hoi-thi"].end_day) == (5, 20)
        assert db.session.scalar(sa.select(sa.func.count(PlanYear.id)).where(PlanYear.unit_id == admin,
                                                                             PlanYear.year == 2024)) == 1
        # each year's report windows take that year's copy of an action month (editable on its own)
        campaigns["hoi-thi"].end_day = 25
        db.session.commit()
        assert periods.campaigns_for(admin, 2024)["hoi-thi"].end_day == 25
        assert periods.campaigns_for(admin, 2023)["hoi-thi"].end_day == 20
        copies = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "plan_copy")).all()
        assert len(copies) == 1 and copies[0].changes["targets"] == [0, 3]
    again = admin_client.get(f"/communes/{admin}/copy-plan?year=2024")
    assert "Không còn gì để sao chép".encode() in again.data
    form = admin_client.get("/entries/new/outreach").get_data(as_text=True)
    assert form.count('value="hoi-thi"') == 1


def test_campaign_form_bad_dates_save_nothing(app, admin_client, admin):
    """A day that does not exist, or no name: a specific Vietnamese error; a good one is added for that year."""
    bad = admin_client.post(f"/communes/{admin}/campaigns?year=2024", data={"name": "Đợt 1", "start": "31/02",
                                                                            "end": "15/03"})
    assert bad.status_code == 400 and "Hãy nhập ngày và tháng dạng ngày/tháng".encode() in bad.data
    nameless = admin_client.post(f"/communes/{admin}/campaigns?year=2024", data={"start": "01/03", "end": "08/03"})
    assert nameless.status_code == 400 and "Hãy nhập tên.".encode() in nameless.data
    with app.app_context():
        assert not db.session.scalar(sa.select(Campaign.id).where(Campaign.year == 2024))
    good = admin_client.post(f"/communes/{admin}/campaigns?year=2024", data={"name": "Đợt 1", "start": "1/3",
                                                                             "end": "8/3"})
    assert good.status_code == 302
    with app.app_context():
        row = db.session.scalar(sa.select(Campaign).where(Campaign.year == 2024))
        assert (row.name, row.start_day, row.start_month, row.end_day, row.end_month) == ("Đợt 1", 1, 3, 8, 3)
    page = admin_client.get(f"/communes/{admin}/campaigns?year=2025")
    assert "Đợt 1".encode() not in page.data
