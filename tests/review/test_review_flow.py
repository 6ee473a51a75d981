"""The loop end to end: log → return → fix → resubmit → approve, through the pages and through the API."""
from __future__ import annotations

import uuid as uuidlib

import sqlalchemy as sa

from tests import factories
from tests.review.helpers import audit_actions, bearer
from webapp.entries.models import Entry
from webapp.extensions import db

PASSWORD = "thanhxa-demo"


def form_of(data: dict) -> dict:
    """API-shaped data as an HTML form sends it (text, lists for multi-choice)."""
    return {key: value if isinstance(value, list) else ("" if value is None else str(value))
            for key, value in data.items()}


def entry_by_uuid(entry_uuid: str) -> Entry:
    """The stored entry (fresh from the database)."""
    db.session.expire_all()
    return db.session.scalar(sa.select(Entry).where(Entry.uuid == entry_uuid))


def test_return_fix_resubmit_approve_through_the_pages(app, commune):
    """canbo1 logs, duyet returns (comment required), canbo1 fixes, duyet approves with htmx, tonghop counts it."""
    canbo1, duyet, tonghop = app.test_client(), app.test_client(), app.test_client()
    for browser, name in ((canbo1, "canbo1"), (duyet, "duyet"), (tonghop, "tonghop")):
        browser.post("/login", data={"username": name, "password": PASSWORD})
    entry_uuid = str(uuidlib.uuid4())
    with app.app_context():
        data = form_of(factories.entry_data("outreach", participants_female=25))
    assert canbo1.post("/entries/new/outreach", data={**data, "uuid": entry_uuid}).status_code == 302

    queue = duyet.get("/review/").get_data(as_text=True)
    assert f'id="review-{entry_uuid}"' in queue and "Chờ duyệt" in queue

    no_comment = duyet.post(f"/review/{entry_uuid}", data={"action": "return", "revision": "1", "comment": " "})
    assert no_comment.status_code == 400
    assert "Bắt buộc khi trả lại" in no_comment.get_data(as_text=True)
    with app.app_context():
        assert entry_by_uuid(entry_uuid).status == "submitted"

    returned = duyet.post(f"/review/{entry_uuid}", data={
        "action": "return", "revision": "1", "comment": "Ghi rõ số phụ nữ tham gia.", "next": "/review/"})
    assert returned.status_code == 302 and returned.headers["Location"] == "/review/"
    assert "Đã trả lại cho người nhập" in duyet.get("/review/").get_data(as_text=True)

    page = canbo1.get(f"/entries/{entry_uuid}").get_data(as_text=True)
    assert "Ghi rõ số phụ nữ tham gia." in page and f"/entries/{entry_uuid}/edit" in page
    fixed = canbo1.post(f"/entries/{entry_uuid}/edit", data={**data, "participants_female": "31", "revision": "2"})
    assert fixed.status_code == 302
    with app.app_context():
        entry = entry_by_uuid(entry_uuid)
        assert (entry.status, entry.revision, entry.participants_female) == ("submitted", 3, 31)

    assert f'id="review-{entry_uuid}"' in duyet.get("/review/").get_data(as_text=True)
    totals_url = "/api/v1/reports/totals?from=2023-06-01&to=2023-06-30&group_by=kind"
    assert tonghop.get(totals_url).get_json()["totals"]["entries"] == 0  # only approved entries count
    approved = duyet.post(f"/review/{entry_uuid}", data={"action": "approve", "revision": "3"},
                          headers={"HX-Request": "true"})
    fragment = approved.get_data(as_text=True)
    assert approved.status_code == 200 and fragment.lstrip().startswith("<li")
    assert "Đã duyệt: Tuyên truyền" in fragment and 'id="review-count" hx-swap-oob="true"' in fragment
    assert "<html" not in fragment

    with app.app_context():
        entry = entry_by_uuid(entry_uuid)
        assert (entry.status, entry.revision) == ("approved", 4)
        assert audit_actions(entry.id) == ["create", "return", "resubmit", "edit", "approve"]
    assert canbo1.get(f"/entries/{entry_uuid}/edit").status_code == 403
    assert f"/entries/{entry_uuid}" in tonghop.get("/entries/?status=approved").get_data(as_text=True)
    counted = tonghop.get(totals_url).get_json()
    assert counted["totals"]["entries"] == 1 and counted["totals"]["participants_female"] == 31
    assert [row["kind"] for row in counted["rows"]] == ["outreach"]


def test_return_fix_resubmit_approve_through_the_api(app, client, commune):
    """The same loop as a phone and a reviewer's script see it: sync, review, read back."""
    with app.app_context():
        data = factories.entry_data("training")
    phone = client.post("/api/v1/tokens", json={"username": "canbo1", "password": PASSWORD,
                                                "device_name": "Điện thoại chị Hoa"}).get_json()["token"]
    reviewer = client.post("/api/v1/tokens", json={"username": "duyet", "password": PASSWORD,
                                                   "device_name": "Máy tính bảng"}).get_json()["token"]
    as_phone = {"Authorization": f"Bearer {phone}"}
    as_reviewer = {"Authorization": f"Bearer {reviewer}"}
    entry_uuid = str(uuidlib.uuid4())
    created = client.post("/api/v1/sync", headers=as_phone, json={"entries": [
        {"uuid": entry_uuid, "kind": "training", "base_revision": None, "data": data}]}).get_json()
    assert created["results"][0]["status"] == "created"
    cursor = client.get("/api/v1/entries", headers=as_phone).get_json()["cursor"]

    review_url = f"/api/v1/entries/{entry_uuid}/review"
    missing = client.post(review_url, headers=as_reviewer, json={"action": "return", "revision": 1})
    assert missing.status_code == 400 and "comment" in missing.get_json()["error"]["fields"]
    returned = client.post(review_url, headers=as_reviewer,
                           json={"action": "return", "comment": "Thiếu tên lớp tập huấn đầy đủ.", "revision": 1})
    assert returned.status_code == 200 and returned.get_json() == {"status": "returned", "revision": 2}

    pulled = client.get(f"/api/v1/entries?updated_since={cursor}", headers=as_phone).get_json()["entries"]
    assert [(e["uuid"], e["status"], e["revision"], e["review_comment"]) for e in pulled] == [
        (entry_uuid, "returned", 2, "Thiếu tên lớp tập huấn đầy đủ.")]

    fixed = client.post("/api/v1/sync", headers=as_phone, json={"entries": [
        {"uuid": entry_uuid, "kind": "training", "base_revision": 2,
         "data": {**data, "course_name": "Lồng ghép giới trong xây dựng kế hoạch"}}]}).get_json()
    assert fixed["results"][0]["status"] == "updated" and fixed["results"][0]["revision"] == 3

    stale = client.post(review_url, headers=as_reviewer, json={"action": "approve", "revision": 2})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale"
    assert stale.get_json()["error"]["current"]["revision"] == 3
    assert stale.get_json()["error"]["current"]["data"]["course_name"] == "Lồng ghép giới trong xây dựng kế hoạch"

    approved = client.post(review_url, headers=as_reviewer, json={"action": "approve", "revision": 3})
    assert approved.status_code == 200 and approved.get_json() == {"status": "approved", "revision": 4}
    later = client.post("/api/v1/sync", headers=as_phone, json={"entries": [
        {"uuid": entry_uuid, "kind": "training", "base_revision": 4, "data": {**data, "days": 3}}]}).get_json()
    assert later["results"][0]["status"] == "conflict"
    with app.app_context():
        entry = entry_by_uuid(entry_uuid)
        assert (entry.status, entry.revision) == ("approved", 4)
        trail = audit_actions(entry.id)
        assert trail == ["create", "return", "resubmit", "edit", "approve"]
        assert factories.user("duyet") is not None


def test_review_audit_names_the_device_of_the_token(app, client, commune):
    """A review through the API records who reviewed and from which device."""
    from webapp.entries.models import AuditEvent

    with app.app_context():
        entry_uuid = factories.make_entry("canbo1").uuid
        headers = bearer("duyet", device="Máy tính bảng Hội LHPN")
    client.post(f"/api/v1/entries/{entry_uuid}/review", headers=headers, json={"action": "approve", "revision": 1})
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "approve"))
        assert event.device == "Máy tính bảng Hội LHPN" and event.user.username == "duyet"
        assert event.changes == {"status": ["submitted", "approved"]}


def test_stale_review_from_a_page_is_refused_with_the_current_version(app, commune):
    """A reviewer whose page is older than the author's last save gets 409 and a link to the current version."""
    author, reviewer = app.test_client(), app.test_client()
    author.post("/login", data={"username": "canbo1", "password": PASSWORD})
    reviewer.post("/login", data={"username": "duyet", "password": PASSWORD})
    with app.app_context():
        entry = factories.make_entry("canbo1")
        entry_uuid, data = entry.uuid, form_of(entry.to_data())
    assert author.post(f"/entries/{entry_uuid}/edit", data={**data, "participants_male": "40",
                                                            "revision": "1"}).status_code == 302
    refused = reviewer.post(f"/review/{entry_uuid}", data={"action": "approve", "revision": "1"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Hoạt động đã được sửa sau khi bạn mở ra" in page and 'name="revision" value="2"' in page
    fragment = reviewer.post(f"/review/{entry_uuid}", data={"action": "approve", "revision": "1"},
                             headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "Hoạt động đã được sửa sau khi bạn mở ra" in fragment.get_data(as_text=True)
    with app.app_context():
        assert (entry_by_uuid(entry_uuid).status, entry_by_uuid(entry_uuid).revision) == ("submitted", 2)


def test_review_api_rejects_bad_bodies(app, client, commune):
    """Not JSON, an unknown action or a missing revision: 400 with the field, nothing changed."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1").uuid
        headers = bearer("duyet")
    url = f"/api/v1/entries/{entry_uuid}/review"
    assert client.post(url, headers=headers, data="approve").status_code == 400
    unknown = client.post(url, headers=headers, json={"action": "accept", "revision": 1})
    assert unknown.status_code == 400 and "action" in unknown.get_json()["error"]["fields"]
    no_revision = client.post(url, headers=headers, json={"action": "approve"})
    assert no_revision.status_code == 400 and "revision" in no_revision.get_json()["error"]["fields"]
    phone = client.post(url, headers=headers, json={"action": "return", "revision": 1,
                                                    "comment": "Gọi 0912345678 để hỏi"})
    assert phone.status_code == 400 and "comment" in phone.get_json()["error"]["fields"]
    english = client.post(url, headers={**headers, "Accept-Language": "en"}, json={"action": "return", "revision": 1})
    assert english.get_json()["error"]["fields"]["comment"] == "Required when returning."
    assert client.post("/api/v1/entries/not-a-uuid/review", headers=headers,
                       json={"action": "approve", "revision": 1}).status_code == 404
    assert client.post(url, json={"action": "approve", "revision": 1}).status_code == 401
    with app.app_context():
        assert entry_by_uuid(entry_uuid).status == "submitted"


def test_cookie_review_needs_the_client_header(app, client, auth, commune):
    """The browser app reviews with its cookie only with X-Binhdang-Client (no cross-site posts)."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1").uuid
    auth.login("duyet")
    url = f"/api/v1/entries/{entry_uuid}/review"
    assert client.post(url, json={"action": "approve", "revision": 1}).status_code == 403
    ok = client.post(url, json={"action": "approve", "revision": 1}, headers={"X-Binhdang-Client": "1"})
    assert ok.status_code == 200
