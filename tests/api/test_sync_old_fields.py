"""Older phones still send what the contract allowed before issue 11: participants for a broadcast, a single
"of whom under 16", a contest's single audience, support's single count of children. All are accepted and kept;
participants of kinds without a counted audience stay out of the headline."""
import sqlalchemy as sa

from tests.api.test_openapi import _document
from webapp.entries.models import Entry
from webapp.extensions import db


def _read_back(app, entry_uuid: str) -> dict:
    """The stored entry's data."""
    with app.app_context():
        return db.session.scalar(sa.select(Entry).where(Entry.uuid == entry_uuid)).to_data()


def test_old_fields_are_accepted_and_kept(app, api):
    """Each older field is created, not rejected, and reads back as sent."""
    token = api.token()
    sent = [api.entry("broadcast", participants_male=40, participants_female=30),
            api.entry("outreach", under_16=7, ethnic_minority=2),
            api.entry("contest", audience=120),
            api.entry("support", recipients_female=1, recipients_children=2, cost_vnd=0)]
    results = api.sync_ok(token, sent)
    assert [r["status"] for r in results] == ["created"] * 4, results
    broadcast, outreach, contest, support = (_read_back(app, entry["uuid"]) for entry in sent)
    assert (broadcast["participants_male"], broadcast["participants_female"]) == (40, 30)
    assert (outreach["under_16"], outreach["under_16_male"], outreach["ethnic_minority"]) == (7, None, 2)
    assert contest["audience"] == 120
    assert support["recipients_children"] == 2 and support["recipients_boys"] is None


def test_a_broadcast_without_participants_is_accepted(api):
    """A new client leaves the participants of a broadcast out."""
    entry = api.entry("broadcast")
    del entry["data"]["participants_male"], entry["data"]["participants_female"]
    [result] = api.sync_ok(api.token(), [entry])
    assert result["status"] == "created", result


def test_participants_of_kinds_without_an_audience_stay_out_of_the_headline(api):
    """The totals API counts the outreach's participants, not the broadcast's an older client sent."""
    token = api.token()
    api.sync_ok(token, [api.entry("broadcast", participants_male=40, participants_female=30),
                        api.entry("online", participants_male=5, participants_female=6),
                        api.entry("outreach", participants_male=3, participants_female=4)])
    officer = api.token("tonghop")
    body = api.client.get("/api/v1/reports/totals", headers=api.auth(officer), query_string={
        "from": "2023-01-01", "to": "2023-12-31", "group_by": "kind", "status": "submitted"}).get_json()
    by_kind = {row["kind"]: row for row in body["rows"]}
    assert by_kind["broadcast"]["entries"] == 1 and by_kind["broadcast"]["participants_total"] == 0
    assert by_kind["online"]["participants_total"] == 0
    assert (by_kind["outreach"]["participants_male"], by_kind["outreach"]["participants_female"]) == (3, 4)
    assert body["totals"]["participants_total"] == 7


def test_split_and_old_total_must_agree(api):
    """Sent both ways, the single total must equal the split's sum; the message is in Vietnamese."""
    [result] = api.sync_ok(api.token(), [api.entry("outreach", under_16=5, under_16_male=1, under_16_female=1)])
    assert result["status"] == "rejected" and result["errors"] == {"under_16": "Phải bằng tổng số nam và nữ (2)."}


def test_cost_needs_a_funding_source_over_the_api(api):
    """A cost above 0 without a source, or with "no cost", is rejected with the Vietnamese message."""
    token = api.token()
    results = api.sync_ok(token, [api.entry("outreach", funding_source=None),
                                  api.entry("outreach", funding_source="none")])
    assert [r["errors"] for r in results] == [
        {"funding_source": "Kinh phí lớn hơn 0 thì phải chọn nguồn kinh phí."},
        {"funding_source": "Đã chọn “Không sử dụng kinh phí” thì kinh phí phải bằng 0."}]


def test_openapi_requires_participants_only_where_counted(client):
    """Broadcast, banners, online and commendation do not require participants; older single counts are
    described as deprecated."""
    schemas = _document(client)["components"]["schemas"]
    for code in ("broadcast", "print_media", "online", "commendation"):
        assert {"participants_male", "participants_female"}.isdisjoint(schemas[f"Data_{code}"]["required"])
        assert "participants_male" in schemas[f"Data_{code}"]["properties"]
    for code in ("outreach", "training", "inspection", "contest", "model_club"):
        assert {"participants_male", "participants_female"} <= set(schemas[f"Data_{code}"]["required"])
    outreach = schemas["Data_outreach"]["properties"]
    assert outreach["under_16"]["deprecated"] is True and "under_16_male" in outreach["under_16"]["description"]
    assert outreach["under_16_female"]["type"] == "integer"
    assert schemas["Data_contest"]["properties"]["audience"]["deprecated"] is True
