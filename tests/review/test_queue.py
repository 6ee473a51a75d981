"""The review queue: what waits, filters, htmx partials, bulk approve with a confirmation, the entry page."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests import factories
from tests.review.helpers import entry_in
from webapp.entries.models import Entry
from webapp.extensions import db


@pytest.fixture
def reviewer(app, client, commune):
    """duyet, signed in."""
    client.post("/login", data={"username": "duyet", "password": "thanhxa-demo"})
    return client


def test_queue_lists_what_waits_for_me_newest_first(app, reviewer):
    """Submitted entries of my units, newest submission first; not approved, returned, own or elsewhere."""
    with app.app_context():
        older = entry_in("wu-branch", notes="cũ")
        newer = entry_in("wu-branch-2", notes="mới")
        newer.updated_at = older.updated_at + dt.timedelta(minutes=5)
        db.session.commit()
        hidden = [entry_in("wu-branch", status="approved").uuid, entry_in("wu-branch", status="returned").uuid,
                  entry_in("outside-wu").uuid, entry_in("wu-branch", author="duyet").uuid]
        older_uuid, newer_uuid = older.uuid, newer.uuid
    page = reviewer.get("/review/").get_data(as_text=True)
    assert page.index(f"review-{newer_uuid}") < page.index(f"review-{older_uuid}")
    assert not [uuid for uuid in hidden if uuid in page]
    assert '<span class="badge" id="review-count">2</span>' in page
    assert "2 hoạt động phù hợp" in page


def test_queue_filters_by_unit_village_kind_and_month(app, reviewer):
    """Each filter narrows the list; an htmx request gets the list alone."""
    with app.app_context():
        june = entry_in("wu-branch", date="2023-06-12")
        march = entry_in("wu-branch", kind="training", date="2023-03-08")
        other_village = entry_in("wu-branch-2", date="2023-06-20")
        thanh_xa = factories.unit("chi-hoi-pn-thon-thanh-xa").id
        le_xa_village = factories.village("thon-le-xa").id
        uuids = {"june": june.uuid, "march": march.uuid, "other": other_village.uuid}

    def shown(query: str) -> set[str]:
        """Which of the three the filtered queue shows."""
        text = reviewer.get(f"/review/?{query}").get_data(as_text=True)
        return {name for name, uuid in uuids.items() if f"review-{uuid}" in text}

    assert shown(f"unit_id={thanh_xa}") == {"june", "march"}
    assert shown(f"village_id={le_xa_village}") == {"other"}
    assert shown("kind=training") == {"march"}
    assert shown("month=2023-06") == {"june", "other"}
    assert shown("month=junk&kind=") == {"june", "march", "other"}
    partial = reviewer.get("/review/?kind=training", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and f"review-{uuids['march']}" in partial


def test_queue_is_for_reviewers_only(app, client, auth, commune):
    """Field staff get 403 and no menu link; the supervisor sees the link."""
    auth.login("canbo1")
    assert client.get("/review/").status_code == 403
    assert 'href="/review/"' not in client.get("/entries/").get_data(as_text=True)
    auth.logout()
    auth.login("duyet")
    assert 'href="/review/"' in client.get("/entries/").get_data(as_text=True)


def test_return_from_the_queue_with_htmx_keeps_what_was_typed_on_error(app, reviewer):
    """A return without a comment gives the row back with the error; with one, the row says it is done."""
    with app.app_context():
        entry_uuid = entry_in("wu-branch").uuid
    headers = {"HX-Request": "true"}
    error = reviewer.post(f"/review/{entry_uuid}", data={"action": "return", "revision": "1", "comment": ""},
                          headers=headers).get_data(as_text=True)
    assert "Bắt buộc khi trả lại" in error and "<details open>" in error
    done = reviewer.post(f"/review/{entry_uuid}", data={"action": "return", "revision": "1",
                                                        "comment": "Thiếu ảnh minh chứng."}, headers=headers)
    assert "Đã trả lại cho người nhập" in done.get_data(as_text=True)
    assert '<span class="badge" id="review-count" hx-swap-oob="true">0</span>' in done.get_data(as_text=True)


def test_bulk_approve_shows_the_count_then_approves_exactly_those(app, reviewer):
    """The confirmation lists the filtered selection with its count; the post approves those and skips changed ones."""
    with app.app_context():
        outreach = [entry_in("wu-branch").uuid for _ in range(3)]
        training = entry_in("wu-branch", kind="training").uuid
    confirm = reviewer.get("/review/bulk?kind=outreach").get_data(as_text=True)
    assert "Bạn sắp duyệt 3 hoạt động" in confirm and 'data-bulk-count="3"' in confirm
    assert training not in confirm
    queue = reviewer.get("/review/?kind=outreach").get_data(as_text=True)
    assert "Duyệt tất cả 3 hoạt động đang hiển thị" in queue and 'href="/review/bulk?kind=outreach"' in queue
    with app.app_context():  # the author saves one while the reviewer reads the confirmation
        changed = db.session.scalar(sa.select(Entry).where(Entry.uuid == outreach[0]))
        changed.revision = 2
        db.session.commit()
    picks = [f"{uuid}:1" for uuid in outreach]
    response = reviewer.post("/review/bulk", data={"pick": picks, "kind": "outreach"})
    assert response.status_code == 302 and response.headers["Location"] == "/review/?kind=outreach"
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã duyệt 2 hoạt động." in page and "1 hoạt động chưa được duyệt" in page
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Entry.uuid, Entry.status)).all())
    assert [statuses[uuid] for uuid in outreach] == ["submitted", "approved", "approved"]
    assert statuses[training] == "submitted"


def test_bulk_approve_never_approves_what_the_reviewer_may_not(app, reviewer):
    """Picks forged for an own entry, an entry elsewhere or a bad value are skipped."""
    with app.app_context():
        own = entry_in("wu-branch", author="duyet").uuid
        elsewhere = entry_in("outside-wu").uuid
    response = reviewer.post("/review/bulk", data={"pick": [f"{own}:1", f"{elsewhere}:1", "junk", "x:y"]})
    assert response.status_code == 302
    with app.app_context():
        assert set(db.session.scalars(sa.select(Entry.status))) == {"submitted"}


def test_entry_page_offers_review_to_the_reviewer_only(app, client, auth, commune):
    """duyet sees approve and return on the entry page; its author sees that it waits."""
    with app.app_context():
        entry_uuid = entry_in("wu-branch").uuid
    auth.login("canbo1")
    own = client.get(f"/entries/{entry_uuid}").get_data(as_text=True)
    assert "Đang chờ người duyệt xem xét." in own and "data-approve" not in own
    auth.logout()
    auth.login("duyet")
    page = client.get(f"/entries/{entry_uuid}").get_data(as_text=True)
    assert "data-approve" in page and "data-return" in page and 'name="revision" value="1"' in page
    done = client.post(f"/review/{entry_uuid}", data={"action": "approve", "revision": "1",
                                                      "next": f"/entries/{entry_uuid}"})
    assert done.status_code == 302 and done.headers["Location"] == f"/entries/{entry_uuid}"
    assert "data-approve" not in client.get(f"/entries/{entry_uuid}").get_data(as_text=True)
    unsafe = client.post(f"/review/{entry_in_app(app)}", data={"action": "approve", "revision": "1",
                                                                "next": "https://evil.example/"})
    assert unsafe.headers["Location"] == "/review/"


def entry_in_app(app) -> str:
    """A new waiting entry's UUID (made inside an app context)."""
    with app.app_context():
        return entry_in("wu-branch").uuid


def test_review_forms_need_the_csrf_token(app_settings, commune):
    """With CSRF on, as in production, a review form without its token is refused and nothing changes."""
    from webapp import create_app

    app_settings["WTF_CSRF_ENABLED"] = True
    app = create_app(app_settings)
    client = app.test_client()
    try:
        with app.app_context():
            entry_uuid = entry_in("wu-branch").uuid
        login_page = client.get("/login").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/login", data={"username": "duyet", "password": "thanhxa-demo", "csrf_token": token})
        assert client.get("/review/").status_code == 200
        assert client.post(f"/review/{entry_uuid}", data={"action": "approve", "revision": "1"}).status_code == 400
        with app.app_context():
            assert db.session.scalar(sa.select(Entry.status).where(Entry.uuid == entry_uuid)) == "submitted"
    finally:
        with app.app_context():
            db.engine.dispose()
