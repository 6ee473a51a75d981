"""The commune officer imports a broken phone's outbox file: the sync path, never a second copy."""
import base64
import hashlib
import io
import json
import uuid as uuidlib
from pathlib import Path

import sqlalchemy as sa

from tests import factories
from webapp.photos.models import Photo
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db

ICON = Path(__file__).resolve().parents[2] / "static" / "icons" / "icon-192.png"


def export_file(app, *records, user: str = "canbo1") -> dict:
    """An export as a phone's settings page writes it (``records``: overrides of valid entries)."""
    entries = []
    with app.app_context():
        for overrides in records:
            photos = overrides.pop("photos", [])
            data = factories.entry_data(**overrides.pop("data", {}))
            entries.append({"uuid": str(uuidlib.uuid4()), "kind": "outreach", "base_revision": None,
                            "data": data, "owner": user, "state": "waiting", "errors": None,
                            "created_at": "2023-06-12T08:00:00Z", "photos": photos, **overrides})
    return {"format": "binhdang-outbox", "version": 1, "exported_at": "2023-06-13T08:00:00Z",
            "user": user, "entries": entries}


def upload(client, payload, name="binhdang-outbox.json"):
    """Post the import form with ``payload`` (a dict as JSON, or raw bytes) as the file."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post("/outbox/import", data={"file": (io.BytesIO(raw), name)},
                       content_type="multipart/form-data")


def stored(app) -> dict:
    """Entries in the database: uuid → (author, notes, revision)."""
    with app.app_context():
        return {e.uuid: (e.author.username, e.notes, e.revision) for e in db.session.scalars(sa.select(Entry))}


def test_officer_imports_a_phones_outbox_as_its_author(app, client, auth, commune):
    """Valid records become entries of the phone's owner; a bad one is reported, nothing of it saved."""
    payload = export_file(app, {"data": {"notes": "Buổi 1"}}, {"data": {"notes": "Buổi 2"}},
                          {"data": {"participants_male": -3, "notes": "Sai"}})
    auth.login("tonghop")
    response = upload(client, payload)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-import-count="created">2<' in page and 'data-import-count="rejected">1<' in page
    good, second, bad = (record["uuid"] for record in payload["entries"])
    assert stored(app) == {good: ("canbo1", "Buổi 1", 1), second: ("canbo1", "Buổi 2", 1)}
    assert bad not in stored(app)
    with app.app_context():
        devices = set(db.session.scalars(sa.select(AuditEvent.device).where(AuditEvent.action == "create")))
    assert devices == {"import:tonghop"}


def test_importing_twice_or_after_the_phone_synced_never_duplicates(app, client, auth, commune):
    """A second import, and records the server already got from the phone, are "unchanged"."""
    payload = export_file(app, {"data": {"notes": "Đã gửi từ máy"}}, {"data": {"notes": "Chưa gửi"}})
    already = payload["entries"][0]
    auth.login("canbo1")
    client.post("/api/v1/sync", json={"entries": [{k: already[k] for k in ("uuid", "kind", "base_revision", "data")}]},
                headers={"X-Binhdang-Client": "1"})
    auth.logout()
    auth.login("tonghop")
    first = upload(client, payload).get_data(as_text=True)
    assert 'data-import-count="unchanged">1<' in first and 'data-import-count="created">1<' in first
    again = upload(client, payload).get_data(as_text=True)
    assert 'data-import-count="unchanged">2<' in again
    assert sorted(notes for _author, notes, _rev in stored(app).values()) == ["Chưa gửi", "Đã gửi từ máy"]


def test_a_shared_phones_records_are_imported_as_each_author(app, client, auth, commune):
    """Two people used the phone: each record is created as the person who saved it."""
    payload = export_file(app, {"data": {"notes": "Của Hoa"}},
                          {"data": {"notes": "Của Lan", "unit_id": None, "village_id": None}, "owner": "canbo2"})
    with app.app_context():
        payload["entries"][1]["data"].update(unit_id=factories.unit("chi-hoi-pn-thon-le-xa").id,
                                             village_id=factories.village("thon-le-xa").id)
    auth.login("tonghop")
    assert 'data-import-count="created">2<' in upload(client, payload).get_data(as_text=True)
    assert sorted((author, notes) for author, notes, _rev in stored(app).values()) == [
        ("canbo1", "Của Hoa"), ("canbo2", "Của Lan")]


def test_photos_in_the_file_are_stored_once(app, client, auth, commune):
    """A photo carried in the file is attached to its entry; importing again adds nothing."""
    body = ICON.read_bytes()
    photo = {"sha256": hashlib.sha256(body).hexdigest(), "type": "image/png", "uploaded": False,
             "data_base64": base64.b64encode(body).decode()}
    payload = export_file(app, {"data": {"notes": "Có ảnh"}, "photos": [photo]})
    auth.login("tonghop")
    assert "Số ảnh đã lưu: 1" in upload(client, payload).get_data(as_text=True)
    upload(client, payload)
    with app.app_context():
        photos = list(db.session.scalars(sa.select(Photo)))
        assert [(p.sha256, p.entry.uuid) for p in photos] == [(photo["sha256"], payload["entries"][0]["uuid"])]


def test_a_damaged_photo_is_reported_and_the_entry_still_imported(app, client, auth, commune):
    """A photo whose bytes do not match its hash is named in the report; its entry is kept."""
    photo = {"sha256": "0" * 64, "type": "image/png", "data_base64": base64.b64encode(ICON.read_bytes()).decode()}
    payload = export_file(app, {"data": {"notes": "Ảnh hỏng"}, "photos": [photo]})
    auth.login("tonghop")
    page = upload(client, payload).get_data(as_text=True)
    assert 'data-import-count="created">1<' in page and "SHA-256" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 0


def test_only_the_commune_officer_or_admin_may_import(app, client, auth, commune):
    """Field staff and supervisors get 403; nothing is imported."""
    payload = export_file(app, {"data": {"notes": "x"}})
    for username in ("canbo1", "duyet"):
        auth.login(username)
        assert client.get("/outbox/import").status_code == 403
        assert upload(client, payload).status_code == 403
        auth.logout()
    assert stored(app) == {}
    auth.login("quantri")
    assert client.get("/outbox/import").status_code == 200


def test_files_that_are_not_an_export_are_refused_with_a_reason(app, client, auth, commune):
    """Not JSON, another JSON, an unknown user (for the file or one record), no file: 400, nothing saved."""
    auth.login("tonghop")
    cases = [
        (b"\x89PNG not json", "không phải JSON hợp lệ"),
        (json.dumps({"entries": []}).encode(), "không phải là tệp xuất hàng chờ của ứng dụng này"),
        (export_file(app, {"data": {}}, user="ai-do"), "không ghi tên một người dùng"),
        (export_file(app, {"data": {}}, {"data": {}, "owner": "nguoi-la"}), "không ghi tên một người dùng"),
    ]
    for payload, message in cases:
        response = upload(client, payload)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    empty = client.post("/outbox/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Hãy chọn tệp đã xuất." in empty.get_data(as_text=True)
    assert stored(app) == {}
