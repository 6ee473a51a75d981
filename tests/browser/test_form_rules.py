"""The phone runs the server's checks before saving, offline, at 360 px: each rule refuses the entry with the
very message the sync API gives for the same data, and nothing reaches the outbox."""
import datetime as dt
import uuid as uuidlib

import pytest

from tests.browser.helpers import open_form_offline, open_more_details, outbox_count, signed_in_then_offline
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

NEXT_YEAR = f"{dt.date.today().year + 1}-01-15"
# (what is typed: input name → value, the field the message belongs to)
CASES = [
    ({"date": NEXT_YEAR}, "date"),
    ({"participants_female": "9", "under_16_female": "12"}, "under_16_female"),
    ({"ethnic_minority_male": "6"}, "ethnic_minority_male"),
    ({"date": "2023-06-12", "end_date": "2023-06-10"}, "end_date"),
    ({"cost_vnd": "500000", "funding_source": ""}, "funding_source"),
    ({"cost_vnd": "500000", "funding_source": "none"}, "funding_source"),
]


def server_errors(app, data: dict) -> dict:
    """The errors ``POST /api/v1/sync`` gives canbo1 for an outreach entry with ``data``."""
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "canbo1", "password": DEMO_PASSWORD,
                                                "device_name": "kiểm thử"}).get_json()["token"]
    response = client.post("/api/v1/sync", headers={"Authorization": f"Bearer {token}"},
                           json={"entries": [{"uuid": str(uuidlib.uuid4()), "kind": "outreach",
                                              "base_revision": None, "data": data}]})
    [result] = response.get_json()["results"]
    assert result["status"] == "rejected", result
    return result["errors"]


def api_data(base: dict, typed: dict) -> dict:
    """What the form would send, as the API's JSON types."""
    data = {**base, **typed}
    for name in ("unit_id", "village_id", "participants_male", "participants_female", "cost_vnd",
                 "under_16_female", "ethnic_minority_male"):
        if data.get(name) not in (None, ""):
            data[name] = int(data[name])
    return {name: value for name, value in data.items() if value != ""}


def test_each_rule_refuses_offline_with_the_servers_message(app, live_server, chromium):
    """Offline at 360 px: a future date, "of whom" above the participants, an end before the start and a
    cost without a source (or with "no cost") are refused before saving, with the server's own words."""
    context, page = signed_in_then_offline(chromium, live_server)
    page.set_viewport_size({"width": 360, "height": 740})
    open_form_offline(page, live_server.url)
    page.select_option("select[name=village_id]", index=1)
    page.select_option("select[name=format]", "dialogue")
    open_more_details(page)  # notes, end date, "of whom" and the funding source are folded
    base = {"unit_id": page.input_value("select[name=unit_id]"), "village_id": page.input_value("select[name=village_id]"),
            "date": "2023-06-12", "participants_male": "5", "participants_female": "9", "cost_vnd": "0",
            "format": "dialogue", "notes": "Kiểm tra trên máy"}
    for typed, field in CASES:
        for name, value in {**base, **typed}.items():
            if name in ("unit_id", "village_id", "format", "funding_source"):
                page.select_option(f"select[name={name}]", value)
            else:
                page.fill(f"[name={name}]", value)
        page.click("#entry-form button[type=submit]")
        slot = page.locator(f"[data-error-for={field}]")
        slot.wait_for(state="visible")
        expected = server_errors(app, api_data(base, typed))
        assert slot.inner_text() == expected[field], typed
        assert outbox_count(page) == 0
        for name in typed:  # back to a valid form for the next rule
            if name == "funding_source":
                page.select_option("select[name=funding_source]", "")
            else:
                page.fill(f"[name={name}]", base.get(name, ""))
    page.fill("[name=cost_vnd]", "0")
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("[data-form-status]:has-text('Đã lưu trên máy')")
    assert outbox_count(page) == 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
