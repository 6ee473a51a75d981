"""The set-based sync writes what the per-entry path writes, decides every entry as the contract says,
never lets a reader's cursor skip a change, and costs the same statements whatever the table's size."""
from __future__ import annotations

import datetime as dt
import threading
import uuid as uuidlib

import sqlalchemy as sa

from tests import factories
from tests.api.test_entries_feed import _pull_all
from webapp.api import sync_insert
from webapp.entries import services
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.kinds import get_kind


def test_a_synced_entry_is_stored_as_the_form_stores_it(app, api):
    """Same columns, search text and audit ``changes`` as ``create_entry`` writes for the same data."""
    token = api.token()
    data = api.data("training", notes="Tập huấn ở nhà văn hóa")
    [synced] = api.sync_ok(token, [{"uuid": str(uuidlib.uuid4()), "kind": "training", "base_revision": None,
                                    "data": data}])
    assert synced["status"] == "created" and synced["revision"] == 1
    with app.app_context():
        person = factories.user("canbo1")
        kind = get_kind("training")
        clean, errors = kind.validate(data, services.validation_context(person, strict_types=True))
        assert not errors
        by_form = services.create_entry(person, str(uuidlib.uuid4()), kind, clean, device="x")
        db.session.commit()
        by_sync = db.session.scalar(sa.select(Entry).where(Entry.uuid == synced["uuid"]))
        assert by_sync.to_data() == by_form.to_data()
        assert (by_sync.search_text, by_sync.status, by_sync.revision, by_sync.author_id) == \
            (by_form.search_text, by_form.status, by_form.revision, by_form.author_id)
        trail = {e.entry_id: e for e in db.session.scalars(sa.select(AuditEvent))}
        assert trail[by_sync.id].changes == trail[by_form.id].changes and trail[by_sync.id].action == "create"
        assert trail[by_sync.id].device == "Điện thoại Android"


def test_every_status_of_the_contract_in_one_batch(app, api):
    """New, retry, edit, stale edit, invalid and foreign entries together: each gets its own answer."""
    token = api.token()
    kept, edited, stale = api.entry(), api.entry(), api.entry()
    api.sync_ok(token, [kept, edited, stale])
    edit = {**edited, "base_revision": 1, "data": {**edited["data"], "notes": "sửa"}}
    stale_edit = {**stale, "base_revision": 7, "data": {**stale["data"], "notes": "cũ"}}
    new = api.entry()
    invalid = api.entry(participants_male=-1)
    foreign = api.entry(unit="chi-hoi-pn-thon-le-xa", village="thon-le-xa")
    results = api.sync_ok(token, [new, kept, edit, stale_edit, invalid, foreign, new])
    assert [r["status"] for r in results] == ["created", "unchanged", "updated", "conflict", "rejected",
                                              "forbidden", "unchanged"]
    assert [r["revision"] for r in results[:4]] == [1, 1, 2, 1] and results[3]["current"]["revision"] == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 4
        numbers = db.session.scalars(sa.select(Entry.change_seq)).all()
        assert len(set(numbers)) == 4  # every write its own change number


def test_a_uuid_another_request_saved_meanwhile_is_decided_again(app, api, monkeypatch):
    """The entry appears between the checks and the insert: no duplicate, no error, a retry's answer."""
    token = api.token()
    entry = api.entry()
    real_reserve = services.reserve_changes
    interrupted = []

    def reserve_after_another_request(count: int) -> int:
        """Another request commits the same entry just before this one locks."""
        if count and not interrupted:
            interrupted.append(True)
            other = app.test_client()
            assert other.post("/api/v1/sync", json={"entries": [entry]}, headers=api.auth(token)).status_code == 200
        return real_reserve(count)

    monkeypatch.setattr(services, "reserve_changes", reserve_after_another_request)
    [answer] = api.sync_ok(token, [entry])
    assert answer["status"] == "unchanged" and answer["revision"] == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1


def test_a_cursor_never_skips_a_batch_that_commits_later(app, api, monkeypatch):
    """Batch A takes its change numbers and waits before committing; batch B is sent meanwhile; the
    reader pulls as soon as B answers. Had B been able to commit first with later numbers, the reader's
    cursor would pass A's numbers and A's entries would never be read. Every round, each entry is read
    exactly once."""
    token = api.token()
    seen, cursor = _pull_all(api, token)
    holding, pulled = threading.Event(), threading.Event()
    real_insert = sync_insert.insert_new

    def insert_and_hold(*args, **kwargs):
        """Batch A (the one whose notes say so) holds its numbers until the reader has pulled."""
        inserted = real_insert(*args, **kwargs)
        if any(row["notes"] == "A" for row in inserted.values()):
            holding.set()
            pulled.wait(timeout=0.5)
        return inserted

    monkeypatch.setattr(sync_insert, "insert_new", insert_and_hold)
    sent: list[str] = []
    for _round in range(3):
        holding.clear()
        pulled.clear()
        batch_a = [api.entry(notes="A") for _ in range(3)]
        batch_b = [api.entry(notes="B") for _ in range(2)]
        sent += [e["uuid"] for e in batch_a + batch_b]
        b_done = threading.Event()

        def send(batch, done=None):
            """Sync from a client of its own (a phone of its own)."""
            client = app.test_client()
            response = client.post("/api/v1/sync", json={"entries": batch}, headers=api.auth(token))
            assert response.status_code == 200
            if done is not None:
                done.set()

        first = threading.Thread(target=send, args=(batch_a,))
        first.start()
        assert holding.wait(timeout=10)
        second = threading.Thread(target=send, args=(batch_b, b_done))
        second.start()
        b_done.wait(timeout=0.3)
        page, cursor = _pull_all(api, token, cursor)
        seen += page
        pulled.set()
        first.join(timeout=20)
        second.join(timeout=20)
        page, cursor = _pull_all(api, token, cursor)
        seen += page
    uuids = [e["uuid"] for e in seen]
    assert len(uuids) == len(set(uuids)) and set(sent) <= set(uuids)


def _statements(app, api, token, entries) -> list[str]:
    """The SQL statements one sync runs (normalised: no parameters)."""
    ran: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):
        """Keep the statement's text."""
        ran.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        api.sync_ok(token, entries)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return ran


def test_a_small_sync_costs_the_same_statements_on_a_small_and_a_large_table(app, api):
    """3 new entries against 10 entries, then against 3,000 (all waiting for review): the same statements,
    none of them counting or scanning the entry table, and only a handful in all."""
    token = api.token()
    api.sync_ok(token, [api.entry() for _ in range(10)])  # caches warm, the reviewer's message exists
    small = _statements(app, api, token, [api.entry() for _ in range(3)])
    with app.app_context():
        template = db.session.scalar(sa.select(Entry).limit(1))
        row = {c.name: getattr(template, c.name) for c in Entry.__table__.columns if c.name != "id"}
        db.session.execute(sa.insert(Entry.__table__), [
            {**row, "uuid": str(uuidlib.uuid4()), "change_seq": 100 + n, "date": dt.date(2025, 1, 1)}
            for n in range(3000)])
        db.session.commit()
    large = _statements(app, api, token, [api.entry() for _ in range(3)])
    assert large == small
    assert len(small) <= 10, small
    assert not [s for s in small if "count(" in s.lower() or "max(" in s.lower()], small
