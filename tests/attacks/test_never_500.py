"""Issue 9 §6: abuse that answered 500 now gets a clear refusal; one bad entry never sinks a batch."""
import json
import uuid as uuidlib

import pytest

from tests.api.conftest import snapshot

SURROGATE = "\\ud800"  # as JSON writes a lone surrogate


def _raw_batch(api, token, entries_json: list[str]):
    """Post a batch written by hand (lone surrogates cannot go through ``json.dumps`` of a str)."""
    body = '{"entries": [' + ", ".join(entries_json) + "]}"
    return api.client.post("/api/v1/sync", data=body.encode(), content_type="application/json",
                           headers=api.auth(token))


def _with_raw(entry: dict, field: str, raw_value: str) -> str:
    """``entry`` as JSON with ``data[field]`` replaced by raw JSON text."""
    text = json.dumps({**entry, "data": {**entry["data"], field: "__RAW__"}})
    return text.replace('"__RAW__"', raw_value)


TEXT_ATTACKS = [  # (kind, field, raw JSON value): every text of one entry, a list item, a key
    ("outreach", "notes", f'"Tuyên truyền {SURROGATE} tại thôn"'),
    ("inspection", "findings", f'"{SURROGATE}"'),
    ("inspection", "recommendations", f'"a{SURROGATE}b"'),
    ("inspection", "follow_up", f'"\\udfff"'),
    ("inspection", "unit_inspected", f'"Trường {SURROGATE}"'),
    ("training", "course_name", f'"Lớp {SURROGATE}"'),
    ("outreach", "topics", f'["{SURROGATE}"]'),
    ("outreach", "campaign", f'"{SURROGATE}"'),
    ("outreach", "date", f'"2023-06-1{SURROGATE}"'),
]
NUMBER_ATTACKS = [  # (field, raw JSON value): too large for a float or for the column
    ("latitude", "1" + "0" * 400), ("longitude", "-1" + "0" * 400), ("latitude", "1e400"),
    ("participants_male", "1" + "0" * 30), ("cost_vnd", "9" * 25), ("materials", "1" + "0" * 19),
    ("unit_id", "1" + "0" * 25), ("village_id", "1" + "0" * 25), ("unit_id", '"' + "9" * 25 + '"'),
    ("village_id", '"²"'), ("unit_id", '"١٢"'), ("date", '"0001-01-01"'), ("date", '"9999-12-31"'),
    ("date", '"20230612"'), ("date", '"2023-W24-1"'), ("end_date", '"2023-163"'),
]


@pytest.mark.parametrize("kind, field, raw", TEXT_ATTACKS)
def test_a_lone_surrogate_rejects_only_its_entry(app, api, kind, field, raw):
    """The bad entry is ``rejected`` naming the field, nothing of it saved; its neighbours are created."""
    token = api.token()
    before = snapshot(app)
    good_before, bad, good_after = api.entry(), api.entry(kind=kind), api.entry()
    response = _raw_batch(api, token, [json.dumps(good_before), _with_raw(bad, field, raw), json.dumps(good_after)])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    first, middle, last = response.get_json()["results"]
    assert (first["status"], middle["status"], last["status"]) == ("created", "rejected", "created")
    assert field in middle["errors"]
    assert len(snapshot(app)["entries"]) == len(before["entries"]) + 2


def test_a_lone_surrogate_in_a_field_name_or_an_update_changes_nothing(app, api):
    """A surrogate key is rejected; an edit carrying one leaves the stored entry as it was."""
    token = api.token()
    sent = api.entry()
    api.sync_ok(token, [sent])
    before = snapshot(app)
    edit = _with_raw({**sent, "base_revision": 1}, "notes", f'"{SURROGATE}"')
    odd_key = json.dumps(api.entry()).replace('"notes"', f'"{SURROGATE}"')
    response = _raw_batch(api, token, [edit, odd_key])
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "rejected"]
    assert snapshot(app) == before


@pytest.mark.parametrize("field, raw", NUMBER_ATTACKS)
def test_huge_numbers_odd_digits_and_odd_dates_reject_only_their_entry(app, api, field, raw):
    """Each is ``rejected`` (or ``forbidden`` for a unit) with the field named; the other entry is created."""
    token = api.token()
    response = _raw_batch(api, token, [_with_raw(api.entry(), field, raw), json.dumps(api.entry())])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    bad, good = response.get_json()["results"]
    assert bad["status"] in ("rejected", "forbidden") and good["status"] == "created"
    assert set(bad["errors"]) & {field, "_entry"}


@pytest.mark.parametrize("path", [
    "/entries/?month=9999-12", "/entries/?month=0001-01", "/entries/?village_id=" + "9" * 25,
    "/entries/?village_id=²", "/review/?month=9999-12", "/review/?unit_id=" + "9" * 25, "/review/?village_id=١٢",
    "/audit/?from=0001-01-01&to=9999-12-31", "/audit/?to=9999-12-31", "/audit/?from=0001-01-01",
    "/audit/?user_id=" + "9" * 25, "/audit/?user_id=²",
    "/reports/?from=9999-12-31&to=9999-12-31", "/reports/?from=0001-01-01&to=0001-12-31",
    "/reports/?unit=" + "9" * 25, "/reports/export.csv?from=9999-12-31&to=9999-12-31",
    "/reports/export.xlsx?from=0001-01-01&to=0001-01-02", "/plan/targets/" + "9" * 25,
    "/plan/?year=" + "9" * 25, "/plan/?year=²",
])
def test_filters_at_the_edges_never_answer_500(app, client, auth, commune, path):
    """Year 1 and 9999, 25-digit ids and non-ASCII digits in the filters of every list and report."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login("tonghop")
    assert client.get(path).status_code < 500


@pytest.mark.parametrize("value", ["20230101", "2023-W01-1", "2023-001", "２０２３-01-01", "2023-1-1", "0001-01-01",
                                   "9999-12-31", " 2023-01-01x"])
def test_api_dates_must_be_exactly_yyyy_mm_dd_in_range(app, client, auth, commune, value):
    """``from``/``to`` of the totals API: 400 naming the parameter; a proper date passes."""
    auth.login("tonghop")
    response = client.get("/api/v1/reports/totals", query_string={"from": value, "to": "2023-12-31"})
    assert response.status_code == 400 and response.get_json()["error"]["param"] == "from"
    assert client.get("/api/v1/reports/totals?from=2023-01-01&to=2023-12-31").status_code == 200


@pytest.mark.parametrize("body", [
    '{"username": "canbo1", "password": "a' + SURROGATE + '", "device_name": "x"}',
    '{"username": "' + SURROGATE + '", "password": "x"}',
    '{"username": "canbo1", "password": "x", "device_name": "' + SURROGATE + '"}',
])
def test_a_lone_surrogate_in_sign_in_is_a_400(app, client, commune, body):
    """The token endpoint refuses what cannot be stored or hashed, without a 500."""
    response = client.post("/api/v1/tokens", data=body.encode(), content_type="application/json")
    assert response.status_code == 400


def test_a_lone_surrogate_in_a_review_comment_or_push_endpoint_is_a_400(app, api):
    """The review comment and a push endpoint are refused with the field named."""
    from tests import factories
    from webapp.extensions import db

    with app.app_context():
        entry = factories.make_entry("canbo1")
        entry_uuid = entry.uuid
        db.session.commit()
    token = api.token("duyet")
    body = '{"action": "return", "comment": "' + SURROGATE + '", "revision": 1}'
    response = api.client.post(f"/api/v1/entries/{entry_uuid}/review", data=body.encode(),
                               content_type="application/json", headers=api.auth(token))
    assert response.status_code == 400 and "comment" in response.get_json()["error"]["fields"]
    body = '{"endpoint": "https://fcm.googleapis.com/' + SURROGATE + '", "keys": {}}'
    response = api.client.post("/api/v1/push/subscriptions", data=body.encode(), content_type="application/json",
                               headers=api.auth(token))
    assert response.status_code == 400 and "endpoint" in response.get_json()["error"]["fields"]
