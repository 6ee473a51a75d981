"""One declaration per kind drives the form, the validation, the OpenAPI schema and the report columns."""
import datetime as dt

import pytest

from webapp.kinds import ValidationContext, all_kinds, get_kind

CTX = ValidationContext(
    unit_ids=frozenset({1}), village_ids=frozenset({7}), topic_codes=frozenset({"luat-bdg-2006"}),
    campaign_codes=frozenset({"thang-hd-bdg"}), today=dt.date(2024, 1, 10), strict_types=True,
    choices={"units": [("1", "Chi hội")], "villages": [("7", "Thôn")], "topics": [("luat-bdg-2006", "Luật")],
             "campaigns": [("thang-hd-bdg", "Tháng hành động")]},
)
VALID = {"unit_id": 1, "village_id": 7, "date": "2023-11-20", "participants_male": 10,
         "participants_female": 25, "cost_vnd": 0, "notes": "", "format": "conference",
         "topics": ["luat-bdg-2006"], "campaign": "thang-hd-bdg"}


def test_the_first_three_kinds_and_the_rest_are_declared():
    """Outreach, training and inspection come first; all ten kinds of domain.md exist."""
    codes = [kind.code for kind in all_kinds()]
    assert codes[:3] == ["outreach", "training", "inspection"]
    assert set(codes) == {"outreach", "training", "inspection", "contest", "broadcast", "print_media",
                          "online", "commendation", "model_club", "support"}


def test_valid_outreach_is_clean():
    """A valid entry validates into typed values."""
    clean, errors = get_kind("outreach").validate(VALID, CTX)
    assert errors == {}
    assert clean["date"] == dt.date(2023, 11, 20) and clean["participants_female"] == 25
    assert clean["format"] == "conference" and clean["end_date"] is None


@pytest.mark.parametrize("changes,field", [
    ({"participants_male": -1}, "participants_male"),
    ({"participants_male": "10"}, "participants_male"),  # JSON clients send numbers, not text
    ({"participants_male": True}, "participants_male"),
    ({"participants_female": 10.5}, "participants_female"),
    ({"cost_vnd": -5}, "cost_vnd"),
    ({"date": "2024-01-11"}, "date"),  # tomorrow
    ({"date": "1999-12-31"}, "date"),
    ({"date": "20/11/2023"}, "date"),
    ({"end_date": "2023-11-19"}, "end_date"),
    ({"unit_id": 2}, "unit_id"),
    ({"village_id": 8}, "village_id"),
    ({"topics": ["unknown-topic"]}, "topics"),
    ({"topics": "luat-bdg-2006,x"}, "topics"),
    ({"campaign": "tet"}, "campaign"),
    ({"format": "karaoke"}, "format"),
    ({"format": None}, "format"),
    ({"notes": "x" * 2001}, "notes"),
    ({"notes": "CCCD 012345678901 của nạn nhân"}, "notes"),
    ({"under_16": 36}, "under_16"),
    ({"latitude": 91}, "latitude"),
    ({"colour": "red"}, "colour"),
])
def test_each_bad_value_is_reported_on_its_field(changes, field):
    """A bad value gives an error on exactly the field that holds it."""
    _clean, errors = get_kind("outreach").validate({**VALID, **changes}, CTX)
    assert list(errors) == [field], errors


def test_missing_required_fields_are_all_reported():
    """An empty submission names every required field."""
    _clean, errors = get_kind("training").validate({}, CTX)
    assert set(errors) == {"unit_id", "village_id", "date", "participants_male", "participants_female",
                           "cost_vnd", "course_name", "days", "trainee_group"}


def test_form_text_is_accepted_by_the_form_path():
    """HTML forms send text; "1.234.567" is read as Vietnamese write it."""
    form_ctx = ValidationContext(**{**CTX.__dict__, "strict_types": False})
    raw = {**VALID, "participants_male": "10", "cost_vnd": "1.234.567", "funding_source": "union_funds",
           "unit_id": "1"}
    clean, errors = get_kind("outreach").validate(raw, form_ctx)
    assert errors == {} and clean["cost_vnd"] == 1234567 and clean["unit_id"] == 1


def test_schema_comes_from_the_declaration():
    """The OpenAPI schema lists the kind's fields, its required ones, and no others."""
    schema = get_kind("inspection").schema()
    assert schema["additionalProperties"] is False
    assert {"unit_inspected", "content", "violations_found"} <= set(schema["properties"])
    assert "violations_found" in schema["required"] and "findings" not in schema["required"]
    assert schema["properties"]["content"]["items"]["enum"] == ["policy", "women_cadres", "violence",
                                                                 "gender_mainstreaming"]
    assert schema["properties"]["participants_male"] == {"type": "integer", "minimum": 0, "maximum": 100000,
                                                         "description": "Participants: men"}


def test_report_columns_come_from_the_declaration():
    """Numeric fields flagged for reports are the kind's report columns."""
    assert [f.name for f in get_kind("broadcast").report_columns] == ["items", "broadcasts", "minutes"]
    assert get_kind("outreach").report_columns == ()


def test_adding_a_kind_is_one_file(tmp_path, monkeypatch):
    """A new module in webapp/kinds defining KIND is picked up with no other edit."""
    import webapp.kinds as kinds

    module = tmp_path / "festival.py"
    module.write_text(
        "from webapp.kinds.base import Kind\nfrom webapp.kinds.fields import Field\n"
        "KIND = Kind(code='festival', label='Festival', position=200,\n"
        "            fields=(Field('stalls', 'Stalls', 'int', required=True, report=True),))\n")
    monkeypatch.setattr(kinds, "__path__", [*kinds.__path__, str(tmp_path)])
    kinds._registry.cache_clear()
    try:
        festival = kinds.get_kind("festival")
        assert festival is not None and [f.name for f in festival.report_columns] == ["stalls"]
        assert "stalls" in festival.schema()["required"]
        _clean, errors = festival.validate({**VALID, "stalls": 3, "format": None}, CTX)
        assert errors == {"format": errors["format"]}  # outreach's field is unknown to a festival
    finally:
        kinds._registry.cache_clear()


def test_privacy_guard_on_every_text_field():
    """No kind's free-text field stores a phone or ID number."""
    for kind in all_kinds():
        for field in kind.all_fields:
            if field.type in ("text", "textarea"):
                raw = {**VALID, field.name: "liên hệ 0987654321"}
                _clean, errors = kind.validate(raw, CTX)
                assert field.name in errors, (kind.code, field.name)
