"""Issue 9 §7: a supervisor who wrote any revision of an entry cannot approve it (HTML and API)."""
import pytest
import sqlalchemy as sa

from tests import factories
from tests.review.helpers import bearer
from webapp.entries import services as entry_services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import get_kind


def _edited_by(app, editor: str, author: str = "canbo1", how: str = "edit") -> str:
    """An entry by ``author`` that ``editor`` changed (an edit, or created on the author's behalf), waiting."""
    with app.app_context():
        entry = factories.make_entry(author)
        person = factories.user(editor)
        if how == "edit":
            ctx = entry_services.validation_context(person, strict_types=True)
            clean, errors = get_kind("outreach").validate({**entry.to_data(), "participants_female": 31}, ctx)
            assert not errors
            entry_services.update_entry(person, entry, clean, device="web")
        else:
            entry_services.record(entry, person, how, {}, device="web")
        db.session.commit()
        return entry.uuid


def _status(app, entry_uuid: str) -> str:
    """The stored status."""
    with app.app_context():
        return db.session.scalar(sa.select(Entry.status).where(Entry.uuid == entry_uuid))


@pytest.mark.parametrize("reviewer", ["duyet", "tonghop", "quantri"])
@pytest.mark.parametrize("how", ["edit", "create", "resubmit"])
def test_the_api_refuses_approval_by_someone_who_changed_the_entry(app, client, commune, reviewer, how):
    """403 ``changed_entry`` with a clear message; the entry still waits; returning it is allowed."""
    entry_uuid = _edited_by(app, reviewer, how=how)
    with app.app_context():
        headers = bearer(reviewer)
        revision = db.session.scalar(sa.select(Entry.revision).where(Entry.uuid == entry_uuid))
    response = client.post(f"/api/v1/entries/{entry_uuid}/review", headers=headers,
                           json={"action": "approve", "comment": "", "revision": revision})
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "changed_entry" and "người khác phải duyệt" in error["message"]
    assert _status(app, entry_uuid) == "submitted"
    back = client.post(f"/api/v1/entries/{entry_uuid}/review", headers=headers,
                       json={"action": "return", "comment": "Cần bổ sung", "revision": revision})
    assert back.status_code == 200 and _status(app, entry_uuid) == "returned"


def test_the_html_page_hides_approve_and_the_post_is_refused(app, client, auth, commune):
    """The entry page says why; a forged POST gets 403 with the message; another reviewer may approve."""
    entry_uuid = _edited_by(app, "duyet")
    auth.login("duyet")
    page = client.get(f"/entries/{entry_uuid}").get_data(as_text=True)
    assert "data-changed-by-you" in page and "data-approve" not in page
    with app.app_context():
        revision = db.session.scalar(sa.select(Entry.revision).where(Entry.uuid == entry_uuid))
    response = client.post(f"/review/{entry_uuid}", data={"action": "approve", "revision": revision})
    assert response.status_code == 403 and "người khác phải duyệt" in response.get_data(as_text=True)
    assert _status(app, entry_uuid) == "submitted"
    bulk = client.post("/review/bulk", data={"pick": f"{entry_uuid}:{revision}"})
    assert bulk.status_code in (200, 302) and _status(app, entry_uuid) == "submitted"
    auth.logout()
    auth.login("tonghop")
    assert client.post(f"/review/{entry_uuid}", data={"action": "approve", "revision": revision}).status_code == 302
    assert _status(app, entry_uuid) == "approved"
