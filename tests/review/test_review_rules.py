"""The review rules as a matrix: role × own/other × inside/outside × status → status code and database."""
from __future__ import annotations

import pytest

from tests.review.helpers import add_other_commune, audit_actions, bearer, entry_in
from webapp.entries.models import Entry
from webapp.extensions import db

# role → (user, a place inside their scope, a place outside it)
ROLES = {
    "field_staff": ("canbo1", "wu-branch", "wu-branch-2"),
    "supervisor": ("duyet", "wu-branch", "outside-wu"),
    "officer": ("tonghop", "wu-branch", "other-commune"),
    "admin": ("quantri", "wu-branch", "other-commune"),
}
STATUSES = ("submitted", "approved", "returned")
NEW_STATUS = {"approve": "approved", "return": "returned"}


def expected_code(role: str, own: bool, inside: bool, status: str) -> int:
    """What the contract says: 404 if not visible, 403 for the author or a non-reviewer, 409 if not waiting."""
    if not inside and role != "admin":  # an admin sees every commune
        return 404
    if own or role == "field_staff":
        return 403
    return 200 if status == "submitted" else 409


@pytest.mark.parametrize("action", ["approve", "return"])
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", list(ROLES))
def test_review_matrix(app, client, commune, role, own, inside, status, action):
    """Each combination gets the right answer and leaves the database right."""
    username, inside_place, outside_place = ROLES[role]
    with app.app_context():
        add_other_commune()
        entry = entry_in(inside_place if inside else outside_place, status=status,
                         author=username if own else None)
        entry_id, entry_uuid = entry.id, entry.uuid
        before = audit_actions(entry_id)
        headers = bearer(username)
    response = client.post(f"/api/v1/entries/{entry_uuid}/review", headers=headers,
                           json={"action": action, "comment": "Bổ sung số người tham gia.", "revision": 1})
    code = expected_code(role, own, inside, status)
    assert response.status_code == code, response.get_json()
    body = response.get_json()
    with app.app_context():
        stored = db.session.get(Entry, entry_id)
        if code == 200:
            assert body == {"status": NEW_STATUS[action], "revision": 2}
            assert (stored.status, stored.revision) == (NEW_STATUS[action], 2)
            assert audit_actions(entry_id) == [*before, action]
            assert stored.review_comment == "Bổ sung số người tham gia."
        else:
            assert body["error"]["code"] in {403: ("own_entry", "forbidden"), 404: ("not_found",),
                                             409: ("locked", "not_waiting")}[code]
            assert body["error"]["message"]
            assert (stored.status, stored.revision) == (status, 1)
            assert audit_actions(entry_id) == before
        if code == 409:
            assert body["error"]["current"]["uuid"] == entry_uuid
            assert body["error"]["current"]["status"] == status
