"""Closing a period: nothing dated inside it can be created, edited or reviewed until it is reopened."""
from __future__ import annotations

import uuid as uuidlib

import pytest
import sqlalchemy as sa

from tests import factories
from tests.review.helpers import bearer, entry_in
from webapp.entries import services as entry_services
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.kinds import get_kind
from webapp.periods.models import ClosedPeriod

PASSWORD = "thanhxa-demo"
FIRST_HALF = {"name": "6 tháng đầu năm 2023", "start": "2022-12-15", "end": "2023-06-14",
              "reason": "Đã gửi báo cáo 6 tháng lên huyện."}


def signed_in(app, username: str):
    """A test client signed in as ``username``."""
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    return client


def form_of(data: dict) -> dict:
    """API-shaped data as an HTML form sends it."""
    return {k: v if isinstance(v, list) else ("" if v is None else str(v)) for k, v in data.items()}


@pytest.fixture
def officer(app, commune):
    """tonghop, signed in."""
    return signed_in(app, "tonghop")


def close_first_half(officer) -> int:
    """Close the first half of 2023 through the page; return the period's id."""
    response = officer.post("/periods/", data=FIRST_HALF)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(sa.select(ClosedPeriod.id).where(ClosedPeriod.name == FIRST_HALF["name"]))


def test_officer_closes_a_period_and_it_is_audited(app, officer):
    """Name, dates and reason make a closed period; the trail records who, the period and why."""
    with app.app_context():
        period_id = close_first_half(officer)
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "lock"))
        assert event.entry_id is None and event.user.username == "tonghop"
        assert event.comment == FIRST_HALF["reason"]
        assert event.changes["period_id"] == period_id and event.changes["from"] == "2022-12-15"
    page = officer.get("/periods/").get_data(as_text=True)
    assert "6 tháng đầu năm 2023" in page and "15/12/2022 – 14/06/2023" in page and "Đã khóa sổ" in page


@pytest.mark.parametrize("field, value, message", [
    ("reason", "  ", "Hãy nêu lý do."),
    ("name", "", "Hãy đặt tên cho kỳ"),
    ("end", "2022-01-01", "Ngày kết thúc không được trước ngày bắt đầu."),
    ("start", "15/12/2022", "Phải là ngày hợp lệ"),
])
def test_close_needs_a_name_valid_dates_and_a_reason(app, officer, field, value, message):
    """Bad input: 400, the message next to the field, what was typed kept, nothing saved."""
    response = officer.post("/periods/", data={**FIRST_HALF, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    if field != "name":
        assert 'value="6 tháng đầu năm 2023"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClosedPeriod)) == 0


def test_overlapping_closed_periods_are_refused(app, officer):
    """A second closed period overlapping the first is refused."""
    with app.app_context():
        close_first_half(officer)
    overlap = officer.post("/periods/", data={**FIRST_HALF, "name": "Quý II", "start": "2023-04-01",
                                              "end": "2023-06-30"})
    assert overlap.status_code == 400 and "Trùng với kỳ đã khóa sổ" in overlap.get_data(as_text=True)


def test_only_officers_manage_periods(app, commune):
    """A supervisor or field staff member cannot see or close periods."""
    for username in ("duyet", "canbo1"):
        client = signed_in(app, username)
        assert client.get("/periods/").status_code == 403
        assert client.post("/periods/", data=FIRST_HALF).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClosedPeriod)) == 0


def test_closed_period_refuses_create_edit_and_review_and_reopen_allows_again(app, client, officer):
    """Inside the closed period: the form, the sync validation, edits and reviews say no; after reopen, yes."""
    author, reviewer = signed_in(app, "canbo1"), signed_in(app, "duyet")
    with app.app_context():
        inside = entry_in("wu-branch", date="2023-03-08")
        outside = entry_in("wu-branch", date="2023-07-01")
        inside_uuid, inside_data, outside_uuid = inside.uuid, form_of(inside.to_data()), outside.uuid
        new_data = factories.entry_data("outreach", date="2023-05-20")
        period_id = close_first_half(officer)
        phone = bearer("canbo1")
        reviewer_token = bearer("duyet")

    # Create through the form: refused with the message on the date, nothing saved.
    refused = author.post("/entries/new/outreach", data={**form_of(new_data), "uuid": str(uuidlib.uuid4())})
    assert refused.status_code == 400 and "thuộc kỳ đã khóa sổ 6 tháng đầu năm 2023" in refused.get_data(as_text=True)
    # The validation the sync API shares: the error is on "date".
    with app.app_context():
        ctx = entry_services.validation_context(factories.user("canbo1"), strict_types=True)
        _clean, errors = get_kind("outreach").validate(new_data, ctx)
        assert set(errors) == {"date"}
        _clean, errors = get_kind("outreach").validate({**new_data, "date": "2023-06-15"}, ctx)
        assert errors == {}
    synced = client.post("/api/v1/sync", headers=phone, json={"entries": [
        {"uuid": str(uuidlib.uuid4()), "kind": "outreach", "base_revision": None, "data": new_data}]}).get_json()
    assert synced["results"][0]["status"] == "rejected" and "date" in synced["results"][0]["errors"]

    # Edit: the entry inside is locked; moving an open entry into the period is refused.
    assert author.get(f"/entries/{inside_uuid}/edit").status_code == 403
    assert author.post(f"/entries/{inside_uuid}/edit", data={**inside_data, "revision": "1"}).status_code == 403
    moved = author.post(f"/entries/{outside_uuid}/edit", data={**inside_data, "revision": "1"})
    assert moved.status_code == 400 and "kỳ đã khóa sổ" in moved.get_data(as_text=True)
    conflict = client.post("/api/v1/sync", headers=phone, json={"entries": [
        {"uuid": inside_uuid, "kind": "outreach", "base_revision": 1,
         "data": {**new_data, "date": "2023-03-08", "participants_male": 1}}]}).get_json()
    assert conflict["results"][0]["status"] == "conflict"

    # Review: refused with 409 "locked"; the queue shows why and offers no buttons; bulk leaves it out.
    locked = client.post(f"/api/v1/entries/{inside_uuid}/review", headers=reviewer_token,
                         json={"action": "approve", "revision": 1})
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "locked"
    queue = reviewer.get("/review/").get_data(as_text=True)
    row = queue[queue.index(f"review-{inside_uuid}"):]
    assert row.index("Thuộc kỳ đã khóa sổ") < row.index("</li>") and "data-approve" not in row[:row.index("</li>")]
    assert inside_uuid not in reviewer.get("/review/bulk").get_data(as_text=True)

    # Reopen (a reason is required), then everything works again.
    no_reason = officer.post(f"/periods/{period_id}/reopen", data={"reason": ""})
    assert no_reason.status_code == 400 and "Hãy nêu lý do." in no_reason.get_data(as_text=True)
    assert officer.post(f"/periods/{period_id}/reopen", data={"reason": "Bổ sung số liệu quý II."}).status_code == 302
    edited = author.post(f"/entries/{inside_uuid}/edit", data={**inside_data, "participants_male": "20",
                                                               "revision": "1"})
    assert edited.status_code == 302
    created = author.post("/entries/new/outreach", data={**form_of(new_data), "uuid": str(uuidlib.uuid4())})
    assert created.status_code == 302
    approved = client.post(f"/api/v1/entries/{inside_uuid}/review", headers=reviewer_token,
                           json={"action": "approve", "revision": 2})
    assert approved.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 3
        actions = list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entry_id.is_(None))
                                          .order_by(AuditEvent.id)))
        assert actions == ["lock", "reopen"]
        reopen = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reopen"))
        assert reopen.comment == "Bổ sung số liệu quý II." and reopen.user.username == "tonghop"


def test_a_reopened_period_can_be_closed_again(app, officer):
    """Close again needs a reason too and is audited as a lock."""
    with app.app_context():
        period_id = close_first_half(officer)
    officer.post(f"/periods/{period_id}/reopen", data={"reason": "Sửa số liệu."})
    assert officer.post(f"/periods/{period_id}/close", data={"reason": ""}).status_code == 400
    assert officer.post(f"/periods/{period_id}/close", data={"reason": "Đã sửa xong."}).status_code == 302
    with app.app_context():
        assert db.session.get(ClosedPeriod, period_id).closed is True
        actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["lock", "reopen", "lock"]


def test_periods_of_another_commune_are_not_found(app, officer):
    """An officer of another commune cannot reopen Thanh Xá's period."""
    from tests.review.helpers import add_other_commune

    with app.app_context():
        period_id = close_first_half(officer)
        add_other_commune()
        factories.user("tonghop-ab").set_password(PASSWORD)
        db.session.commit()
    stranger = signed_in(app, "tonghop-ab")
    assert stranger.post(f"/periods/{period_id}/reopen", data={"reason": "Thử."}).status_code == 404
    assert "15/12/2022 – 14/06/2023" not in stranger.get("/periods/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ClosedPeriod, period_id).closed is True
