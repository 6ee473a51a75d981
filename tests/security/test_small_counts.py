"""Issue 9 item 2: a hidden or missing result gets no verdict; the province's yearly violence figures
are suppressed across sibling communes, the same way in each commune's view."""
import datetime as dt

import pytest
import sqlalchemy as sa
from lxml import html

from tests import factories
from tests.conftest import DEMO_PASSWORD
from tests.reports.helpers import YEAR_2023, add_entry, docx_tables, row_of
from tests.security.test_differencing_attack import _commune
from webapp.extensions import db
from webapp.plan import indicators
from webapp.units.models import Unit

CASES = "Số vụ bạo lực gia đình, bạo lực trên cơ sở giới được phát hiện"


def targets(page: str) -> list[tuple[str, str]]:
    """(result, assessment) of every target on the dashboard."""
    tree = html.fromstring(page)
    return [(node.xpath(".//*[@data-result]")[0].text_content().strip(),
             node.xpath(".//*[contains(@class, 'pill')]")[0].text_content().strip())
            for node in tree.xpath('//div[@data-target]')]


def test_a_hidden_or_withheld_result_has_no_verdict(app, client, auth, commune):
    """The demo plan's "victims supported ≥ 80%" with 3 victims reads "—" and is not "Đạt"; a target
    on support counted over the June action month is withheld, with no verdict either."""
    from webapp.plan.models import PlanTarget, PlanYear
    from webapp.plan.seed import seed_plan_2023

    with app.app_context():
        seed_plan_2023(db.session.get(Unit, commune))
        plan = db.session.scalar(sa.select(PlanYear).where(PlanYear.year == 2023))
        db.session.add(PlanTarget(plan_id=plan.id, position=99, label="Hỗ trợ nạn nhân trong tháng 6",
                                  metric="column", kind="support", report_column="support.recipients_female",
                                  comparison=">=", value=1, period_code="am-pcbldg"))
        add_entry("support", day=dt.date(2023, 6, 10), male=0, female=2,
                  details={"recipients_male": 0, "recipients_female": 2, "recipients_children": 0, "value_vnd": 0})
        db.session.commit()
    auth.login("tonghop")
    found = targets(client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True))
    hidden = [(result, verdict) for result, verdict in found if result in ("—", "<5")]
    assert len(hidden) >= 2, found
    for _result, verdict in hidden:
        assert verdict not in ("Đạt", "Chưa đạt", "Đang thực hiện"), found
        assert verdict == "Không đánh giá (số liệu được ẩn)"
    docx = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    for row in docx["Chỉ tiêu"][1:]:
        if row[3] in ("—", "<5"):
            assert row[5] == "Không đánh giá (số liệu được ẩn)", row


@pytest.fixture
def three_communes(app, commune):
    """Thanh Xá, An Bình and Bình Minh under a province; 2023 violence cases 3, 20 and 30."""
    from webapp.reports.province import create_province

    with app.app_context():
        others = [_commune("xa-an-binh", "Xã An Bình", ("thon-an-binh", "Thôn An Bình"),
                           ("chi-hoi-an-binh", "Chi hội Phụ nữ thôn An Bình")),
                  _commune("xa-binh-minh", "Xã Bình Minh", ("thon-binh-minh", "Thôn Bình Minh"),
                           ("chi-hoi-binh-minh", "Chi hội Phụ nữ thôn Bình Minh"))]
        create_province("tinh-demo", "Tỉnh Demo", [db.session.get(Unit, commune), *others])
        db.session.commit()
        factories.make_user("tinh", "province_officer", "tinh-demo", password=DEMO_PASSWORD)
        for unit_id, cases in zip([commune, *(o.id for o in others)], (3, 20, 30)):
            indicators.save_figures(unit_id, 2023, {"violence_cases": cases})
        db.session.commit()
        return [commune, *(o.id for o in others)]


def test_province_sum_minus_other_communes_reveals_nothing(client, auth, three_communes):
    """Province total 53 is published, so Thanh Xá's 3 and one more commune (An Bình's 20) are hidden,
    in the province's table and in each commune's own view alike."""
    auth.login("tinh")

    def cases(commune_id=None):
        """The cases cell of the yearly figures in the DOCX for the province or one commune."""
        query = {**YEAR_2023, **({"commune": commune_id} if commune_id else {})}
        tables = docx_tables(client.get("/reports/export.docx", query_string=query).data)
        return row_of(tables["Số liệu năm theo Chiến lược quốc gia về bình đẳng giới"], CASES)[1]

    thanh_xa, an_binh, binh_minh = three_communes
    shown = {"total": cases(), thanh_xa: cases(thanh_xa), an_binh: cases(an_binh), binh_minh: cases(binh_minh)}
    assert shown[thanh_xa] == "<5"
    published = {key: value for key, value in shown.items() if value != "<5"}
    assert len(published) == 2, shown  # never exactly one hidden cell in total = Σ communes
    assert shown[binh_minh] == "30" and shown["total"] == "53"
