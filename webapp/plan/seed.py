"""The demo: Thanh Xá's 2023 plan (targets from the plan text and domain.md), yearly figures and
report settings. Idempotent: only what is missing is added. Called by ``webapp/demo/seed.py``."""
from __future__ import annotations

import sqlalchemy as sa

from webapp.extensions import db
from webapp.plan import indicators, periods
from webapp.plan.models import PlanTarget, StrategyFigure
from webapp.plan.targets import plan_for
from webapp.units.models import Unit

PLAN_2023 = {
    "title": "Kế hoạch thực hiện công tác bình đẳng giới và hoạt động vì sự tiến bộ của phụ nữ "
             "xã Thanh Xá năm 2023",
    "document": "",
    "basis": "Kế hoạch số 37/KH-UBND ngày 15/3/2023 của UBND huyện Thanh Hà về việc thực hiện công tác "
             "bình đẳng giới và hoạt động vì sự tiến bộ của phụ nữ huyện Thanh Hà năm 2023",
}
# (label, metric, kind, unit type, report column, indicator, comparison, value, period code)
TARGETS_2023 = (
    ("Mỗi chi hội phụ nữ thôn tổ chức ít nhất 2 buổi tuyên truyền", "entries", "outreach", "branch",
     None, None, ">=", 2, ""),
    ("Số lượt người tham dự các buổi tuyên truyền", "participants", "outreach", None, None, None, ">=", 300, ""),
    ("Tỷ lệ nữ tham dự các buổi tuyên truyền (%)", "women_share", "outreach", None, None, None, ">=", 60, ""),
    ("Số lớp tập huấn, bồi dưỡng về bình đẳng giới", "entries", "training", None, None, None, ">=", 2, ""),
    ("Số cuộc kiểm tra việc thực hiện pháp luật về bình đẳng giới", "entries", "inspection", None, None, None,
     ">=", 2, ""),
    ("Số lần phát thanh về bình đẳng giới trên hệ thống truyền thanh", "column", "broadcast", None,
     "broadcast.broadcasts", None, ">=", 24, ""),
    ("Tỷ lệ thôn có hoạt động trong Tháng hành động phòng, chống bạo lực gia đình (%)", "villages_reached",
     None, None, None, None, ">=", 100, "am-pcbldg"),
    ("Tỷ lệ thôn có hoạt động trong Tháng hành động vì bình đẳng giới (%)", "villages_reached", None, None,
     None, None, ">=", 100, "am-bdg"),
    ("", "indicator", None, None, None, "women_key_leaders", ">=", 1, ""),
    ("", "indicator", None, None, None, "residents_reached_pct", ">=", 60, ""),
    ("", "indicator", None, None, None, "village_rules_compliant_pct", ">=", 95, ""),
    ("", "indicator", None, None, None, "victims_supported_pct", ">=", 80, ""),
    ("", "indicator", None, None, None, "sex_ratio_at_birth", "<=", 111, ""),
)
# Yearly figures of the demo commune: illustrative counts, as an officer would type them.
FIGURES = {
    2022: {"key_leaders_total": 4, "key_leaders_women": 1, "births_male": 61, "births_female": 52,
           "residents_total": 7400, "residents_reached": 4180, "village_rules_total": 6,
           "village_rules_reviewed": 4, "village_rules_compliant": 5, "violence_cases": 4,
           "violence_victims": 4, "victims_supported": 3},
    2023: {"key_leaders_total": 4, "key_leaders_women": 1, "births_male": 58, "births_female": 53,
           "residents_total": 7450, "residents_reached": 4620, "village_rules_total": 6,
           "village_rules_reviewed": 6, "village_rules_compliant": 6, "violence_cases": 3,
           "violence_victims": 3, "victims_supported": 3},
}
SETTINGS_2023 = {
    "parent_body": "", "issuing_body": "ỦY BAN NHÂN DÂN\nXÃ THANH XÁ", "place_name": "Thanh Xá",
    "report_number": "", "number_suffix": "BC-UBND", "signer_authority": "TM. ỦY BAN NHÂN DÂN",
    "signer_deputy": "KT. CHỦ TỊCH", "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Cao Văn Cường",
    "recipients": "Phòng Lao động - TB&XH huyện Thanh Hà;\nThường trực Đảng ủy;\nThường trực HĐND xã;\n"
                  "Lãnh đạo UBND xã;\nCác ngành, đoàn thể liên quan;\nLưu: VT, LĐTBXH.",
    "font_size": 14,
}


def seed_plan_2023(commune: Unit) -> dict:
    """Add Thanh Xá's report periods, 2023 plan and targets, yearly figures and report settings."""
    from webapp.reports import services as report_services
    from webapp.reports.models import ReportSettings

    periods.ensure_default_periods(commune.id)
    plan = plan_for(commune.id, 2023, create=True)
    for name, value in PLAN_2023.items():
        if not getattr(plan, name):
            setattr(plan, name, value)
    added = 0
    if not plan.targets:
        for position, row in enumerate(TARGETS_2023, start=1):
            label, metric, kind, unit_type, column, indicator, comparison, value, period = row
            db.session.add(PlanTarget(plan=plan, position=position, label=label, metric=metric, kind=kind,
                                      unit_type=unit_type, report_column=column, indicator=indicator,
                                      comparison=comparison, value=float(value), period_code=period))
            added += 1
    for year, values in FIGURES.items():
        known = set(db.session.scalars(sa.select(StrategyFigure.code).where(
            StrategyFigure.unit_id == commune.id, StrategyFigure.year == year)))
        indicators.save_figures(commune.id, year, {code: float(v) for code, v in values.items() if code not in known})
    if db.session.scalar(sa.select(ReportSettings.id).where(ReportSettings.unit_id == commune.id)) is None:
        report_services.save_settings(commune, SETTINGS_2023)
    db.session.flush()
    return {"targets_added": added}
