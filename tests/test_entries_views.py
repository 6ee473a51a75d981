"""Entry screens: who may see, log and edit what; the list's filters with and without htmx."""
import sqlalchemy as sa

from tests import factories
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db


def _form(app, **overrides):
    """A valid outreach form post for canbo1's branch (form values are text, as a browser sends)."""
    with app.app_context():
        data = factories.entry_data("outreach", **overrides)
    return {k: (v if isinstance(v, list) else str(v)) for k, v in data.items()}


def test_new_form_has_contract_names(client, auth, commune):
    """The outreach form is #entry-form and its inputs carry the API field names."""
    auth.login()
    page = client.get("/entries/new/outreach")
    assert page.status_code == 200
    assert b'<form id="entry-form"' in page.data
    for name in (b"unit_id", b"village_id", b"date", b"participants_male", b"participants_female",
                 b"cost_vnd", b"notes", b"format"):
        assert b'name="' + name + b'"' in page.data
    assert b'name="participants_total"' not in page.data  # the total is computed, never typed


def test_every_kind_has_a_form(client, auth, commune):
    """Each declared kind opens its own form."""
    from webapp.kinds import all_kinds

    auth.login()
    for kind in all_kinds():
        page = client.get(f"/entries/new/{kind.code}")
        assert page.status_code == 200, kind.code
        for field in kind.fields:  # an older client's single count is accepted but no longer asked (issue 11)
            shown = f'name="{field.name}"'.encode() in page.data
            assert shown == (not field.legacy), (kind.code, field.name)


def test_unknown_kind_is_a_clear_404(client, auth, commune):
    """An unknown kind says so, in Vietnamese."""
    auth.login()
    page = client.get("/entries/new/picnic")
    assert page.status_code == 404
    assert "picnic".encode() in page.data


def test_create_entry_through_the_form(app, client, auth, commune):
    """A valid post saves one entry with the computed total and an audit event, then shows the list."""
    auth.login()
    form = _form(app)
    form["uuid"] = "3f0c2a57-6b0e-4d7e-9b8a-1d2c3e4f5a6b"
    response = client.post("/entries/new/outreach", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/entries/"
    again = client.post("/entries/new/outreach", data=form)  # a double tap sends the same uuid
    assert again.status_code == 302
    with app.app_context():
        entries = db.session.scalars(sa.select(Entry)).all()
        assert len(entries) == 1
        entry = entries[0]
        assert entry.uuid == form["uuid"] and entry.participants_total == 42
        assert entry.details == {"format": "direct_talk"} and entry.status == "submitted"
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entry_id == entry.id)).all()
        assert [e.action for e in events] == ["create"]
    listing = client.get("/entries/")
    assert "Thôn Thanh Xá".encode() in listing.data


import pytest  # noqa: E402


@pytest.mark.parametrize("field,value,message", [
    ("participants_male", "-3", "Phải từ 0 trở lên"),
    ("participants_female", "ba mươi", "Phải là số nguyên"),
    ("date", "2099-01-01", "Không được nhập ngày trong tương lai"),
    ("date", "1999-12-31", "không được trước"),
    ("date", "31/12/2023", "Phải là ngày"),
    ("format", "", "Bắt buộc nhập"),
    ("format", "karaoke", "Hãy chọn một trong các mục có sẵn"),
    ("notes", "Nạn nhân gọi 0912345678", "số điện thoại"),
])
def test_bad_input_gets_a_specific_message_and_saves_nothing(app, client, auth, commune, field, value, message):
    """Each bad value: HTTP 400, a Vietnamese message next to the field, nothing saved."""
    auth.login()
    form = _form(app)
    form[field] = value
    response = client.post("/entries/new/outreach", data=form)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    assert f'data-error-for="{field}"' in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 0


def test_village_of_another_commune_and_foreign_unit_are_refused(app, client, auth, commune):
    """canbo1 cannot log for canbo2's branch nor in a village outside the commune."""
    from webapp.units.models import Unit, Village

    with app.app_context():
        other = Unit.create("xa-khac", "Xã Khác", "commune")
        db.session.add(Village(commune_id=other.id, code="thon-khac", name="Thôn Khác"))
        db.session.commit()
        foreign_village = db.session.scalar(sa.select(Village.id).where(Village.code == "thon-khac"))
        foreign_unit = factories.unit("chi-hoi-pn-thon-le-xa").id
    auth.login()
    response = client.post("/entries/new/outreach", data=_form(app, village_id=foreign_village))
    assert response.status_code == 400 and "không thuộc xã của bạn" in response.get_data(as_text=True)
    response = client.post("/entries/new/outreach", data=_form(app, unit_id=foreign_unit))
    assert response.status_code == 400 and "không được ghi nhận hoạt động cho đơn vị này" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 0


def test_list_shows_only_what_the_role_may_see(app, client, auth, commune):
    """Field staff see their branch; the supervisor sees every branch below the Women's Union."""
    with app.app_context():
        mine = factories.make_entry("canbo1", notes="của chi hội một").uuid
        theirs = factories.make_entry("canbo2", unit_code="chi-hoi-pn-thon-le-xa", village_code="thon-le-xa").uuid
    auth.login("canbo1")
    page = client.get("/entries/").get_data(as_text=True)
    assert mine in page and theirs not in page
    assert client.get(f"/entries/{theirs}").status_code == 404  # not revealed
    auth.logout()
    auth.login("duyet")
    page = client.get("/entries/").get_data(as_text=True)
    assert mine in page and theirs in page



def test_rows_show_men_and_women_only_for_a_counted_audience(app, client, auth, commune):
    """A broadcast has no counted audience: its row in the list and the review queue shows no "Nam giới 0 · Phụ nữ 0"."""
    with app.app_context():
        factories.make_entry("canbo1", kind="broadcast", participants_male=None, participants_female=None,
                             cost_vnd=0, funding_source="none")
        factories.make_entry("canbo1", participants_male=7, participants_female=11)
    auth.login("canbo1")
    page = client.get("/entries/").get_data(as_text=True)
    assert page.count("Nam giới 7 · Phụ nữ 11") == 1 and "Nam giới 0" not in page
    auth.logout()
    auth.login("duyet")
    queue = client.get("/review/").get_data(as_text=True)
    assert "Nam giới 7 · Phụ nữ 11" in queue and "Nam giới 0" not in queue

def test_filters_and_htmx_partial(app, client, auth, commune):
    """Filters narrow the list; an htmx request gets only the partial, a boosted one the full page."""
    with app.app_context():
        factories.make_entry("canbo1", date="2023-06-10")
        training = factories.make_entry("canbo1", kind="training", date="2023-11-20").uuid
    auth.login()
    full = client.get("/entries/?kind=training")
    assert b"<html" in full.data and training.encode() in full.data
    partial = client.get("/entries/?kind=training", headers={"HX-Request": "true"})
    assert b"<html" not in partial.data and training.encode() in partial.data
    assert b"1 ho\xe1\xba\xa1t \xc4\x91\xe1\xbb\x99ng" in partial.data or b"1 " in partial.data
    boosted = client.get("/entries/?kind=training", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert b"<html" in boosted.data
    june = client.get("/entries/?month=2023-06", headers={"HX-Request": "true"})
    assert training.encode() not in june.data and june.data.count(b'class="entry-row') == 1
    bad = client.get("/entries/?month=garbage&village_id=x&status=nope")
    assert bad.status_code == 200 and bad.data.count(b'class="entry-row') == 2


def test_search_ignores_diacritics(app, client, auth, commune):
    """Typing "thanh xa" finds entries in Thôn Thanh Xá."""
    with app.app_context():
        found = factories.make_entry("canbo1").uuid
    auth.login()
    page = client.get("/entries/?q=thanh+xa", headers={"HX-Request": "true"})
    assert found.encode() in page.data
    page = client.get("/entries/?q=binh+lao", headers={"HX-Request": "true"})
    assert found.encode() not in page.data


def test_detail_shows_values_and_history(app, client, auth, commune):
    """The detail page reads in Vietnamese: labels, dd/mm/yyyy, 1.234.567 đ, and the history."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1", cost_vnd=1234567, date="2023-06-05").uuid
    auth.login()
    page = client.get(f"/entries/{entry_uuid}").get_data(as_text=True)
    assert "05/06/2023" in page and "1.234.567 đ" in page
    assert "Tuyên truyền trực tiếp" in page  # the outreach format's label, not its code
    assert "Đã tạo" in page  # the history's first event


def test_edit_own_entry_audits_the_change(app, client, auth, commune):
    """Editing bumps the revision and records before/after."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1").uuid
        form = _form(app, participants_female=35)
    auth.login()
    form["revision"] = "1"
    response = client.post(f"/entries/{entry_uuid}/edit", data=form)
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(sa.select(Entry).where(Entry.uuid == entry_uuid))
        assert saved.revision == 2 and saved.participants_female == 35
        edit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "edit"))
        assert edit.changes == {"participants_female": [30, 35]}


def test_stale_edit_is_refused(app, client, auth, commune):
    """A form opened before someone else saved cannot overwrite their change."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1").uuid
    auth.login()
    form = _form(app, participants_female=99)
    form["revision"] = "0"
    response = client.post(f"/entries/{entry_uuid}/edit", data=form)
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(Entry.participants_female)) == 30


def test_approved_entry_is_locked_and_others_cannot_edit(app, client, auth, commune):
    """Approved: no edit for anyone; another branch's entry: not even visible."""
    with app.app_context():
        approved = factories.make_entry("canbo1", status="approved").uuid
        theirs = factories.make_entry("canbo2", unit_code="chi-hoi-pn-thon-le-xa", village_code="thon-le-xa").uuid
    auth.login()
    assert client.get(f"/entries/{approved}/edit").status_code == 403
    assert client.post(f"/entries/{approved}/edit", data=_form(app)).status_code == 403
    assert client.get(f"/entries/{theirs}/edit").status_code == 404
    assert client.get("/entries/not-a-uuid").status_code == 404


def test_returned_entry_edited_goes_back_to_review(app, client, auth, commune):
    """Fixing a returned entry resubmits it."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1", status="returned").uuid
    auth.login()
    form = _form(app, participants_male=13)
    form["revision"] = "1"
    client.post(f"/entries/{entry_uuid}/edit", data=form)
    with app.app_context():
        assert db.session.scalar(sa.select(Entry.status)) == "submitted"
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["create", "resubmit", "edit"]


def test_officer_without_a_unit_to_log_for_is_told_why(app, client, commune):
    """A user whose roles give no unit to log for gets a clear 403, not a broken form."""
    from webapp.auth.models import User

    with app.app_context():
        person = User(username="khong", full_name="Không đơn vị")
        person.set_password("secret-pass")
        db.session.add(person)
        db.session.commit()
    client.post("/login", data={"username": "khong", "password": "secret-pass"})
    page = client.get("/entries/new/outreach")
    assert page.status_code == 403


def test_new_form_starts_from_the_branch_and_its_village(app, client, auth, commune):
    """A village branch's form opens with its unit and its own village chosen."""
    with app.app_context():
        village_id = factories.village("thon-thanh-xa").id
    auth.login()
    page = client.get("/entries/new/training").get_data(as_text=True)
    assert f'<option value="{village_id}" selected>Thôn Thanh Xá</option>' in page
