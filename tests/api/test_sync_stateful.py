"""Random sync sequences from two devices of one person, checked against a model of the server.

Steps: new entries, edits from what a device last knew (right or stale base_revision), responses
lost on the way and the request retried later, invalid data, pulls of the read-back feed. After every
step: the server holds each UUID once, with the last accepted content and a revision that only grew.
"""
from __future__ import annotations

import uuid as uuidlib

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from webapp.entries.models import Entry
from webapp.extensions import db

DEVICES = ("phone", "tablet")
FORMATS = ("direct_talk", "village_meeting", "conference", "dialogue")

contents = st.fixed_dictionaries({
    "participants_male": st.integers(0, 40),
    "participants_female": st.integers(0, 40),
    "notes": st.sampled_from(["", "Họp thôn", "Tuyên truyền Luật Bình đẳng giới"]),
    "format": st.sampled_from(FORMATS),
})
invalid = st.sampled_from([{"participants_male": -1}, {"participants_female": "nhiều"}, {"date": "2023-02-30"},
                           {"format": "hat-karaoke"}, {"notes": "Số chị ấy 0912345678"}])


def test_two_devices_sync_at_random(app, api):
    """Run the state machine (bounded: 25 examples of up to 20 steps)."""
    tokens = {device: api.token(device=device) for device in DEVICES}

    class TwoDevices(RuleBasedStateMachine):
        """The server as the model expects it, and what each device has learnt of it."""

        uuids = Bundle("uuids")

        def __init__(self):
            """Empty model."""
            super().__init__()
            self.server: dict[str, tuple[dict, int]] = {}  # uuid → (data last accepted, revision)
            self.known: dict[str, dict[str, int]] = {d: {} for d in DEVICES}  # device → uuid → revision
            self.lost: dict[str, list[dict]] = {d: [] for d in DEVICES}  # requests whose answer was lost
            self.cursors: dict[str, str] = {}
            self.revisions_seen: dict[str, int] = {}

        @initialize()
        def start_after_earlier_examples(self):
            """Each device's cursor starts after what earlier examples wrote."""
            cursor = ""
            while True:
                page = self._get(DEVICES[0], f"/api/v1/entries?updated_since={cursor}")
                cursor = page["cursor"]
                if not page["more"]:
                    break
            self.cursors = {d: cursor for d in DEVICES}

        # ---- talking to the server -------------------------------------------------------------
        def _get(self, device: str, url: str) -> dict:
            """A GET with the device's token."""
            response = api.client.get(url, headers=api.auth(tokens[device]))
            assert response.status_code == 200
            return response.get_json()

        def _send(self, device: str, entry: dict) -> dict:
            """Sync one entry; its result."""
            [result] = api.sync_ok(tokens[device], [entry])
            assert result["uuid"] == entry["uuid"]
            return result

        def _expect(self, entry: dict) -> tuple[str, int]:
            """The status and revision the server must answer for a valid ``entry``."""
            if entry["uuid"] not in self.server:
                return "created", 1
            content, revision = self.server[entry["uuid"]]
            if entry["data"] == content:
                return "unchanged", revision
            if entry["base_revision"] == revision:
                return "updated", revision + 1
            return "conflict", revision

        def _deliver(self, device: str, entry: dict, lose: bool) -> None:
            """Send a valid entry, check the answer against the model, apply it; maybe lose the answer."""
            status, revision = self._expect(entry)
            result = self._send(device, entry)
            assert (result["status"], result["revision"]) == (status, revision), (result, status, revision)
            if status in ("created", "updated"):
                self.server[entry["uuid"]] = (entry["data"], revision)
            if status == "conflict":
                assert result["current"]["revision"] == revision
                assert self._matches(result["current"]["data"], self.server[entry["uuid"]][0])
            if lose:
                self.lost[device].append(entry)
            else:
                self.known[device][entry["uuid"]] = revision

        @staticmethod
        def _matches(stored: dict, sent: dict) -> bool:
            """Whether stored data holds every value that was sent."""
            return all(stored.get(name) == value for name, value in sent.items())

        # ---- rules --------------------------------------------------------------------------------
        @rule(target=uuids, device=st.sampled_from(DEVICES), content=contents, lose=st.booleans())
        def new_entry(self, device, content, lose):
            """A new entry made on a device."""
            entry = api.entry(entry_uuid=str(uuidlib.uuid4()), **content)
            self._deliver(device, entry, lose)
            return entry["uuid"]

        @rule(device=st.sampled_from(DEVICES), entry_uuid=uuids, content=contents, lose=st.booleans())
        def edit(self, device, entry_uuid, content, lose):
            """An edit from the revision this device last knew (stale if the other device edited since)."""
            entry = api.entry(entry_uuid=entry_uuid, base_revision=self.known[device].get(entry_uuid), **content)
            self._deliver(device, entry, lose)

        @precondition(lambda self: any(self.lost.values()))
        @rule(data=st.data())
        def retry_lost(self, data):
            """A request whose answer was lost is sent again, maybe after other steps."""
            device = data.draw(st.sampled_from([d for d in DEVICES if self.lost[d]]))
            entry = self.lost[device].pop(data.draw(st.integers(0, len(self.lost[device]) - 1)))
            self._deliver(device, entry, lose=False)

        @rule(device=st.sampled_from(DEVICES), bad=invalid, target_uuid=st.one_of(st.none(), uuids))
        def invalid_data(self, device, bad, target_uuid):
            """Invalid data, new or for an existing entry: rejected, nothing changes."""
            entry_uuid = target_uuid or str(uuidlib.uuid4())
            entry = api.entry(entry_uuid=entry_uuid, base_revision=self.known[device].get(entry_uuid), **bad)
            result = self._send(device, entry)
            assert result["status"] == "rejected" and result["errors"] and result["revision"] is None

        @rule(device=st.sampled_from(DEVICES))
        def pull(self, device):
            """Read back what changed since the device's cursor; it learns the current revisions."""
            page = self._get(device, f"/api/v1/entries?updated_since={self.cursors[device]}")
            self.cursors[device] = page["cursor"]
            for item in page["entries"]:
                if item["uuid"] in self.server:
                    content, revision = self.server[item["uuid"]]
                    assert item["revision"] == revision and self._matches(item["data"], content)
                    self.known[device][item["uuid"]] = revision

        # ---- the invariant -----------------------------------------------------------------------
        @invariant()
        def server_holds_each_uuid_once_with_the_last_accepted_content(self):
            """Once each, last accepted content, revisions only grow."""
            if not self.server:
                return
            with app.app_context():
                rows = db.session.scalars(sa.select(Entry).where(Entry.uuid.in_(list(self.server)))).all()
                stored = {row.uuid: (row.to_data(), row.revision) for row in rows}
            assert len(rows) == len(self.server) == len(stored)
            for entry_uuid, (content, revision) in self.server.items():
                data, stored_revision = stored[entry_uuid]
                assert stored_revision == revision and self._matches(data, content)
                assert stored_revision >= self.revisions_seen.get(entry_uuid, 0)
                self.revisions_seen[entry_uuid] = stored_revision

    run_state_machine_as_test(TwoDevices, settings=settings(
        max_examples=25, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
