"""Photos: idempotent upload by SHA-256, served only to people who may see the entry, no-JS form upload."""
import io

import sqlalchemy as sa

from tests import factories
from tests.api import images
from webapp.photos.models import Photo
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db


def _synced_entry(api, token):
    """A new entry of canbo1's branch, through the sync; its UUID."""
    sent = api.entry()
    api.sync_ok(token, [sent])
    return sent["uuid"]


def _put(api, token, entry_uuid, body, digest=None, **headers):
    """``PUT /api/v1/entries/<uuid>/photos/<sha256>``."""
    return api.client.put(f"/api/v1/entries/{entry_uuid}/photos/{digest or images.sha256(body)}", data=body,
                          content_type="image/jpeg", headers=api.auth(token, **headers))


def _photo_count(app):
    """How many photos are stored."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Photo.id)))


def test_same_photo_twice_is_one_photo(app, api):
    """201 the first time, 200 the second, one row; its size read from the JPEG header."""
    token = api.token()
    entry_uuid = _synced_entry(api, token)
    body = images.jpeg(1600, 1200)
    first = _put(api, token, entry_uuid, body)
    assert first.status_code == 201
    assert first.get_json() == {"sha256": images.sha256(body), "content_type": "image/jpeg", "size": len(body),
                                "width": 1600, "height": 1200,
                                "url": f"/api/v1/entries/{entry_uuid}/photos/{images.sha256(body)}"}
    second = _put(api, token, entry_uuid, body)
    assert second.status_code == 200 and second.get_json() == first.get_json()
    assert _photo_count(app) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "photo")) == 1


def test_photo_is_served_back_to_who_may_see_the_entry(app, api):
    """The uploader and the supervisor get the same bytes; another branch's staff get 404."""
    token = api.token()
    entry_uuid = _synced_entry(api, token)
    body = images.png(5, 4)
    _put(api, token, entry_uuid, body)
    url = f"/api/v1/entries/{entry_uuid}/photos/{images.sha256(body)}"
    mine = api.client.get(url, headers=api.auth(token))
    assert mine.status_code == 200 and mine.data == body and mine.content_type == "image/png"
    assert mine.headers["ETag"].strip('"') == images.sha256(body)
    assert api.client.get(url, headers=api.auth(api.token("duyet"))).data == body
    assert api.client.get(url, headers=api.auth(api.token("canbo2"))).status_code == 404
    cached = api.client.get(url, headers=api.auth(token, **{"If-None-Match": f'"{images.sha256(body)}"'}))
    assert cached.status_code == 304 and cached.data == b""


def test_png_and_webp_sizes_are_read(app, api):
    """PNG and WebP are accepted and their pixel size read from the header."""
    token = api.token()
    entry_uuid = _synced_entry(api, token)
    assert _put(api, token, entry_uuid, images.png(7, 3)).get_json()["width"] == 7
    webp = _put(api, token, entry_uuid, images.webp(640, 480)).get_json()
    assert (webp["content_type"], webp["width"], webp["height"]) == ("image/webp", 640, 480)


def test_bad_uploads_get_clear_errors_and_store_nothing(app, api, make_app, ids):
    """Not an image, damaged on the way, a bad address, empty, too large, a stranger's entry."""
    token = api.token()
    entry_uuid = _synced_entry(api, token)
    text = b"%PDF-1.4 not a photo"
    assert _put(api, token, entry_uuid, text).status_code == 415
    assert "JPEG" in _put(api, token, entry_uuid, text).get_json()["error"]["message"]
    damaged = _put(api, token, entry_uuid, images.jpeg(), digest=images.sha256(b"other"))
    assert damaged.status_code == 400 and damaged.get_json()["error"]["code"] == "checksum_mismatch"
    assert _put(api, token, entry_uuid, images.jpeg(), digest="xyz").status_code == 400
    assert _put(api, token, entry_uuid, b"").status_code == 400
    assert _put(api, token, "5f0c6a4e-0000-4000-8000-000000000000", images.jpeg()).status_code == 404
    assert _put(api, api.token("canbo2"), entry_uuid, images.jpeg()).status_code == 404
    small = make_app(PHOTO_MAX_BYTES=100)
    from tests.api.conftest import ApiClient

    small_api = ApiClient(small.test_client(), ids)
    too_big = _put(small_api, small_api.token(), entry_uuid, images.jpeg() + b"\x00" * 200)
    assert too_big.status_code == 413
    assert _photo_count(app) == 0


def test_locked_entry_takes_no_new_photo_but_a_retry_is_fine(app, api):
    """Approved: a new photo is refused with 409; the photo already sent still answers 200."""
    token = api.token()
    entry_uuid = _synced_entry(api, token)
    before = images.jpeg(800, 600)
    _put(api, token, entry_uuid, before)
    with app.app_context():
        db.session.execute(sa.update(Entry).values(status="approved"))
        db.session.commit()
    assert _put(api, token, entry_uuid, before).status_code == 200
    refused = _put(api, token, entry_uuid, images.png())
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "locked"
    assert _photo_count(app) == 1


def test_cookie_upload_needs_the_client_header(app, api, auth):
    """The browser app uploads with its cookie only with X-Binhdang-Client."""
    entry_uuid = _synced_entry(api, api.token())
    auth.login()
    body = images.jpeg()
    url = f"/api/v1/entries/{entry_uuid}/photos/{images.sha256(body)}"
    assert api.client.put(url, data=body, content_type="image/jpeg").status_code == 403
    assert api.client.put(url, data=body, content_type="image/jpeg",
                          headers={"X-Binhdang-Client": "1"}).status_code == 201


def test_detail_page_shows_the_photos(app, api, auth):
    """The entry's page shows a thumbnail linking to each photo."""
    token = api.token()
    entry_uuid = _synced_entry(api, token)
    body = images.png()
    _put(api, token, entry_uuid, body)
    auth.login()
    page = api.client.get(f"/entries/{entry_uuid}")
    assert page.status_code == 200
    assert f'src="/api/v1/entries/{entry_uuid}/photos/{images.sha256(body)}"'.encode() in page.data
    assert api.client.get(f"/api/v1/entries/{entry_uuid}/photos/{images.sha256(body)}").data == body


def _form(app, **overrides):
    """A valid outreach form post (text values, as a browser sends)."""
    with app.app_context():
        data = factories.entry_data("outreach", **overrides)
    return {k: (v if isinstance(v, list) else str(v)) for k, v in data.items()}


def test_form_without_js_uploads_photos(app, client, auth, commune):
    """The plain HTML form posts photos with the entry: both saved, the same bytes read back."""
    auth.login()
    body_a, body_b = images.png(3, 3, shade=1), images.jpeg(1024, 768)
    form = {**_form(app), "photos": [(io.BytesIO(body_a), "a.png"), (io.BytesIO(body_b), "b.jpg")]}
    response = client.post("/entries/new/outreach", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        entry_id = db.session.scalar(sa.select(Entry.id))
        stored = {p.sha256: (p.data, p.uploaded_by.username, p.entry_id) for p in db.session.scalars(sa.select(Photo))}
    assert stored == {images.sha256(body_a): (body_a, "canbo1", entry_id),
                      images.sha256(body_b): (body_b, "canbo1", entry_id)}
    assert b'enctype="multipart/form-data"' in client.get("/entries/new/outreach").data


def test_form_refuses_a_file_that_is_not_a_photo_and_saves_nothing(app, client, auth, commune):
    """A PDF among the photos: the form comes back with the error beside the photos, nothing saved."""
    auth.login()
    form = {**_form(app), "photos": [(io.BytesIO(b"%PDF-1.4"), "giay-moi.pdf")]}
    response = client.post("/entries/new/outreach", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "giay-moi.pdf: Chỉ nhận ảnh định dạng JPEG, PNG hoặc WebP.".encode() in response.data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 0


def test_edit_form_adds_a_photo(app, client, auth, commune):
    """Adding a photo while editing attaches it to the entry."""
    with app.app_context():
        entry = factories.make_entry("canbo1")
        entry_uuid, revision = entry.uuid, entry.revision
    auth.login()
    body = images.webp()
    form = {**_form(app), "revision": str(revision), "photos": [(io.BytesIO(body), "anh.webp")]}
    response = client.post(f"/entries/{entry_uuid}/edit", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Photo.sha256)) == images.sha256(body)
