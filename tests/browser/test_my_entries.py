"""My entries offline: returned entries fixed without network (sent with base_revision), conflicts
shown beside the server's version, photos downscaled and uploaded with their entry."""
import struct
import zlib

import pytest
import sqlalchemy as sa

from tests import factories
from tests.browser.helpers import (login, outbox_records, save_outreach, set_network, signed_in_then_offline,
                                  sync_now, wait_for_outbox)
from webapp.photos.models import Photo
from webapp.entries import services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import get_kind

pytestmark = pytest.mark.browser


def server_entry(app, **overrides) -> str:
    """An outreach entry of canbo1 made on the server (another device); returns its UUID."""
    with app.app_context():
        status = overrides.pop("status", "submitted")
        comment = overrides.pop("review_comment", "")
        entry = factories.make_entry("canbo1", status=status, **overrides)
        entry.review_comment = comment
        db.session.commit()
        return entry.uuid


def edit_on_server(app, entry_uuid: str, **changes) -> None:
    """Another device edits the entry through the entries service (a new revision)."""
    with app.app_context():
        entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == entry_uuid))
        person = factories.user("canbo1")
        ctx = services.validation_context(person, strict_types=True)
        clean, errors = get_kind("outreach").validate({**entry.to_data(), **changes}, ctx)
        assert not errors
        services.update_entry(person, entry, clean, device="tablet")
        db.session.commit()


def png(width: int, height: int) -> bytes:
    """A plain PNG (one colour) of the given size, written without an imaging library."""
    row = b"\x00" + b"\x9d\x17\x4d" * width
    body = zlib.compress(row * height, 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        """One PNG chunk with its CRC."""
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_a_returned_entry_is_fixed_offline_and_resubmitted_with_its_revision(live_server, chromium):
    """Offline, the list shows the returned entry with the reviewer's comment; the fix is saved on
    the phone with base_revision 1 and, back online, updates that entry (no second entry)."""
    entry_uuid = server_entry(live_server.app, status="returned", review_comment="Thiếu số người tham gia nữ")
    context, page = signed_in_then_offline(chromium, live_server, entry_uuid)
    page.goto(f"{live_server.url}/entries/")
    row = page.locator(f"[data-known-uuid='{entry_uuid}']")
    assert "Trả lại" in row.inner_text() and "Thiếu số người tham gia nữ" in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    assert "bị người duyệt trả lại" in page.inner_text("[data-outbox-notice]")
    assert page.input_value("input[name=participants_female]") == "30"
    page.fill("input[name=participants_female]", "33")
    page.click("#entry-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/entries/")
    [record] = outbox_records(page)
    assert record["uuid"] == entry_uuid and record["state"] == "waiting"
    assert page.evaluate("async (u) => (await self.BinhdangOutbox.record(u)).baseRevision", entry_uuid) == 1

    set_network(context, live_server, online=True)
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries()
    assert (entry.uuid, entry.revision, entry.status, entry.participants_female) == (entry_uuid, 2, "submitted", 33)


def edited_on_both_sides(live_server, chromium):
    """An entry edited offline on the phone from revision 1 while the server moved to revision 2."""
    entry_uuid = server_entry(live_server.app, notes="Bản gốc")
    context, page = signed_in_then_offline(chromium, live_server, entry_uuid)
    page.goto(f"{live_server.url}/entries/new/outreach?edit={entry_uuid}")
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    page.fill("textarea[name=notes]", "Bản của tôi")
    page.click("#entry-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/entries/")
    edit_on_server(live_server.app, entry_uuid, notes="Bản của máy chủ")
    return entry_uuid, context, page


def test_a_conflict_shows_both_versions_and_keep_mine_wins(live_server, chromium):
    """Edited offline from revision 1 while another device made revision 2: the sync answers
    conflict; the record stays, shows both versions, and "keep mine" sends it on top of revision 2."""
    entry_uuid, context, page = edited_on_both_sides(live_server, chromium)
    set_network(context, live_server, online=True)
    sync_now(page, "ok")
    wait_for_outbox(page, "records.length === 1 && records[0].state === 'conflict'")
    assert live_server.entries()[0].notes == "Bản của máy chủ"
    row = page.locator("[data-outbox-state=conflict]")
    assert "Đã thay đổi trên máy chủ" in row.inner_text()
    row.locator("a").click()
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    assert page.inner_text("td[data-mine=notes]") == "Bản của tôi"
    assert page.inner_text("td[data-server=notes]") == "Bản của máy chủ"
    page.click("[data-keep-mine]")
    page.wait_for_url(f"{live_server.url}/entries/")
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries()
    assert (entry.notes, entry.revision) == ("Bản của tôi", 3)


def test_taking_the_servers_version_drops_mine_and_changes_nothing(live_server, chromium):
    """The person chooses the server's version: the record leaves the outbox, the server is untouched."""
    entry_uuid, context, page = edited_on_both_sides(live_server, chromium)
    set_network(context, live_server, online=True)
    sync_now(page, "ok")
    wait_for_outbox(page, "records.length === 1 && records[0].state === 'conflict'")
    page.goto(f"{live_server.url}/entries/new/outreach?outbox={entry_uuid}")
    page.click("[data-take-server]")
    page.wait_for_url(f"{live_server.url}/entries/")
    wait_for_outbox(page, "records.length === 0")
    [entry] = live_server.entries()
    assert (entry.notes, entry.revision) == ("Bản của máy chủ", 2)
    known = page.evaluate("async (u) => (await self.BinhdangOutbox.knownEntry(u)).data.notes", entry_uuid)
    assert known == "Bản của máy chủ"


def test_a_photo_is_downscaled_kept_with_the_entry_and_uploaded_once(live_server, chromium):
    """A 3000×2000 photo is kept as a JPEG of at most 1600 px and uploaded after its entry."""
    context = chromium.start()
    page = context.new_page()
    login(page, live_server.url)
    page.goto(f"{live_server.url}/entries/new/outreach")
    page.wait_for_selector("#entry-form[data-outbox=ready]")
    page.set_input_files("input[name=photos]", files=[
        {"name": "buoi-noi-chuyen.png", "mimeType": "image/png", "buffer": png(3000, 2000)}])
    page.wait_for_selector("[data-photo-list] li img")
    save_outreach(page, "Có ảnh minh chứng")
    page.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
    [entry] = live_server.entries()
    with live_server.app.app_context():
        [photo] = db.session.scalars(sa.select(Photo).where(Photo.entry_id == entry.id))
        assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 1600, 1067)
    sync_now(page, "ok")
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 1
