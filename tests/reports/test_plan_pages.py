"""The officer's plan pages (forms without JS), report settings and text, and the demo plan seed."""
import datetime as dt

import sqlalchemy as sa

from tests.reports.helpers import YEAR_2023, add_entry, docx_blocks, docx_tables
from webapp.extensions import db
from webapp.plan import indicators
from webapp.plan.models import PlanTarget, PlanYear
from webapp.reports.models import ReportSettings, ReportText


def test_officer_writes_the_plan_and_a_target(app, client, auth, commune):
    """The plan document, then a target; a bad value is refused next to its field."""
    auth.login("tonghop")
    response = client.post("/plan/?year=2024", data={"title": "Kế hoạch năm 2024", "document": "Số 12/KH-UBND",
                                                      "basis": ""})
    assert response.status_code == 302
    bad = client.post("/plan/targets/new?year=2024", data={"metric": "women_share", "value": "120",
                                                           "comparison": ">=", "kind": "outreach"})
    assert bad.status_code == 400 and "không được lớn hơn 100" in bad.get_data(as_text=True)
    good = client.post("/plan/targets/new?year=2024", data={"metric": "women_share", "value": "60",
                                                            "comparison": ">=", "kind": "outreach"})
    assert good.status_code == 302
    with app.app_context():
        plan = db.session.scalar(sa.select(PlanYear).where(PlanYear.year == 2024))
        assert plan.document == "Số 12/KH-UBND"
        [target] = plan.targets
        assert (target.metric, target.kind, target.value) == ("women_share", "outreach", 60.0)
        target_id = target.id
    page = client.get("/plan/?year=2024").get_data(as_text=True)
    assert "Tuyên truyền: Tỷ lệ nữ tham dự (%)" in page and "≥ 60%" in page
    assert client.post(f"/plan/targets/{target_id}", data={"metric": "entries", "value": "4", "comparison": ">=",
                                                           "unit_type": "branch", "kind": "outreach"}).status_code == 302
    with app.app_context():
        assert db.session.get(PlanTarget, target_id).unit_type == "branch"
    assert client.post(f"/plan/targets/{target_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(PlanTarget, target_id) is None


def test_target_form_checks_every_field(client, auth, commune):
    """Unknown metric, indicator missing, per-unit on a share, unknown period: all said."""
    auth.login("tonghop")
    page = client.post("/plan/targets/new?year=2024", data={
        "metric": "indicator", "value": "abc", "comparison": "~", "period_code": "never"}).get_data(as_text=True)
    for message in ("Chọn chỉ số.", "Nhập chỉ tiêu là một số", "Chọn “ít nhất” hoặc “không quá”.",
                    "Chọn một kỳ báo cáo."):
        assert message in page
    page = client.post("/plan/targets/new?year=2024", data={
        "metric": "women_share", "value": "50", "comparison": ">=", "unit_type": "branch"}).get_data(as_text=True)
    assert "chỉ dùng cho số hoạt động" in page


def test_yearly_figures_form(app, client, auth, commune):
    """Whole numbers only; a part larger than its whole is refused; empty means unknown."""
    auth.login("tonghop")
    bad = client.post("/plan/figures?year=2023", data={"key_leaders_total": "4", "key_leaders_women": "5",
                                                       "births_male": "-1"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Không được lớn hơn" in page and "Nhập số nguyên từ 0 trở lên" in page
    assert client.post("/plan/figures?year=2023", data={"births_male": "58", "births_female": "53",
                                                        "violence_cases": "3"}).status_code == 302
    with app.app_context():
        assert indicators.figures(commune, 2023) == {"births_male": 58.0, "births_female": 53.0, "violence_cases": 3.0}


def test_report_settings_change_the_docx(app, client, auth, commune):
    """The level above changed in 2025: new recipients and signer come out in the report."""
    auth.login("tonghop")
    form = {"parent_body": "", "issuing_body": "ủy ban nhân dân\nxã thanh xá", "place_name": "Thanh Xá",
            "report_number": "125", "number_suffix": "BC-UBND", "signer_authority": "TM. ỦY BAN NHÂN DÂN",
            "signer_deputy": "", "signer_title": "CHỦ TỊCH", "signer_name": "Nguyễn Văn A",
            "recipients": "Sở Y tế tỉnh;\nLưu: VT.", "font_size": "13"}
    assert client.post("/reports/settings", data={**form, "font_size": "12"}).status_code == 400
    assert client.post("/reports/settings", data=form).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(ReportSettings)).signer_name == "Nguyễn Văn A"
    document, blocks = docx_blocks(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    left = blocks[0][1].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text][:3] == ["ỦY BAN NHÂN DÂN", "XÃ THANH XÁ", "Số: 125/BC-UBND"]
    signature = [block for kind, block in blocks if kind == "t"][-1]
    recipients, signer = signature.rows[0].cells
    assert [p.text for p in recipients.paragraphs] == ["Nơi nhận:", "- Sở Y tế tỉnh;", "- Lưu: VT."]
    assert [p.text for p in signer.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A"]
    assert document.styles["Normal"].font.size.pt == 13


def test_officer_edits_the_report_text(app, client, auth, commune):
    """The drafted section I is shown; a changed text is stored and printed; reset returns to the draft."""
    with app.app_context():
        add_entry(day=dt.date(2023, 5, 5))
    auth.login("tonghop")
    page = client.get("/reports/text?period=year-2023").get_data(as_text=True)
    assert "Trong kỳ, 1/15 đơn vị đã triển khai" in page
    own = "UBND xã đã ban hành Kế hoạch số 15/KH-UBND ngày 20/3/2023.\n\nĐã tổ chức hội nghị triển khai."
    response = client.post("/reports/text?period=year-2023", data={
        "direction": own, "assessment": "", "next": "", "recommendations": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(ReportText.section)).all() == ["direction"]
    _document, blocks = docx_blocks(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    texts = [block.text for kind, block in blocks if kind == "p"]
    assert "Đã tổ chức hội nghị triển khai." in texts and "UBND xã đã ban hành Kế hoạch số 15/KH-UBND ngày 20/3/2023." in texts
    client.post("/reports/text?period=year-2023", data={"action": "reset"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportText)) == 0


def test_supervisor_cannot_change_the_plan_or_settings(client, auth, commune):
    """Only the officer (or admin) configures."""
    auth.login("duyet")
    for path in ("/plan/", "/plan/figures", "/plan/periods", "/reports/settings", "/reports/text?period=year-2023"):
        assert client.get(path).status_code == 403, path


def test_demo_seed_adds_the_2023_plan_once(app, runner):
    """``flask seed-demo`` twice: one plan with its 13 targets, figures of 2022 and 2023, the settings."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        [plan] = db.session.scalars(sa.select(PlanYear)).all()
        assert plan.year == 2023 and len(plan.targets) == 13
        assert db.session.scalar(sa.select(ReportSettings)).signer_name == "Cao Văn Cường"


def test_demo_annual_report_shows_the_plan_targets(app, runner, client, auth):
    """The Thanh Xá 2023 report from the demo: targets table with plan, result, last year, assessment."""
    runner.invoke(args=["seed-demo"])
    auth.login("tonghop")
    tables = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    targets = tables["Chỉ tiêu"]
    assert targets[0] == ["Chỉ tiêu", "Kỳ", "Kế hoạch", "Kết quả", "Cùng kỳ năm trước", "Đánh giá"]
    assert len(targets) == 1 + 13
    ratio = [row for row in targets if row[0].startswith("Tỷ số giới tính khi sinh")][0]
    assert ratio[2:] == ["≤ 111", "109,4", "117,3", "Đạt"]
