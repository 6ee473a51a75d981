"""``POST /api/v1/sync``: every status of the contract, idempotency by UUID, one bad entry among good ones."""
import uuid as uuidlib

import sqlalchemy as sa

from tests import factories
from tests.api.conftest import snapshot
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db


def _entry(app, entry_uuid):
    """The stored entry with this UUID (fresh from the database)."""
    with app.app_context():
        entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == entry_uuid))
        return None if entry is None else {"revision": entry.revision, "data": entry.to_data(),
                                           "author": entry.author.username, "status": entry.status}


def test_new_entry_is_created_with_the_devices_uuid(app, api):
    """A new UUID: ``created``, revision 1, stored as sent, audit names the token's device."""
    token = api.token(device="Điện thoại Android")
    sent = api.entry(notes="Tuyên truyền tại nhà văn hóa thôn")
    [result] = api.sync_ok(token, [sent])
    assert result == {"uuid": sent["uuid"], "status": "created", "revision": 1, "errors": {}}
    stored = _entry(app, sent["uuid"])
    assert stored["author"] == "canbo1" and stored["revision"] == 1
    assert stored["data"]["notes"] == "Tuyên truyền tại nhà văn hóa thôn"
    assert stored["data"]["participants_female"] == 30 and stored["data"]["format"] == "direct_talk"
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "create"))
        assert event.device == "Điện thoại Android" and event.user.username == "canbo1"


def test_retry_of_the_same_content_is_unchanged(app, api):
    """The same UUID and content again (lost response): ``unchanged``, whatever base_revision says."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    before = snapshot(app)
    again = api.sync_ok(token, [sent, {**sent, "base_revision": 1}, {**sent, "uuid": sent["uuid"].upper()}])
    assert [r["status"] for r in again] == ["unchanged"] * 3
    assert [r["revision"] for r in again] == [1, 1, 1]
    assert snapshot(app) == before  # no new row, no new revision, no audit event


def test_edit_of_the_current_revision_is_updated(app, api):
    """base_revision equal to the server's and new content: ``updated``, revision 2, audit ``edit``."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    edited = {**sent, "base_revision": 1, "data": {**sent["data"], "participants_male": 20}}
    [result] = api.sync_ok(token, [edited])
    assert result["status"] == "updated" and result["revision"] == 2 and result["errors"] == {}
    stored = _entry(app, sent["uuid"])
    assert stored["revision"] == 2 and stored["data"]["participants_male"] == 20
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["create", "edit"]


def test_stale_base_revision_is_a_conflict_with_the_servers_version(app, api):
    """Edited from revision 1 after another device made revision 2: ``conflict`` with ``current``."""
    phone, tablet = api.token(device="phone"), api.token(device="tablet")
    sent = api.entry()
    api.sync_ok(phone, [sent])
    api.sync_ok(tablet, [{**sent, "base_revision": 1, "data": {**sent["data"], "participants_male": 5}}])
    before = snapshot(app)
    stale = {**sent, "base_revision": 1, "data": {**sent["data"], "participants_male": 99}}
    [result] = api.sync_ok(phone, [stale])
    assert result["status"] == "conflict" and result["revision"] == 2
    assert "base_revision" in result["errors"]
    assert result["current"]["revision"] == 2 and result["current"]["data"]["participants_male"] == 5
    assert result["current"]["uuid"] == sent["uuid"] and result["current"]["status"] == "submitted"
    assert snapshot(app) == before


def test_new_content_for_an_existing_uuid_without_base_is_a_conflict(app, api):
    """base_revision null but the UUID exists with other content: ``conflict``, never a silent overwrite."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    [result] = api.sync_ok(token, [{**sent, "data": {**sent["data"], "notes": "khác"}}])
    assert result["status"] == "conflict" and result["current"]["data"]["notes"] == ""


def test_approved_entry_is_a_conflict(app, api):
    """An approved (locked) entry cannot change: ``conflict``, the current version says approved."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    with app.app_context():
        db.session.execute(sa.update(Entry).values(status="approved"))
        db.session.commit()
    [result] = api.sync_ok(token, [{**sent, "base_revision": 1, "data": {**sent["data"], "notes": "sửa"}}])
    assert result["status"] == "conflict" and result["current"]["status"] == "approved"
    assert "duyệt" in result["errors"]["_entry"]  # the locked reason, in Vietnamese
    assert _entry(app, sent["uuid"])["data"]["notes"] == ""
    [retry] = api.sync_ok(token, [sent])  # a late retry of what was accepted is still fine
    assert retry["status"] == "unchanged"


def _form_validation_errors(app, username, data, locale):
    """What the entry form's validation says about ``data``, as text in ``locale``."""
    from flask_babel import force_locale

    from webapp.entries import services
    from webapp.kinds import get_kind

    with app.test_request_context("/"), force_locale(locale):
        ctx = services.validation_context(factories.user(username), strict_types=True)
        _clean, errors = get_kind("outreach").validate(data, ctx)
        return {name: str(message) for name, message in errors.items()}


def test_invalid_data_is_rejected_with_field_errors_in_vietnamese(app, api):
    """The form's validation: field → message, in Vietnamese by default, nothing saved."""
    token = api.token()
    bad = api.entry(participants_male=-1, date="2023-13-01", format="nope")
    [result] = api.sync_ok(token, [bad])
    assert result["status"] == "rejected" and result["revision"] is None
    assert set(result["errors"]) == {"participants_male", "date", "format"}
    assert result["errors"] == _form_validation_errors(app, "canbo1", bad["data"], "vi")
    assert result["errors"] != _form_validation_errors(app, "canbo1", bad["data"], "en")
    assert _entry(app, bad["uuid"]) is None


def test_errors_are_in_english_when_asked(api):
    """``Accept-Language: en`` gives English messages."""
    token = api.token()
    response = api.sync(token, [api.entry(format="nope")], **{"Accept-Language": "en"})
    assert response.get_json()["results"][0]["errors"]["format"] == "Choose one of the options."


def test_same_validation_as_the_form(app, api):
    """The form's own rules apply: a phone number in the notes is refused by the sync too."""
    token = api.token()
    [result] = api.sync_ok(token, [api.entry(notes="Liên hệ chị Hoa 0912345678")])
    assert result["status"] == "rejected" and "notes" in result["errors"]


def test_foreign_unit_is_forbidden(app, api):
    """A unit that is not the user's: ``forbidden``, nothing saved."""
    token = api.token("canbo1")
    sent = api.entry(unit="chi-hoi-pn-thon-le-xa")
    [result] = api.sync_ok(token, [sent])
    assert result["status"] == "forbidden" and "unit_id" in result["errors"]
    assert _entry(app, sent["uuid"]) is None


def test_someone_elses_hidden_entry_is_forbidden_and_untouched(app, api):
    """Sending the UUID of an entry the caller cannot see: ``forbidden``, its content not revealed."""
    with app.app_context():
        theirs = factories.make_entry("canbo2", unit_code="chi-hoi-pn-thon-le-xa", village_code="thon-le-xa")
        their_uuid = theirs.uuid
    before = snapshot(app)
    token = api.token("canbo1")
    [result] = api.sync_ok(token, [api.entry(entry_uuid=their_uuid)])
    assert result["status"] == "forbidden" and "current" not in result and result["revision"] is None
    assert snapshot(app) == before


def test_supervisor_syncs_an_edit_of_a_branch_entry(app, api):
    """A supervisor over the branch may edit its entry through the sync (same rule as the form)."""
    token = api.token("canbo1")
    sent = api.entry()
    api.sync_ok(token, [sent])
    [result] = api.sync_ok(api.token("duyet"), [{**sent, "base_revision": 1,
                                                 "data": {**sent["data"], "participants_female": 31}}])
    assert result["status"] == "updated" and _entry(app, sent["uuid"])["author"] == "canbo1"


def test_one_bad_entry_never_stops_the_others(app, api):
    """Good, invalid, foreign, not an object, good: results in the same order, the good ones saved."""
    token = api.token()
    first, bad, foreign, last = (api.entry(), api.entry(participants_female="many"),
                                 api.entry(unit="hlhpn-thanh-xa"), api.entry(kind="training"))
    results = api.sync_ok(token, [first, bad, foreign, "not an entry", last])
    assert [r["status"] for r in results] == ["created", "rejected", "forbidden", "rejected", "created"]
    assert [r["uuid"] for r in results] == [first["uuid"], bad["uuid"], foreign["uuid"], None, last["uuid"]]
    with app.app_context():
        stored = set(db.session.scalars(sa.select(Entry.uuid)))
    assert stored == {first["uuid"], last["uuid"]}


def test_the_same_uuid_twice_in_one_batch_is_one_entry(app, api):
    """A batch that repeats an entry (an outbox replayed twice): created, then unchanged."""
    token = api.token()
    sent = api.entry()
    results = api.sync_ok(token, [sent, sent])
    assert [r["status"] for r in results] == ["created", "unchanged"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 1


def test_kind_cannot_change(app, api):
    """An existing UUID sent as another kind is rejected."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    [result] = api.sync_ok(token, [{**api.entry(kind="training"), "uuid": sent["uuid"], "base_revision": 1}])
    assert result["status"] == "rejected" and "kind" in result["errors"]


def test_returned_entry_fixed_through_sync_goes_back_to_review(app, api):
    """Fixing a returned entry from the phone resubmits it (the same service as the form)."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    with app.app_context():
        db.session.execute(sa.update(Entry).values(status="returned", review_comment="Thiếu số nữ"))
        db.session.commit()
    [result] = api.sync_ok(token, [{**sent, "base_revision": 1, "data": {**sent["data"], "participants_female": 33}}])
    assert result["status"] == "updated"
    assert _entry(app, sent["uuid"])["status"] == "submitted"


def test_cookie_sync_is_audited_as_web(app, api, auth):
    """The browser app (session cookie and the custom header): the audit device is "web"."""
    auth.login()
    response = api.client.post("/api/v1/sync", json={"entries": [api.entry()]}, headers={"X-Binhdang-Client": "1"})
    assert response.get_json()["results"][0]["status"] == "created"
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent.device)) == "web"


def test_sync_needs_a_valid_token(api):
    """No token or a wrong one: 401 JSON."""
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = api.client.post("/api/v1/sync", json={"entries": []}, headers=headers)
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_empty_batch_is_fine(api):
    """``{"entries": []}`` answers ``{"results": []}``."""
    assert api.sync_ok(api.token(), []) == []


def test_uuid_made_on_the_device_is_kept_canonical(app, api):
    """An upper-case UUID is stored in canonical form and echoed as sent."""
    token = api.token()
    raw = str(uuidlib.uuid4()).upper()
    [result] = api.sync_ok(token, [api.entry(entry_uuid=raw)])
    assert result["uuid"] == raw and result["status"] == "created"
    assert _entry(app, raw.lower()) is not None
