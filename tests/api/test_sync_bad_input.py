"""Bad input to ``/api/v1/sync``: the right status or per-entry result, never a 500, nothing saved."""
import json
import uuid as uuidlib

import pytest

from tests.api.conftest import snapshot


def _post_raw(api, token, body: bytes, content_type="application/json"):
    """Post bytes as they are."""
    return api.client.post("/api/v1/sync", data=body, content_type=content_type, headers=api.auth(token))


@pytest.mark.parametrize("body", [
    b"", b"not json", b"{", b'{"entries": [}', b"\xff\xfe\x00garbage", b'{"entries": [NaN]}',
    b"[" * 100_000 + b"]" * 100_000,
])
def test_not_json_is_400(app, api, body):
    """A body that is not JSON: 400 with the contract's error shape."""
    token = api.token()
    before = snapshot(app)
    response = _post_raw(api, token, body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "not_json"
    assert response.get_json()["error"]["message"]
    assert snapshot(app) == before


@pytest.mark.parametrize("payload", [
    [], {}, {"entries": None}, {"entries": {}}, {"entries": "x"}, {"entry": []}, "entries", 42, None,
])
def test_wrong_shape_is_400(app, api, payload):
    """JSON but not ``{"entries": [...]}``: 400."""
    token = api.token()
    response = _post_raw(api, token, json.dumps(payload).encode())
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_501_entries_is_413_and_nothing_saved(app, api):
    """One over the limit: 413 for the whole request, not one entry saved."""
    token = api.token()
    before = snapshot(app)
    response = api.sync(token, [api.entry() for _ in range(501)])
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_many_entries"
    assert "500" in response.get_json()["error"]["message"]
    assert snapshot(app) == before


def test_500_entries_are_accepted(app, api):
    """Exactly the limit: every entry created."""
    results = api.sync_ok(api.token(), [api.entry() for _ in range(500)])
    assert len(results) == 500 and {r["status"] for r in results} == {"created"}
    assert len(snapshot(app)["entries"]) == 500


def test_body_over_the_byte_limit_is_413(make_app, ids):
    """A body larger than SYNC_MAX_BYTES: 413, whatever it holds."""
    from tests.api.conftest import ApiClient

    small = make_app(SYNC_MAX_BYTES=4000)
    api = ApiClient(small.test_client(), ids)
    token = api.token()
    response = api.sync(token, [api.entry(notes="x" * 1500) for _ in range(3)])
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    assert len(snapshot(small)["entries"]) == 0


@pytest.mark.parametrize("entry, field", [
    ({"uuid": "not-a-uuid"}, "uuid"),
    ({"uuid": 12345}, "uuid"),
    ({"uuid": None}, "uuid"),
    ({"uuid": "0" * 10_000}, "uuid"),
    ({"kind": "dancing"}, "kind"),
    ({"kind": None}, "kind"),
    ({"kind": ["outreach"]}, "kind"),
    ({"base_revision": "1"}, "base_revision"),
    ({"base_revision": 0}, "base_revision"),
    ({"base_revision": True}, "base_revision"),
    ({"base_revision": 1.5}, "base_revision"),
    ({"data": "x"}, "data"),
    ({"data": None}, "data"),
    ({"data": [1, 2]}, "data"),
])
def test_malformed_entry_parts_are_rejected_by_name(app, api, entry, field):
    """A malformed uuid, kind, base_revision or data: that entry is ``rejected`` naming the part."""
    token = api.token()
    sent = {**api.entry(), **entry}
    before = snapshot(app)
    [result] = api.sync_ok(token, [sent])
    assert result["status"] == "rejected" and field in result["errors"] and result["revision"] is None
    assert snapshot(app) == before


@pytest.mark.parametrize("overrides, field", [
    ({"participants_male": "12"}, "participants_male"),  # strict JSON types: a number, not text
    ({"participants_male": 12.5}, "participants_male"),
    ({"participants_male": True}, "participants_male"),
    ({"participants_male": 10**30}, "participants_male"),
    ({"participants_female": None}, "participants_female"),
    ({"cost_vnd": -1}, "cost_vnd"),
    ({"cost_vnd": [1]}, "cost_vnd"),
    ({"date": 20230612}, "date"),
    ({"date": "12/06/2023"}, "date"),
    ({"date": "2999-01-01"}, "date"),
    ({"unit_id": "chi-hoi"}, "unit_id"),
    ({"unit_id": None}, "unit_id"),
    ({"village_id": 10**9}, "village_id"),
    ({"topics": "không-có"}, "topics"),
    ({"topics": [1, 2]}, "topics"),
    ({"notes": "x" * 1_000_000}, "notes"),
    ({"notes": {"a": 1}}, "notes"),
    ({"notes": "nul \x00 inside"}, "notes"),
    ({"latitude": "north"}, "latitude"),
    ({"latitude": 1e308}, "latitude"),
    ({"format": "x" * 100_000}, "format"),
    ({"no_such_field": 1}, "no_such_field"),
])
def test_wrong_types_and_huge_values_are_rejected(app, api, overrides, field):
    """Wrong types, huge strings and numbers: ``rejected`` with that field's error, nothing saved."""
    token = api.token()
    sent = api.entry(**overrides)
    before = snapshot(app)
    [result] = api.sync_ok(token, [sent])
    assert result["status"] == "rejected", result
    assert field in result["errors"] and result["errors"][field]
    assert snapshot(app) == before


def test_huge_unknown_field_names_are_cut_in_the_answer(api):
    """Thousands of unknown fields with long names: one rejected result of bounded size."""
    token = api.token()
    sent = api.entry(**{f"{'k' * 500}{i}": i for i in range(2000)})
    response = api.sync(token, [sent])
    [result] = response.get_json()["results"]
    assert result["status"] == "rejected"
    assert len(result["errors"]) <= 50 and all(len(name) <= 100 for name in result["errors"])
    assert len(response.data) < 50_000


def test_rejected_update_leaves_the_stored_entry_as_it_was(app, api):
    """An invalid edit of an existing entry: ``rejected``, the stored revision and content unchanged."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    before = snapshot(app)
    [result] = api.sync_ok(token, [{**sent, "base_revision": 1, "data": {**sent["data"], "cost_vnd": -5}}])
    assert result["status"] == "rejected" and "cost_vnd" in result["errors"]
    assert snapshot(app) == before


def test_every_kind_round_trips(app, api):
    """A valid entry of every kind is created, and a retry of it is unchanged (stored = sent)."""
    from tests.factories import KIND_DEFAULTS

    token = api.token()
    sent = [api.entry(kind=kind) for kind in KIND_DEFAULTS]
    assert {r["status"] for r in api.sync_ok(token, sent)} == {"created"}
    assert {r["status"] for r in api.sync_ok(token, sent)} == {"unchanged"}


def test_uuid_versions_other_than_4_are_accepted(app, api):
    """Any well-formed UUID made on a device is accepted (some devices make version 1)."""
    [result] = api.sync_ok(api.token(), [api.entry(entry_uuid=str(uuidlib.uuid1()))])
    assert result["status"] == "created"
