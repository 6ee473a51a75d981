"""Each kind declares its counts of people (which feed the headline), its form shows only those, every
count of people is by sex, and its cross-field rules are data the server and the phone both read."""
import datetime as dt

import pytest
from flask_babel import force_locale

from tests.test_kinds import CTX, VALID
from webapp.kinds import all_kinds, get_kind, headline_kind_codes

NO_AUDIENCE = {"broadcast", "print_media", "online", "commendation"}


def test_kinds_without_a_counted_audience_do_not_ask_for_participants():
    """Broadcast, banners, online posts and commendations: no participants in the form, none required."""
    for kind in all_kinds():
        required = set(kind.schema()["required"])
        if kind.code in NO_AUDIENCE:
            assert not kind.counts_participants and "participants_male" not in kind.form_fields
            assert {"participants_male", "participants_female"}.isdisjoint(required), kind.code
            assert "participants" not in {people.code for people in kind.people_counts}
        else:
            assert {"participants_male", "participants_female"} <= required, kind.code
            assert {"participants_male", "under_16_male", "under_16_female", "ethnic_minority_male",
                    "ethnic_minority_female"} <= kind.form_fields, kind.code
    assert set(headline_kind_codes()) == {kind.code for kind in all_kinds()} - NO_AUDIENCE


def test_every_count_of_people_is_by_sex():
    """Each declared count of people names a men's and a women's field of the kind; only participants feed the
    headline; the older single counts are accepted but not in the form."""
    for kind in all_kinds():
        for people in kind.people_counts:
            assert {people.male, people.female} <= kind.field_names, (kind.code, people.code)
            assert {people.male, people.female} <= kind.form_fields, (kind.code, people.code)
            assert people.headline == (people.code == "participants")
        for legacy in ("under_16", "ethnic_minority"):
            assert legacy in kind.field_names and legacy not in kind.form_fields
    assert {p.code for p in get_kind("contest").people_counts} == {"participants", "contestants"}
    assert {p.code for p in get_kind("support").people_counts} >= {"recipients", "child_recipients"}
    assert "audience" not in get_kind("contest").form_fields
    assert "recipients_children" not in get_kind("support").form_fields


def test_training_and_contest_name_their_participants(app):
    """The participants of a training are its trainees; of a contest, its audience (in Vietnamese)."""
    with app.test_request_context(), force_locale("vi"):
        labels = {kind.code: str(next(f.label for f in kind.all_fields if f.name == "participants_male"))
                  for kind in all_kinds()}
    assert labels["training"] == "Học viên: nam" and labels["contest"] == "Khán giả: nam"


def test_old_participants_of_a_broadcast_are_accepted_and_kept():
    """An older client still sends participants for a broadcast: accepted, kept as sent."""
    raw = {**VALID, "station": "commune_radio", "items": 2, "broadcasts": 3}
    raw.pop("format")
    clean, errors = get_kind("broadcast").validate(raw, CTX)
    assert errors == {} and clean["participants_male"] == 10 and clean["participants_female"] == 25
    raw.pop("participants_male"), raw.pop("participants_female")
    clean, errors = get_kind("broadcast").validate(raw, CTX)
    assert errors == {} and clean["participants_male"] == 0 and clean["participants_female"] == 0


@pytest.mark.parametrize("changes,field,message", [
    ({"under_16_female": 26}, "under_16_female", "Cannot be more than the 25 participants."),
    ({"ethnic_minority_male": 11}, "ethnic_minority_male", "Cannot be more than the 10 participants."),
    ({"under_16": 36}, "under_16", "Cannot be more than the 35 participants."),
    ({"under_16": 5, "under_16_male": 1, "under_16_female": 2}, "under_16", "Must equal men plus women (3)."),
    ({"date": "2023-11-20", "end_date": "2023-11-19"}, "end_date", "The end date cannot be before the date."),
    ({"date": "2024-01-11"}, "date", "The date cannot be in the future."),
    ({"cost_vnd": 200_000}, "funding_source", "A cost above 0 needs a funding source."),
    ({"cost_vnd": 200_000, "funding_source": "none"}, "funding_source", "“No cost” needs a cost of 0."),
])
def test_rules_refuse_with_their_message(app, changes, field, message):
    """Each cross-field rule puts its message on its field."""
    with app.test_request_context(), force_locale("en"):
        _clean, errors = get_kind("outreach").validate({**VALID, **changes}, CTX)
        assert {name: str(text) for name, text in errors.items()} == {field: message}


def test_a_cost_with_a_source_and_no_cost_without_one_are_fine():
    """Cost 0 needs no source; a cost with a real source is accepted."""
    for changes in ({"cost_vnd": 0}, {"cost_vnd": 0, "funding_source": "none"},
                    {"cost_vnd": 300_000, "funding_source": "union_funds"}):
        assert get_kind("outreach").validate({**VALID, **changes}, CTX)[1] == {}


def test_split_counts_give_the_older_single_total():
    """Sent by sex, "of whom under 16" and child recipients are also kept as their old single totals."""
    clean, errors = get_kind("outreach").validate({**VALID, "under_16_male": 2, "under_16_female": 3}, CTX)
    assert errors == {} and clean["under_16"] == 5 and clean["ethnic_minority"] is None
    clean, errors = get_kind("outreach").validate({**VALID, "under_16": 4}, CTX)  # an older client
    assert errors == {} and clean["under_16"] == 4 and clean["under_16_male"] is None
    support = {**VALID, "recipients_female": 1, "recipients_boys": 1, "recipients_girls": 2}
    support.pop("format")
    clean, errors = get_kind("support").validate(support, CTX)
    assert errors == {} and clean["recipients_children"] == 3


def test_client_rules_describe_the_same_checks_in_the_page_language(app):
    """The JSON for static/js/form-rules.js: each rule with its fields and the server's message template."""
    with app.test_request_context(), force_locale("vi"):
        rules = get_kind("outreach").client_rules()
        _clean, errors = get_kind("outreach").validate({**VALID, "under_16_female": 26}, CTX)
        server = str(errors["under_16_female"])
    share = next(r for r in rules if r["rule"] == "share_of" and r["field"] == "under_16_female")
    assert share["of"] == ["participants_female"] and share["message"].replace("%(n)s", "25") == server
    codes = {r["rule"] for r in rules}
    assert {"field", "share_of", "total_of", "end_not_before_start", "not_after_today", "cost_needs_source"} <= codes
    cost = next(r for r in rules if r["rule"] == "cost_needs_source")
    assert cost["field"] == "funding_source" and cost["messages"]["missing"] == "Kinh phí lớn hơn 0 thì phải chọn nguồn kinh phí."
    required = {r["field"] for r in rules if r["rule"] == "field" and r["required"]}
    assert {"date", "participants_male", "format", "cost_vnd"} <= required
    broadcast = {r["field"] for r in get_kind("broadcast").client_rules() if r["rule"] == "field" and r["required"]}
    assert "participants_male" not in broadcast


def test_form_page_shows_only_the_kinds_counts_and_embeds_its_rules(app, commune, client, auth):
    """The broadcast form has no participants; the outreach form has them by sex and the rules as JSON."""
    auth.login("canbo1")
    broadcast = client.get("/entries/new/broadcast").get_data(as_text=True)
    assert 'name="participants_male"' not in broadcast and 'name="under_16_male"' not in broadcast
    assert 'id="form-rules"' in broadcast
    outreach = client.get("/entries/new/outreach").get_data(as_text=True)
    for name in ("participants_male", "participants_female", "under_16_male", "under_16_female",
                 "ethnic_minority_male", "ethnic_minority_female"):
        assert f'name="{name}"' in outreach
    assert 'name="under_16"' not in outreach and '"rule": "share_of"' in outreach.replace('":"', '": "')


def test_dates_are_checked_against_the_commune_today():
    """A date after the context's today is refused (the client compares with the commune's today too)."""
    ctx = CTX.__class__(**{**CTX.__dict__, "today": dt.date(2023, 11, 19)})
    _clean, errors = get_kind("outreach").validate(VALID, ctx)
    assert set(errors) == {"date"}
