"""Issue 11 §5: a decision in the queue answers with its row and, out of band, the queue's counts under
the page's filters; a row unfolds to the entry's details (htmx) or links to the entry (no JS)."""
from __future__ import annotations

import re

import pytest

from tests.review.helpers import entry_in

HTMX = {"HX-Request": "true"}


@pytest.fixture
def reviewer(app, client, commune):
    """duyet, signed in."""
    client.post("/login", data={"username": "duyet", "password": "thanhxa-demo"})
    return client


def test_a_decision_sends_the_new_counts_of_the_filtered_queue(app, reviewer):
    """Three wait (two in branch 1); approving one from the page filtered to branch 1 answers with
    "1 hoạt động phù hợp", "Duyệt 1 hoạt động…" out of band and the badge at 2."""
    with app.app_context():
        first, _second = entry_in("wu-branch").uuid, entry_in("wu-branch").uuid
        entry_in("wu-branch-2")
        unit_id = entry_in("wu-branch", status="approved").unit_id
    queue = reviewer.get(f"/review/?unit_id={unit_id}").get_data(as_text=True)
    assert "2 hoạt động phù hợp" in queue and 'data-review-total="2"' in queue
    response = reviewer.post(f"/review/{first}", headers=HTMX, data={
        "action": "approve", "revision": "1", "next": f"/review/?unit_id={unit_id}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    counts = re.search(r'<div id="review-counts"[^>]*hx-swap-oob="true"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "1 hoạt động phù hợp" in counts and "Duyệt tất cả 1 hoạt động đang hiển thị…" in counts
    assert f"unit_id={unit_id}" in counts  # the bulk link keeps the filter
    assert '<span class="badge" id="review-count" hx-swap-oob="true">2</span>' in html


def test_the_last_decision_removes_the_bulk_button(app, reviewer):
    """Nothing left under the filters: "0 hoạt động phù hợp" and no "Duyệt tất cả"."""
    with app.app_context():
        lone = entry_in("wu-branch").uuid
    html = reviewer.post(f"/review/{lone}", headers=HTMX, data={
        "action": "return", "comment": "Bổ sung ảnh", "revision": "1", "next": "/review/"}).get_data(as_text=True)
    assert "0 hoạt động phù hợp" in html and "data-bulk-approve" not in html


def test_a_row_unfolds_to_notes_and_details(app, reviewer, client):
    """htmx gets the details fragment (the notes among them); without htmx, the entry page; field staff
    may not use it."""
    with app.app_context():
        entry_uuid = entry_in("wu-branch", notes="Thiếu ảnh buổi chiều").uuid
    html = reviewer.get(f"/review/{entry_uuid}/more", headers=HTMX).get_data(as_text=True)
    assert "Thiếu ảnh buổi chiều" in html and "<html" not in html
    plain = reviewer.get(f"/review/{entry_uuid}/more")
    assert plain.status_code == 302 and plain.headers["Location"] == f"/entries/{entry_uuid}"
    queue = reviewer.get("/review/").get_data(as_text=True)
    assert f'hx-get="/review/{entry_uuid}/more"' in queue and "Bổ sung ảnh" in queue  # a quick comment
    reviewer.post("/logout")
    reviewer.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    assert reviewer.get(f"/review/{entry_uuid}/more", headers=HTMX).status_code == 403
