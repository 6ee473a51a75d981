"""The field officer's form and home page as the server renders them: the fold of optional fields,
"Ghi vị trí" (never for victims' support), money typed as 2.500.000, coordinates on the entry page,
and "Cần sửa" on top of the list with one's own returned entries."""
import re

import sqlalchemy as sa

from tests import factories
from webapp.entries.models import Entry
from webapp.extensions import db


def _form(app, **overrides):
    """A valid outreach form post for canbo1's branch (text values, as a browser sends)."""
    with app.app_context():
        data = factories.entry_data("outreach", **overrides)
    return {k: (v if isinstance(v, list) else str(v)) for k, v in data.items()}


def _parts(page: str) -> tuple[str, str]:
    """The form before "Thêm chi tiết" and the folded part."""
    start = page.index('<details class="more-details"')
    return page[:start], page[start:page.index("</details>", start)]


def test_required_fields_come_first_and_optional_ones_are_folded(client, auth, commune):
    """On a new outreach form the required inputs are outside the fold, the optional ones inside it,
    and the fold starts closed."""
    auth.login()
    page = client.get("/entries/new/outreach").get_data(as_text=True)
    main, folded = _parts(page)
    for name in ("unit_id", "village_id", "date", "format", "participants_male", "participants_female", "cost_vnd",
                 "funding_source"):
        assert f'name="{name}"' in main, name
    for name in ("end_date", "topics", "campaign", "target_group", "ethnic_minority_male", "ethnic_minority_female",
                 "under_16_male", "under_16_female", "materials", "notes"):
        assert f'name="{name}"' in folded and f'name="{name}"' not in main, name
    assert re.search(r"<details[^>]*data-more-details(?![^>]*\bopen\b)[^>]*>", page)
    assert "Thêm chi tiết" in folded


def test_the_fold_opens_for_an_error_or_a_value_inside_it(app, client, auth, commune):
    """A post refused for a folded field, or an entry being edited with notes, shows the fold open."""
    auth.login()
    refused = client.post("/entries/new/outreach", data=_form(app, under_16_female="900"))
    assert refused.status_code == 400
    assert re.search(r"<details[^>]*data-more-details[^>]*\bopen\b", refused.get_data(as_text=True))
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1", notes="Họp ở nhà văn hoá").uuid
    edit = client.get(f"/entries/{entry_uuid}/edit").get_data(as_text=True)
    assert re.search(r"<details[^>]*data-more-details[^>]*\bopen\b", edit)


def test_a_kinds_counted_figures_stay_up_front(client, auth, commune):
    """Support's recipients are optional but counted by the report: outside the fold; and the support
    form, which concerns victims, has no location at all, while outreach has "Ghi vị trí"."""
    auth.login()
    support = client.get("/entries/new/support").get_data(as_text=True)
    main, _folded = _parts(support)
    assert 'name="recipients_female"' in main and 'name="value_vnd"' in main
    assert "data-gps" not in support and "Ghi vị trí" not in support
    assert "Ghi vị trí" in client.get("/entries/new/outreach").get_data(as_text=True)


def test_money_typed_with_dots_is_saved_as_an_integer(app, client, auth, commune):
    """The cost input is text for "2.500.000" (inputmode numeric); the post saves 2500000."""
    auth.login()
    page = client.get("/entries/new/outreach").get_data(as_text=True)
    assert re.search(r'<input id="f-cost_vnd" name="cost_vnd" type="text" inputmode="numeric"[^>]*data-money', page)
    response = client.post("/entries/new/outreach", data=_form(app, cost_vnd="2.500.000"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Entry.cost_vnd)) == 2_500_000


def test_the_entry_page_shows_its_coordinates(app, client, auth, commune):
    """An entry with a location shows it as dd.dddddd; one without shows none."""
    with app.app_context():
        placed = factories.make_entry("canbo1", latitude=21.0285113, longitude=105.8541987).uuid
        plain = factories.make_entry("canbo1").uuid
    auth.login()
    page = client.get(f"/entries/{placed}").get_data(as_text=True)
    assert re.search(r"<dd data-coordinates>21\.028511, 105\.854199</dd>", page)
    assert "data-coordinates" not in client.get(f"/entries/{plain}").get_data(as_text=True)


def test_home_shows_my_returned_entries_on_top(app, client, auth, commune):
    """canbo1's returned entry, with the reviewer's comment, is under "Cần sửa" above the list;
    another officer's returned entry is not; with nothing returned the section is hidden."""
    with app.app_context():
        mine = factories.make_entry("canbo1", status="returned")
        mine.review_comment = "Sai số người tham gia"
        theirs = factories.make_entry("canbo2", status="returned", unit_code="chi-hoi-pn-thon-le-xa",
                                     village_code="thon-le-xa").uuid
        db.session.commit()
        mine = mine.uuid
    auth.login("canbo1")
    page = client.get("/entries/").get_data(as_text=True)
    section = page[page.index("data-needs-fix"):page.index('id="entry-list"')]
    assert "Cần sửa" in section and 'data-needs-fix-count>1<' in section
    assert f'data-returned-uuid="{mine}"' in section and "Sai số người tham gia" in section
    assert f'href="/entries/{mine}/edit"' in section and theirs not in section
    auth.logout()
    auth.login("canbo2")
    other = client.get("/entries/").get_data(as_text=True)
    assert f'data-returned-uuid="{theirs}"' in other and mine not in other[:other.index('id="entry-list"')]
    with app.app_context():
        db.session.execute(sa.update(Entry).values(status="submitted"))
        db.session.commit()
    quiet = client.get("/entries/").get_data(as_text=True)
    assert re.search(r'<section class="card needs-fix" data-needs-fix[^>]*\bhidden\b', quiet)
