"""The officer's audit page: every event of the commune, filterable, paginated, read-only."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests import factories
from tests.review.helpers import add_other_commune, entry_in
from webapp.entries import services as entry_services
from webapp.entries.models import AuditEvent
from webapp.extensions import db


@pytest.fixture
def officer(app, client, commune):
    """tonghop, signed in, with a few events in Thanh Xá and one in another commune."""
    with app.app_context():
        add_other_commune()
        outreach = entry_in("wu-branch")
        training = entry_in("wu-branch-2", kind="training")
        entry_services.record(outreach, factories.user("duyet"), "approve", {"status": ["submitted", "approved"]},
                              device="web")
        elsewhere = entry_in("other-commune")
        old = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entry_id == training.id))
        old.at = dt.datetime(2023, 3, 1, 2, 0)  # 09:00 in Vietnam
        db.session.commit()
        client.ids = {"outreach": outreach.uuid, "training": training.uuid, "elsewhere": elsewhere.uuid,
                      "duyet": factories.user("duyet").id}
    client.post("/login", data={"username": "tonghop", "password": "thanhxa-demo"})
    return client


def shown(client, query: str = "") -> set[str]:
    """Which of the fixture's entries the audit page (with ``query``) links to."""
    page = client.get(f"/audit/?{query}").get_data(as_text=True)
    return {name for name in ("outreach", "training", "elsewhere") if f"/entries/{client.ids[name]}" in page}


def test_officer_sees_the_communes_events_only(officer):
    """Events of Thanh Xá's entries are listed; another commune's are not."""
    assert shown(officer) == {"outreach", "training"}
    page = officer.get("/audit/").get_data(as_text=True)
    assert "3 sự kiện" in page and "Phạm Thị Thu" in page


def test_filters_by_person_action_dates_and_kind(officer):
    """Each filter narrows the events; dates are the commune's days, both included."""
    assert shown(officer, f"user_id={officer.ids['duyet']}") == {"outreach"}
    assert shown(officer, "action=approve") == {"outreach"}
    assert shown(officer, "kind=training") == {"training"}
    assert shown(officer, "from=2023-03-01&to=2023-03-01") == {"training"}
    assert shown(officer, "to=2023-02-28") == set()
    assert shown(officer, "action=junk&from=nope") == {"outreach", "training"}
    partial = officer.get("/audit/?kind=training", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and officer.ids["training"] in partial


def test_period_events_are_listed_with_their_reason(app, officer):
    """Closing a period shows as "Khóa sổ kỳ" with its dates and reason."""
    officer.post("/periods/", data={"name": "Quý I/2023", "start": "2023-01-01", "end": "2023-03-31",
                                    "reason": "Đã báo cáo quý I."})
    page = officer.get("/audit/?action=lock").get_data(as_text=True)
    assert "Khóa sổ kỳ" in page and "Quý I/2023 (01/01/2023 – 31/03/2023)" in page and "Đã báo cáo quý I." in page


def test_pages_of_fifty(app, officer):
    """More than 50 events are split into pages."""
    with app.app_context():
        entry = entry_in("wu-branch")
        for number in range(55):
            entry_services.record(entry, factories.user("canbo1"), "edit", {"notes": ["", str(number)]})
        db.session.commit()
    first = officer.get("/audit/").get_data(as_text=True)
    assert "1 / 2" in first and "59 sự kiện" in first
    assert "2 / 2" in officer.get("/audit/?page=2").get_data(as_text=True)


def test_the_trail_is_read_only_and_for_officers(app, officer, commune):
    """No way to change or delete events; supervisors and field staff are refused."""
    assert officer.post("/audit/").status_code == 405
    assert officer.delete("/audit/").status_code == 405
    for username in ("duyet", "canbo1"):
        other = app.test_client()
        other.post("/login", data={"username": username, "password": "thanhxa-demo"})
        assert other.get("/audit/").status_code == 403
