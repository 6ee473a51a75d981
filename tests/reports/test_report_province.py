"""Several communes on one server: a province officer sees their sum and each commune apart."""
import csv
import datetime as dt
import io

import pytest

from tests import factories
from tests.reports.helpers import YEAR_2023, add_entry, docx_tables, num, row_of
from webapp.extensions import db
from webapp.reports.province import create_province
from webapp.units.models import Unit, Village


@pytest.fixture
def province(app, commune):
    """Thanh Xá and An Bình under the province unit ``tinh-demo``, with its officer ``tinh``."""
    with app.app_context():
        other = Unit.create("xa-an-binh", "Xã An Bình", "commune")
        village = Village(commune_id=other.id, code="thon-an-binh", name="Thôn An Bình")
        db.session.add(village)
        db.session.flush()
        union = Unit.create("hlhpn-an-binh", "Hội LHPN xã An Bình", "organisation", parent=other)
        Unit.create("chi-hoi-an-binh", "Chi hội Phụ nữ thôn An Bình", "branch", parent=union, village=village)
        db.session.commit()
        factories.make_user("canbo-ab", "field_staff", "chi-hoi-an-binh")
        factories.make_user("tonghop-ab", "officer", "xa-an-binh")
        unit = create_province("tinh-demo", "Tỉnh Demo", [db.session.get(Unit, commune), other])
        db.session.commit()
        factories.make_user("tinh", "province_officer", "tinh-demo", password="thanhxa-demo")
        add_entry(day=dt.date(2023, 5, 5), male=10, female=20)
        add_entry("outreach", "chi-hoi-an-binh", "thon-an-binh", day=dt.date(2023, 5, 6), male=1, female=4,
                  author="canbo-ab")
        yield {"thanh_xa": commune, "an_binh": other.id, "province": unit.id}


def test_units_keep_their_commune_after_the_move(app, province):
    """Paths move under the province; each commune stays its own commune."""
    with app.app_context():
        branch = factories.unit("chi-hoi-pn-thon-thanh-xa")
        assert branch.commune_id == province["thanh_xa"]
        assert branch.path.startswith(f"/{province['province']}/{province['thanh_xa']}/")
        assert db.session.get(Unit, province["thanh_xa"]).commune_id == province["thanh_xa"]


def test_province_officer_gets_the_sum_and_each_commune(client, auth, province):
    """Totals of both communes, by commune, and one commune chosen."""
    auth.login("tinh")
    body = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "commune"}).get_json()
    assert body["totals"]["participants_total"] == 35
    assert {row["commune"]: row["participants_total"] for row in body["rows"]} == {
        province["thanh_xa"]: 30, province["an_binh"]: 5}
    assert body["labels"]["commune"][str(province["an_binh"])] == "Xã An Bình"
    one = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "commune": province["an_binh"]}).get_json()
    assert one["totals"]["participants_total"] == 5


def test_province_dashboard_and_exports(client, auth, province):
    """The dashboard sums the communes and lists them; a DOCX of one commune uses its own figures."""
    auth.login("tinh")
    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    assert 'data-kpi="participants_total">35<' in page and "Tất cả các xã (cộng chung)" in page
    assert 'data-table="by-commune"' in page
    page = client.get("/reports/", query_string={**YEAR_2023, "commune": province["an_binh"]}).get_data(as_text=True)
    assert 'data-kpi="participants_total">5<' in page
    docx = docx_tables(client.get("/reports/export.docx", query_string={**YEAR_2023, "commune": province["an_binh"]}).data)
    assert num(row_of(docx["Hoạt động theo loại"], "Tổng số")[4]) == 5
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/export.csv", query_string={**YEAR_2023, "codes": "1"})
                                           .data.decode("utf-8-sig"))))
    assert sorted(row["unit"] for row in rows) == ["Chi hội Phụ nữ thôn An Bình", "Chi hội Phụ nữ thôn Thanh Xá"]


def test_a_commune_officer_cannot_pick_another_commune(client, auth, province):
    """Thanh Xá's officer asking for An Bình gets 400 with a reason, and never its figures."""
    auth.login("tonghop")
    response = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "commune": province["an_binh"]})
    assert response.status_code == 400 and "không có quyền" in response.get_json()["error"]["message"]
    body = client.get("/api/v1/reports/totals", query_string=YEAR_2023).get_json()
    assert body["totals"]["participants_total"] == 30


def test_province_officer_neither_logs_nor_edits(client, auth, province):
    """Read-only for the communes: no unit to log for, no commune plan or settings to change; the
    province's own report settings are theirs."""
    auth.login("tinh")
    assert client.get("/entries/new/outreach").status_code == 403
    assert client.get("/plan/", query_string={"commune": province["an_binh"]}).status_code == 403
    assert client.get("/reports/settings", query_string={"commune": province["thanh_xa"]}).status_code == 403
    assert client.get("/reports/settings").status_code == 200


def test_create_province_command(runner, app, commune):
    """``flask reports create-province`` attaches a commune; an unknown commune is refused."""
    result = runner.invoke(args=["reports", "create-province", "tinh-x", "Tỉnh X", "--commune", "xa-thanh-xa"])
    assert result.exit_code == 0 and "1" in result.output
    with app.app_context():
        assert factories.unit("xa-thanh-xa").parent.code == "tinh-x"
    result = runner.invoke(args=["reports", "create-province", "tinh-x", "Tỉnh X", "--commune", "xa-khong-co"])
    assert result.exit_code != 0 and "xa-khong-co" in result.output
    result = runner.invoke(args=["create-user", "tinh1", "--role", "province_officer", "--unit", "tinh-x",
                                 "--password", "trang-rang-dong-xa"])
    assert result.exit_code == 0
