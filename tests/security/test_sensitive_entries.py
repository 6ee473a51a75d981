"""Issue 9 item 2 (entry level): an entry of a sensitive kind (support) is seen only by its author, the
unit's reviewers and the commune officer — never by a province role or a colleague — in the pages and
in ``GET /api/v1/entries``; and it keeps no GPS position."""
import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import DEMO_PASSWORD
from tests.security.pages import add_province_officer
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import all_kinds, get_kind, sensitive_kind_codes

SEES = {"canbo1": True, "duyet": True, "tonghop": True, "quantri": True, "tinh": False, "canbo1b": False}


@pytest.fixture
def entries(app, commune):
    """canbo1's support entry (with a GPS position sent) and outreach entry; a colleague in the same
    unit (``canbo1b``); the province officer ``tinh``."""
    with app.app_context():
        add_province_officer(commune)
        factories.make_user("canbo1b", "field_staff", "chi-hoi-pn-thon-thanh-xa", password=DEMO_PASSWORD)
        support = factories.make_entry("canbo1", "support", recipients_female=2, recipients_children=1,
                                       latitude=21.02, longitude=105.85)
        outreach = factories.make_entry("canbo1", "outreach", latitude=21.02, longitude=105.85)
        return {"support": support.uuid, "outreach": outreach.uuid}


def test_support_is_the_sensitive_kind_and_declares_it_field_by_field():
    """The flag lives on the kind's fields; support's recipients are sensitive, nothing of outreach is."""
    assert sensitive_kind_codes() == ("support",)
    support = get_kind("support")
    assert {f.name for f in support.fields if f.sensitive} == {"recipients_male", "recipients_female",
                                                              "recipients_boys", "recipients_girls",
                                                              "recipients_children"}
    assert not any(f.sensitive for kind in all_kinds() if kind.code != "support" for f in kind.fields)


@pytest.mark.parametrize("username", sorted(SEES))
def test_who_sees_a_support_entry_in_pages_and_api(client, auth, entries, username):
    """Detail page, entry list and the API read-back agree for every role; outreach stays visible."""
    assert auth.login(username, DEMO_PASSWORD).status_code == 302
    expected = SEES[username]
    detail = client.get(f"/entries/{entries['support']}")
    assert detail.status_code == (200 if expected else 404)
    listing = client.get("/entries/").get_data(as_text=True)
    assert (entries["support"] in listing) is expected
    assert entries["outreach"] in listing
    feed = client.get("/api/v1/entries").get_json()["entries"]
    uuids = {item["uuid"] for item in feed}
    assert (entries["support"] in uuids) is expected
    assert entries["outreach"] in uuids
    if expected:
        [item] = [item for item in feed if item["uuid"] == entries["support"]]
        assert item["data"]["recipients_female"] == 2


def test_support_entries_store_no_gps(app, entries):
    """The position sent with the support entry is dropped; the outreach entry keeps its own."""
    with app.app_context():
        rows = {e.uuid: (e.latitude, e.longitude) for e in db.session.scalars(sa.select(Entry))}
    assert rows[entries["support"]] == (None, None)
    assert rows[entries["outreach"]] == (21.02, 105.85)


def test_sync_of_a_support_entry_with_gps_stores_none(app, client, commune):
    """Through the phone's sync path too: accepted, the position not kept."""
    with app.app_context():
        data = factories.entry_data("support", latitude=21.5, longitude=105.5, recipients_male=1)
    response = client.post("/api/v1/tokens", json={"username": "canbo1", "password": DEMO_PASSWORD,
                                                   "device_name": "Điện thoại"})
    token = response.get_json()["token"]
    sent = {"uuid": "0b6b1d2e-7f3c-4a41-9d0e-3c1f5e2a7b10", "kind": "support", "base_revision": None, "data": data}
    result = client.post("/api/v1/sync", json={"entries": [sent]}, headers={"Authorization": f"Bearer {token}"})
    assert result.get_json()["results"][0]["status"] == "created"
    with app.app_context():
        entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == sent["uuid"]))
        assert (entry.latitude, entry.longitude) == (None, None)


@pytest.mark.parametrize("username", ["canbo1b", "canbo1"])
def test_a_sync_answer_never_carries_a_support_entry_to_a_colleague(app, client, entries, username):
    """A colleague in the same unit who knows the UUID gets "forbidden" with nothing of the entry (no
    "current", no "unchanged" oracle); its author still gets the conflict with the server's version."""
    with app.app_context():
        stored = db.session.scalar(sa.select(Entry).where(Entry.uuid == entries["support"]))
        data = stored.to_data()
    token = client.post("/api/v1/tokens", json={"username": username, "password": DEMO_PASSWORD,
                                                "device_name": "Điện thoại"}).get_json()["token"]
    stale = {"uuid": entries["support"], "kind": "support", "base_revision": 99, "data": {**data, "notes": "Sửa"}}
    same = {"uuid": entries["support"], "kind": "support", "base_revision": 1, "data": data}
    results = client.post("/api/v1/sync", json={"entries": [stale, same]},
                          headers={"Authorization": f"Bearer {token}"}).get_json()["results"]
    if username == "canbo1b":
        assert [r["status"] for r in results] == ["forbidden", "forbidden"]
        assert all("current" not in r and "recipients_female" not in str(r) for r in results)
    else:
        assert [r["status"] for r in results] == ["conflict", "unchanged"]
        assert results[0]["current"]["data"]["recipients_female"] == 2
