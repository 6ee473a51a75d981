"""Issue 11 §5: an old "N hoạt động chờ duyệt" is not left on the phone. When the supervisor has
reviewed everything, the worker pushes a "clear" with the same tag (and the same Topic, so a push
service that still holds the old message replaces it); the in-app list never shows it, and the
notifications page counts what waits now."""
from tests.push.test_delivery import subscribe
from tests.push.test_notifications import notes
from tests.review.helpers import bearer, entry_in


def review(app, client, entry_uuid: str, action: str = "approve") -> None:
    """duyet approves (or returns) the entry through the API."""
    with app.app_context():
        headers = bearer("duyet")
    response = client.post(f"/api/v1/entries/{entry_uuid}/review", headers=headers,
                           json={"action": action, "comment": "Bổ sung ảnh", "revision": 1})
    assert response.status_code == 200, response.get_json()


def test_reviewing_the_last_entry_clears_the_waiting_notification(app, runner, commune, push_service):
    """Two entries wait (one push); the first review sends nothing, the last one a single clear push."""
    keys = subscribe(app, app.test_client(), "duyet", push_service.endpoint("duyet"))
    with app.app_context():
        first, second = entry_in("wu-branch").uuid, entry_in("wu-branch-2").uuid
    runner.invoke(args=["push-worker", "--once"])
    [waiting] = push_service.arrivals
    assert keys.decrypt(waiting.body)["tag"] == "review_waiting" and waiting.headers["topic"] == "review-waiting"

    client = app.test_client()
    review(app, client, first)
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 1  # one still waits: the shown message stays

    review(app, client, second, "return")
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 2
    clear = push_service.arrivals[1]
    assert keys.decrypt(clear.body) == {"title": "Không còn hoạt động chờ duyệt",
                                        "body": "Mọi hoạt động đã được duyệt hoặc trả lại.",
                                        "url": "/review/", "tag": "review_waiting", "type": "clear"}
    assert clear.headers["topic"] == "review-waiting"

    # Never listed, never on the bell; the page says what waits now.
    client.post("/login", data={"username": "duyet", "password": "thanhxa-demo"})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Không còn hoạt động chờ duyệt" not in page
    assert 'data-now-waiting="0"' in page and "0 hoạt động đang chờ bạn duyệt" in page
    with app.app_context():
        assert [n.state for n in notes("duyet", "review_cleared")] == ["sent"]


def test_clear_is_sent_once_and_not_when_nothing_was_shown(app, runner, commune, push_service):
    """No waiting push reached a device: nothing to clear. After a clear, a later empty queue sends no
    second one until a new waiting push went out."""
    with app.app_context():
        lone = entry_in("wu-branch").uuid
    runner.invoke(args=["push-worker", "--once"])  # no device yet: nothing shown anywhere
    review(app, app.test_client(), lone)
    runner.invoke(args=["push-worker", "--once"])
    with app.app_context():
        assert notes("duyet", "review_cleared") == []

    keys = subscribe(app, app.test_client(), "duyet", push_service.endpoint("duyet"))
    with app.app_context():
        again = entry_in("wu-branch-2").uuid
    runner.invoke(args=["push-worker", "--once"])
    review(app, app.test_client(), again)
    runner.invoke(args=["push-worker", "--once"])
    assert [keys.decrypt(a.body).get("type") for a in push_service.arrivals] == [None, "clear"]


def test_a_clear_is_dropped_when_something_waits_again_before_it_goes(app, runner, commune, push_service):
    """The queue emptied, then filled again before the worker ran: no clear, the waiting message stays."""
    subscribe(app, app.test_client(), "duyet", push_service.endpoint("duyet"))
    with app.app_context():
        lone = entry_in("wu-branch").uuid
    runner.invoke(args=["push-worker", "--once"])
    review(app, app.test_client(), lone)
    with app.app_context():
        entry_in("wu-branch-2")
        [pending_clear] = notes("duyet", "review_cleared")
        assert pending_clear.state == "pending"
    runner.invoke(args=["push-worker", "--once"])
    with app.app_context():
        assert [n.state for n in notes("duyet", "review_cleared")] == ["skipped"]
