"""``GET /api/v1/reports/totals``: the contract's shape, its grouping, its errors and who may call it."""
import datetime as dt

import pytest

from tests import factories
from tests.reports.helpers import YEAR_2023, add_entry, bearer


@pytest.fixture
def entries(app, commune):
    """Approved entries in two kinds, units, villages and months, plus entries not approved."""
    with app.app_context():
        add_entry("outreach", day=dt.date(2023, 6, 1), male=10, female=30, cost=500_000, campaign="thang-hd-pcbldg")
        add_entry("outreach", "chi-hoi-pn-thon-le-xa", "thon-le-xa", day=dt.date(2023, 6, 30), male=5, female=15)
        add_entry("training", "doan-tn-thanh-xa", "thon-binh-lao", day=dt.date(2023, 11, 20), male=8, female=12,
                  cost=2_000_000, details={"course_name": "Lồng ghép giới", "days": 3, "trainee_group": "residents"})
        add_entry("outreach", day=dt.date(2023, 7, 1), status="submitted", male=100, female=100)
        add_entry("outreach", day=dt.date(2023, 7, 2), status="returned", male=100, female=100)
        add_entry("outreach", day=dt.date(2023, 12, 15), male=1000, female=1000)  # the next report year


def test_totals_by_kind_match_the_contract(client, auth, entries):
    """Rows carry the group key and the five counts; totals sum approved entries of the window only."""
    auth.login("tonghop")
    response = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "kind"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["rows"] == [
        {"kind": "outreach", "entries": 2, "participants_male": 15, "participants_female": 45,
         "participants_total": 60, "cost_vnd": 500_000},
        {"kind": "training", "entries": 1, "participants_male": 8, "participants_female": 12,
         "participants_total": 20, "cost_vnd": 2_000_000},
    ]
    assert body["totals"] == {"entries": 3, "participants_male": 23, "participants_female": 57,
                              "participants_total": 80, "cost_vnd": 2_500_000}
    assert body["labels"]["kind"] == {"outreach": "Tuyên truyền", "training": "Tập huấn, bồi dưỡng"}


def test_several_group_keys_and_their_values(app, client, auth, entries):
    """Units, villages and communes by id, months as YYYY-MM, campaigns by code (null when none)."""
    auth.login("tonghop")
    body = client.get("/api/v1/reports/totals", query_string={
        **YEAR_2023, "group_by": "unit,village,month,campaign,commune"}).get_json()
    with app.app_context():
        branch = factories.unit("chi-hoi-pn-thon-thanh-xa").id
        village = factories.village("thon-thanh-xa").id
    first = [row for row in body["rows"] if row["unit"] == branch]
    assert first == [{"unit": branch, "village": village, "month": "2023-06", "campaign": "thang-hd-pcbldg",
                      "commune": commune_id(app), "entries": 1, "participants_male": 10,
                      "participants_female": 30, "participants_total": 40, "cost_vnd": 500_000}]
    assert sorted(row["month"] for row in body["rows"]) == ["2023-06", "2023-06", "2023-11"]
    assert {row["campaign"] for row in body["rows"]} == {"thang-hd-pcbldg", None}
    assert body["labels"]["unit"][str(branch)] == "Chi hội Phụ nữ thôn Thanh Xá"


def commune_id(app) -> int:
    """The demo commune's id."""
    with app.app_context():
        return factories.unit("xa-thanh-xa").id


def test_status_parameter_counts_pending_entries_on_request(client, auth, entries):
    """``status`` defaults to approved; ``submitted``, ``returned`` and ``all`` are there on request."""
    auth.login("tonghop")
    totals = {status: client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "status": status})
              .get_json()["totals"]["entries"] for status in ("approved", "submitted", "returned", "all",
                                                              "submitted,returned")}
    assert totals == {"approved": 3, "submitted": 1, "returned": 1, "all": 5, "submitted,returned": 2}


def test_dates_are_inclusive(client, auth, entries):
    """An entry dated on ``from`` or on ``to`` counts."""
    auth.login("tonghop")
    body = client.get("/api/v1/reports/totals", query_string={"from": "2023-06-01", "to": "2023-06-30"}).get_json()
    assert body["totals"]["entries"] == 2
    body = client.get("/api/v1/reports/totals", query_string={"from": "2023-06-02", "to": "2023-06-29"}).get_json()
    assert body["totals"]["entries"] == 0


@pytest.mark.parametrize("query, param, words", [
    ({"to": "2023-12-14"}, "from", "Thiếu tham số"),
    ({"from": "2023-13-01", "to": "2023-12-14"}, "from", "2023-13-01"),
    ({"from": "2023-12-14", "to": "2023-01-01"}, "from", "sau ngày kết thúc"),
    ({**YEAR_2023, "group_by": "kind,district"}, "group_by", "district"),
    ({**YEAR_2023, "group_by": "kind,kind"}, "group_by", "hai lần"),
    ({**YEAR_2023, "status": "draft"}, "status", "draft"),
    ({**YEAR_2023, "unit": "abc"}, "unit", "abc"),
    ({**YEAR_2023, "kind": "picnic"}, "kind", "picnic"),
    ({**YEAR_2023, "columns": "training.colour"}, "columns", "training.colour"),
    ({**YEAR_2023, "groupby": "kind"}, "groupby", "groupby"),
])
def test_bad_parameters_get_400_with_a_specific_message(client, auth, entries, query, param, words):
    """Each bad parameter is named, in Vietnamese, in the contract's error shape."""
    auth.login("tonghop")
    response = client.get("/api/v1/reports/totals", query_string=query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["param"] == param
    assert words in error["message"]


def test_a_parameter_given_twice_is_refused(client, auth, entries):
    """``from`` twice is ambiguous."""
    auth.login("tonghop")
    response = client.get("/api/v1/reports/totals?from=2023-01-01&from=2023-02-01&to=2023-12-14")
    assert response.status_code == 400 and "nhiều lần" in response.get_json()["error"]["message"]


def test_english_error_when_asked(client, auth, entries):
    """``Accept-Language: en`` gets the message in English."""
    auth.login("tonghop")
    response = client.get("/api/v1/reports/totals", query_string={"from": "x", "to": "2023-01-01"},
                          headers={"Accept-Language": "en"})
    assert response.get_json()["error"]["message"].startswith("The parameter “from” must be a date")


def test_unauthenticated_gets_401_and_field_staff_403(client, auth, entries):
    """Totals are for reporting roles only."""
    assert client.get("/api/v1/reports/totals", query_string=YEAR_2023).status_code == 401
    auth.login("canbo1")
    response = client.get("/api/v1/reports/totals", query_string=YEAR_2023)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_bearer_token_works(app, client, entries):
    """A script calls with its token."""
    with app.app_context():
        headers = bearer("tonghop")
    response = client.get("/api/v1/reports/totals", query_string=YEAR_2023, headers=headers)
    assert response.status_code == 200 and response.get_json()["totals"]["entries"] == 3


def test_supervisor_totals_cover_only_their_units(client, auth, entries):
    """The Women's Union supervisor does not see the Youth Union's training."""
    auth.login("duyet")
    body = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "kind"}).get_json()
    assert [row["kind"] for row in body["rows"]] == ["outreach"]
    assert body["totals"]["entries"] == 2


def test_filters_narrow_the_totals(app, client, auth, entries):
    """``kind``, ``unit`` (with the units below it), ``village`` and ``campaign`` filter."""
    auth.login("tonghop")
    with app.app_context():
        union = factories.unit("hlhpn-thanh-xa").id
        village = factories.village("thon-binh-lao").id

    def count(**query):
        """Entries counted with these filters."""
        return client.get("/api/v1/reports/totals", query_string={**YEAR_2023, **query}).get_json()["totals"]["entries"]

    assert count(kind="training") == 1
    assert count(unit=union) == 2
    assert count(village=village) == 1
    assert count(campaign="thang-hd-pcbldg") == 1


def test_kind_columns_on_request(client, auth, entries):
    """``columns`` adds a kind's report column to each row and to the totals."""
    auth.login("tonghop")
    body = client.get("/api/v1/reports/totals", query_string={
        **YEAR_2023, "group_by": "kind", "columns": "training.days"}).get_json()
    assert [row["training.days"] for row in body["rows"]] == [0, 3]
    assert body["totals"]["training.days"] == 3


def test_totals_are_in_the_openapi_document(client):
    """The endpoint is described in /api/v1/openapi.json."""
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/reports/totals"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "group_by", "status"}
    assert "Totals" in document["components"]["schemas"]
