"""Issue 9 §9: only a push that reached a device starts the grouping interval, so the first push after
turning notifications on comes within a minute."""
import datetime as dt

from tests.push.test_delivery import subscribe
from tests.push.test_notifications import notes
from tests.review.helpers import entry_in
from webapp.auth.models import utcnow


def test_a_supervisor_who_just_turned_push_on_hears_of_the_next_entry_at_once(app, runner, commune, push_service):
    """A notification sent to no device (not subscribed yet) holds nothing back."""
    with app.app_context():
        entry_in("wu-branch")
    runner.invoke(args=["push-worker", "--once"])  # "sent", but duyet has no device yet
    with app.app_context():
        assert [n.state for n in notes("duyet", "review_waiting")] == ["sent"]
    keys = subscribe(app, app.test_client(), "duyet", push_service.endpoint("duyet"))
    subscribed_at = utcnow()
    with app.app_context():
        entry_in("wu-branch-2")
        [pending] = [n for n in notes("duyet", "review_waiting") if n.state == "pending"]
        assert pending.due_at <= subscribed_at + dt.timedelta(minutes=1)
    runner.invoke(args=["push-worker", "--once"])
    assert len(push_service.arrivals) == 1
    assert keys.decrypt(push_service.arrivals[0].body)["title"] == "2 hoạt động chờ duyệt"


def test_a_push_the_service_refused_does_not_start_the_interval_but_a_delivered_one_does(
        app, runner, commune, push_service):
    """A rejected delivery (400) reached no device: the next comes at once; after a delivered one, an hour."""
    subscribe(app, app.test_client(), "duyet", push_service.endpoint("duyet"))
    push_service.answers.append((400, {}))
    with app.app_context():
        entry_in("wu-branch")
    runner.invoke(args=["push-worker", "--once"])
    with app.app_context():
        entry_in("wu-branch-2")
        [pending] = [n for n in notes("duyet", "review_waiting") if n.state == "pending"]
        assert pending.due_at <= utcnow()
    runner.invoke(args=["push-worker", "--once"])
    assert [a.path for a in push_service.arrivals] == ["/push/duyet", "/push/duyet"]
    with app.app_context():
        entry_in("wu-branch")
        [pending] = [n for n in notes("duyet", "review_waiting") if n.state == "pending"]
        assert pending.due_at >= utcnow() + dt.timedelta(minutes=59)
