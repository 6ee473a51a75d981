"""What is sent to whom and when: the outbox, grouping, reminders, the bell and the list."""
from __future__ import annotations

import datetime as dt
import re
import uuid as uuidlib

import sqlalchemy as sa

from tests import factories
from tests.push.test_delivery import subscribe
from tests.review.helpers import bearer, entry_in
from webapp.auth.models import RoleAssignment, utcnow
from webapp.entries import services as entry_services
from webapp.extensions import db
from webapp.kinds import get_kind
from webapp.push import notify
from webapp.push.models import Notification
from webapp.push.reminders import enqueue_reminders
from webapp.push.sender import payload_bytes
from webapp.units.models import Unit


def notes(username: str | None = None, topic: str | None = None) -> list[Notification]:
    """Notifications (of a person, of a topic), oldest first."""
    query = sa.select(Notification).order_by(Notification.id)
    if username:
        query = query.where(Notification.user_id == factories.user(username).id)
    if topic:
        query = query.where(Notification.topic == topic)
    db.session.expire_all()
    return list(db.session.scalars(query))


UNCOUNTED = "Có hoạt động mới chờ duyệt"  # what a write says before the worker counts the queue


def counted(note: Notification) -> str:
    """The title the worker sends (and the list shows) for a pending "waiting" message: the queue now."""
    notify.compose(note)
    return note.title


def review(client, app, entry_uuid: str, action: str, revision: int = 1, comment: str = "Cần bổ sung.") -> None:
    """duyet reviews through the API."""
    with app.app_context():
        headers = bearer("duyet")
    response = client.post(f"/api/v1/entries/{entry_uuid}/review", headers=headers,
                           json={"action": action, "revision": revision, "comment": comment})
    assert response.status_code == 200, response.get_json()


def test_the_notification_is_written_in_the_events_transaction(app, commune):
    """A rolled-back entry leaves no notification; a committed one leaves one for the supervisor."""
    with app.app_context():
        author = factories.user("canbo1")
        ctx = entry_services.validation_context(author, strict_types=True)
        clean, _errors = get_kind("outreach").validate(factories.entry_data(), ctx)
        entry_services.create_entry(author, str(uuidlib.uuid4()), get_kind("outreach"), clean)
        db.session.rollback()
        assert notes() == []
        entry_services.create_entry(author, str(uuidlib.uuid4()), get_kind("outreach"), clean)
        db.session.commit()
        [note] = notes()
        assert (note.user.username, note.topic, note.state) == ("duyet", "review_waiting", "pending")
        assert note.due_at <= utcnow() and note.title == UNCOUNTED and note.url == "/review/"
        assert counted(note) == "1 hoạt động chờ duyệt"


def test_waiting_entries_make_one_grouped_notification_for_their_reviewer(app, commune):
    """Three entries: one pending message for duyet; an entry of a unit without supervisor goes to the officer."""
    with app.app_context():
        for _ in range(3):
            entry_in("wu-branch")
        assert [(n.user.username, counted(n)) for n in notes(topic="review_waiting")] == [
            ("duyet", "3 hoạt động chờ duyệt")]
        entry_in("outside-wu")
        assert sorted(n.user.username for n in notes(topic="review_waiting")) == ["duyet", "tonghop"]
        assert len(notes("tonghop", "review_waiting")) == 1


def test_a_supervisors_own_entry_goes_to_the_officer(app, commune):
    """Nobody reviews their own entry: when the only supervisor logs one, the officer hears of it."""
    with app.app_context():
        factories.make_entry("duyet", unit_code="chi-hoi-pn-thon-thanh-xa", village_code="thon-thanh-xa")
        assert [(n.user.username, counted(n)) for n in notes(topic="review_waiting")] == [
            ("tonghop", "1 hoạt động chờ duyệt")]


def test_reviewers_get_at_most_one_push_an_hour_with_the_count_when_sent(app, client, runner, commune, push_service):
    """First push at once; the next waits an hour; its count is recomputed at sending time."""
    keys = subscribe(app, app.test_client(), "duyet", push_service.endpoint("duyet"))
    with app.app_context():
        first = [entry_in("wu-branch").uuid for _ in range(2)]
    runner.invoke(args=["push-worker", "--once"])
    assert keys.decrypt(push_service.arrivals[0].body)["title"] == "2 hoạt động chờ duyệt"
    with app.app_context():
        later = [entry_in("wu-branch-2").uuid for _ in range(3)]
        [pending] = [n for n in notes("duyet", "review_waiting") if n.state == "pending"]
        sent = [n for n in notes("duyet", "review_waiting") if n.state == "sent"][0]
        assert pending.due_at >= sent.dispatched_at + dt.timedelta(minutes=60)
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 1  # not before the hour is up
    review(client, app, first[0], "approve")
    review(client, app, later[0], "return")
    with app.app_context():  # an hour passes
        pending = [n for n in notes("duyet", "review_waiting") if n.state == "pending"][0]
        pending.due_at = utcnow()
        db.session.commit()
    runner.invoke(args=["push-worker", "--once"])
    payload = keys.decrypt(push_service.arrivals[1].body)
    assert payload["title"] == "3 hoạt động chờ duyệt" and payload["url"] == "/review/"
    assert push_service.arrivals[1].headers["urgency"] == "normal"
    assert push_service.arrivals[1].headers["topic"] == "review-waiting"


def test_nothing_is_pushed_when_nothing_waits_any_more(app, client, runner, commune, push_service):
    """If the entries were reviewed before the message was due, no push is sent and it leaves the list."""
    subscribe(app, app.test_client(), "duyet", push_service.endpoint("duyet"))
    with app.app_context():
        entry_uuid = entry_in("wu-branch").uuid
    review(client, app, entry_uuid, "approve")
    runner.invoke(args=["push-worker", "--once"])
    assert push_service.arrivals == []
    with app.app_context():
        assert [n.state for n in notes("duyet", "review_waiting")] == ["skipped"]


def test_returns_are_grouped_and_fixed_ones_dropped(app, client, runner, commune, push_service):
    """Two returns before the worker runs: one push for both, to the list of returned entries."""
    keys = subscribe(app, app.test_client(), "canbo1", push_service.endpoint("canbo1"))
    with app.app_context():
        one, two, three = (entry_in("wu-branch").uuid for _ in range(3))
    review(client, app, one, "return")
    review(client, app, two, "return")
    runner.invoke(args=["push-worker", "--once"])
    payload = keys.decrypt(push_service.arrivals[0].body)
    assert payload["title"] == "2 hoạt động bị trả lại" and payload["url"] == "/entries/?status=returned"
    review(client, app, three, "return")
    with app.app_context():
        pending = [n for n in notes("canbo1", "returned") if n.state == "pending"][0]
        assert pending.due_at > utcnow() + dt.timedelta(minutes=9)  # grouped for a few minutes
        pending.due_at = utcnow()
        entry = db.session.scalar(sa.select(entry_services.Entry).where(entry_services.Entry.uuid == three))
        ctx = entry_services.validation_context(factories.user("canbo1"), strict_types=True)
        clean, _ = get_kind("outreach").validate({**entry.to_data(), "participants_male": 3}, ctx)
        entry_services.update_entry(factories.user("canbo1"), entry, clean)  # fixed before the push
        db.session.commit()
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 1


def test_approvals_come_in_a_daily_digest(app, client, commune):
    """An approval is announced at the next 17:00 in Vietnam, together with the day's others."""
    with app.app_context():
        one, two = entry_in("wu-branch").uuid, entry_in("wu-branch").uuid
    review(client, app, one, "approve")
    review(client, app, two, "approve")
    with app.app_context():
        [digest] = notes("canbo1", "approved")
        local = digest.due_at.replace(tzinfo=dt.timezone.utc).astimezone(dt.timezone(dt.timedelta(hours=7)))
        assert (local.hour, local.minute) == (17, 0)
        assert utcnow() < digest.due_at <= utcnow() + dt.timedelta(hours=24)
        assert digest.title == "2 hoạt động của bạn đã được duyệt" and digest.urgency == "low"


def test_reminders_before_campaigns_and_deadlines_are_enqueued_once(app, runner, commune):
    """A week before the June action month and the half-year deadline, everyone in the commune hears once."""
    with app.app_context():
        people = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(RoleAssignment.user_id))).join(Unit, RoleAssignment.unit_id == Unit.id)
            .where(Unit.commune_id == commune))
        added = enqueue_reminders(dt.datetime(2023, 5, 27, 1, 0))
        db.session.commit()
        assert added == people
        assert enqueue_reminders(dt.datetime(2023, 5, 28, 1, 0)) == 0
        [mine] = notes("canbo1", "reminder")
        assert mine.title.startswith("Sắp đến: Tháng hành động phòng, chống bạo lực gia đình")
        assert mine.body == "Bắt đầu từ ngày 01/06/2023. Hãy lên kế hoạch hoạt động của đơn vị."
        enqueue_reminders(dt.datetime(2023, 6, 8, 1, 0))
        db.session.commit()
        titles = [n.title for n in notes("duyet", "reminder")]
        assert titles[-1] == "Hạn báo cáo: Sáu tháng đầu năm 2023" and len(titles) == 2
        assert notes("duyet", "reminder")[-1].body.startswith("Hạn ngày 14/06/2023.")
    result = runner.invoke(args=["push-reminders"])
    assert result.exit_code == 0 and "reminders enqueued" in result.output


def test_payload_is_cut_to_three_kilobytes(app, commune):
    """Whatever the texts, the JSON pushed is at most 3072 bytes."""
    with app.app_context():
        note = Notification(user_id=factories.user("canbo1").id, topic="reminder", title="Sắp đến hạn",
                            body="Báo cáo " * 400, url="/entries/")
        data = payload_bytes(note)
        assert len(data) <= 3072 and data.startswith(b'{"title": "S')


def test_bell_counts_unread_and_the_list_marks_read(app, client, auth, commune):
    """The bell shows the number of unread messages; the list shows them and marks them read."""
    with app.app_context():
        entry_in("wu-branch")
        entry_in("outside-wu")
    auth.login("tonghop")
    page = client.get("/entries/").get_data(as_text=True)
    assert '<span class="badge" data-unread-count >1</span>' in page
    listing = client.get("/notifications/").get_data(as_text=True)
    # The officer hears of the unit without a supervisor; the count is their whole queue (both entries).
    assert "2 hoạt động chờ duyệt" in listing and "Chưa đọc" in listing and 'href="/review/"' in listing
    with app.app_context():
        note_id = notes("tonghop")[0].id
    assert client.post("/notifications/read", data={"id": str(note_id)}).status_code == 302
    assert '<span class="badge" data-unread-count hidden>0</span>' in client.get("/entries/").get_data(as_text=True)
    auth.logout()
    auth.login("duyet")
    assert "data-unread-count >1<" in client.get("/entries/").get_data(as_text=True)
    client.post("/notifications/read", data={"id": str(note_id)})  # someone else's: nothing happens
    assert "data-unread-count >1<" in client.get("/entries/").get_data(as_text=True)
    client.post("/notifications/read", data={})
    assert "data-unread-count hidden>0<" in client.get("/entries/").get_data(as_text=True)


def test_profile_offers_to_turn_notifications_on(app, client, auth, commune):
    """The profile has the "Bật thông báo" control, wired to the key and subscriptions endpoints."""
    auth.login("duyet")
    page = client.get("/profile").get_data(as_text=True)
    assert "Bật thông báo" in page and "Tắt thông báo" in page and "data-push-enable" in page
    assert 'data-key-url="/api/v1/push/key"' in page and re.search(r'src="/static/dist/main\.[0-9a-f]{12}\.js"', page)
    assert "Đang bật trên 0 thiết bị của bạn." in page


def test_the_waiting_message_follows_the_queue(app, client, commune):
    """Reviewing entries updates the pending message's number; an empty queue removes it from the list."""
    with app.app_context():
        one, two = entry_in("wu-branch").uuid, entry_in("wu-branch").uuid
        assert [n.title for n in notes("duyet", "review_waiting")] == [UNCOUNTED]
    review(client, app, one, "approve")
    with app.app_context():
        assert [(n.title, n.state) for n in notes("duyet", "review_waiting")] == [("1 hoạt động chờ duyệt", "pending")]
    review(client, app, two, "return")
    with app.app_context():
        [note] = notes("duyet", "review_waiting")
        assert note.state == "skipped" and note.read_at is not None
    client.post("/login", data={"username": "duyet", "password": "thanhxa-demo"})
    assert "hoạt động chờ duyệt" not in client.get("/notifications/").get_data(as_text=True)


def test_a_sync_batch_makes_one_message_per_reviewer(app, client, commune):
    """Forty entries synced at once: one pending message for duyet, with the batch's number."""
    with app.app_context():
        headers = bearer("canbo1")
        batch = [{"uuid": str(uuidlib.uuid4()), "kind": "outreach", "base_revision": None,
                  "data": factories.entry_data()} for _ in range(40)]
    results = client.post("/api/v1/sync", headers=headers, json={"entries": batch}).get_json()["results"]
    assert {r["status"] for r in results} == {"created"}
    with app.app_context():
        assert [(n.user.username, n.title) for n in notes(topic="review_waiting")] == [("duyet", UNCOUNTED)]
        assert counted(notes(topic="review_waiting")[0]) == "40 hoạt động chờ duyệt"


def test_an_entry_rolled_back_in_a_savepoint_announces_nothing(app, commune):
    """Only what the transaction keeps is announced (a sync entry undone in its savepoint is not)."""
    with app.app_context():
        author = factories.user("canbo1")
        ctx = entry_services.validation_context(author, strict_types=True)
        clean, _errors = get_kind("outreach").validate(factories.entry_data(), ctx)
        savepoint = db.session.begin_nested()
        entry_services.create_entry(author, str(uuidlib.uuid4()), get_kind("outreach"), clean)
        savepoint.rollback()
        db.session.commit()
        assert notes() == []
