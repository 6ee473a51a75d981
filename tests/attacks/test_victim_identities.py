"""Issue 9 §3: free text never carries what identifies a person (phone, ID) or a victim (name, age, address).

A corpus of realistic Vietnamese sentences both ways goes through every free-text path: the kind
validation shared by the form and sync (notes, findings, recommendations, follow-up, ...), a review
comment and a closed period's reason; the same rules run in Chromium for the form's warning.
"""
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import identities

MUST_REFUSE = [  # (text, what the message names)
    ("Nạn nhân: chị Nguyễn Thị B, 34 tuổi, nhà số 12 xóm 3", "tên"),
    ("Liên hệ 091 234 5678 để được tư vấn", "số điện thoại"),
    ("Số điện thoại hỗ trợ: 0912.345.678", "số điện thoại"),
    ("Gọi 0912-345-678 khi cần", "số điện thoại"),
    ("SĐT: +84 912 345 678", "số điện thoại"),
    ("Điện thoại (+84) 912.345.678", "số điện thoại"),
    ("ĐT 84912345678", "số điện thoại"),
    ("Số 0912345678 của chị ấy", "số điện thoại"),
    ("Hotline 0243 123 4567", "số điện thoại"),
    ("09 12 34 56 78 là số của gia đình", "số điện thoại"),
    ("CCCD 012345678901 của nạn nhân", "căn cước"),
    ("Căn cước: 0123 4567 8901", "căn cước"),
    ("CMND số 123456789", "căn cước"),
    ("CMND 123 456 789 cấp năm 2010", "căn cước"),
    ("Số định danh 001-203-004-567", "căn cước"),
    ("Tư vấn cho nạn nhân là chị Lan ở thôn Thanh Xá", "tên"),
    ("Chị Hoa bị chồng đánh nhiều lần, đã được hỗ trợ", "tên"),
    ("Cháu H. bị xâm hại, đã chuyển công an", "tên"),
    ("Bà Trần Thị Mai bị bạo lực gia đình", "tên"),
    ("Ông Lê Văn Tâm có hành vi đánh vợ; nạn nhân được tạm lánh", "tên"),
    ("Người bị hại: Phạm Thị Hồng", "tên"),
    ("Nạn nhân Hoàng Thị Thu Hà đã được đưa đến trạm y tế", "tên"),
    ("Em Nguyễn Văn An, nạn nhân bị bạo hành", "tên"),
    ("Nạn nhân 34 tuổi, ở nhờ nhà mẹ đẻ", "tuổi"),
    ("Một phụ nữ 45 tuổi bị đánh, đã hỗ trợ pháp lý", "tuổi"),
    ("Nạn nhân sinh năm 1990", "tuổi"),
    ("Nạn nhân ở nhà số 12", "địa chỉ"),
    ("Phụ nữ bị bạo lực, địa chỉ số nhà 45 xóm 2", "địa chỉ"),
    ("Nạn nhân sống tại số 8 đường Lê Lợi", "địa chỉ"),
    ("Nạn nhân ở ngõ 15 phố Huế", "địa chỉ"),
    ("Anh Tuấn bị đe dọa, nạn nhân đã trình báo", "tên"),
    ("NẠN NHÂN: chị Đỗ Thị Lý", "tên"),
    ("nạn nhân: chị Vũ Thị Hằng, 29 tuổi", "tên"),
    ("Bé Na bị hành hạ, 7 tuổi", "tên"),
    ("CCCD 001.203.004.567 của nạn nhân", "căn cước"),
    ("Căn cước công dân 079.190.012.345", "căn cước"),
    ("CMND 123456789, chi hỗ trợ 125.000.000", "căn cước"),
]
MUST_PASS = [
    "Tuyên truyền tại nhà văn hóa thôn",
    "Tập huấn cho 25 hội viên",
    "Kinh phí 2.500.000 đồng từ ngân sách xã",
    "Chi 125.000.000 đồng cho mô hình",
    "Tổ chức ngày 12/03/2023 tại hội trường UBND xã",
    "Thực hiện năm 2023 theo kế hoạch",
    "Căn cứ Nghị định 30/2020/NĐ-CP về công tác văn thư",
    "Theo Quyết định số 1234/QĐ-UBND ngày 05/06/2023",
    "Thông tư 01/2021/TT-BLĐTBXH hướng dẫn",
    "Giai đoạn 2021 - 2025, mục tiêu 2026-2030",
    "Phát 300 tờ rơi, 50 áp phích",
    "Có 45 người tham dự, trong đó 30 nữ",
    "Ông Nguyễn Văn Nam, trưởng thôn, phát biểu về phòng chống bạo lực gia đình",
    "Báo cáo viên: bà Trần Thị Lan, chủ tịch Hội Phụ nữ xã",
    "Tư vấn cho nạn nhân bạo lực gia đình tại thôn Lê Xá",
    "Hỗ trợ 2 nạn nhân, chuyển tuyến đến trung tâm công tác xã hội",
    "Chị em phụ nữ tham gia đông đủ",
    "Tuyên truyền Luật Phòng, chống bạo lực gia đình năm 2022",
    "Sinh hoạt câu lạc bộ Gia đình hạnh phúc tháng 6",
    "Tổ chức 3 buổi, mỗi buổi 2 giờ, từ 8 giờ 30",
    "Hội thi tìm hiểu pháp luật, giải nhất 1.000.000 đồng",
    "Kiểm tra việc thực hiện bình đẳng giới tại trường THCS",
    "Khuyến nghị bổ sung 2 tủ sách pháp luật",
    "Theo dõi sau 3 tháng, báo cáo vào quý IV",
    "Ngày 25/11 hưởng ứng Tháng hành động vì bình đẳng giới",
    "Đối thoại với 60 nam giới về chia sẻ việc nhà",
    "Lồng ghép nội dung phòng chống mua bán người",
    "Phối hợp với công an xã và trạm y tế",
    "Tổng số tiền hỗ trợ 10.500.000 đ",
    "Thôn Thanh Xá, xóm 3, tổ chức họp dân",
    "Mời giảng viên ThS. Nguyễn Thị Hoa, giảng viên trường chính trị tỉnh",
    "Năm 2023 có 0 vụ bạo lực gia đình được ghi nhận",
    "Số liệu năm 2022: 1.234 lượt người tham gia",
    "Chi 125.000.000 cho mô hình sinh kế",
    "Hỗ trợ 1.500.000 mỗi hộ, tổng 45.000.000",
    "Quyết toán 2.345.678.000 theo dự toán năm 2023",
    "Học sinh lớp 9 tham gia ngoại khóa",
    "Hỗ trợ nạn nhân theo quy trình tại Quyết định 2154/QĐ-BVHTTDL",
    "Đường dây nóng 111 hỗ trợ trẻ em",
]


def test_the_corpus_has_enough_sentences_both_ways():
    """≥ 30 must-refuse and ≥ 30 must-pass sentences."""
    assert len(MUST_REFUSE) >= 30 and len(MUST_PASS) >= 30


@pytest.mark.parametrize("text, named", MUST_REFUSE)
def test_identifying_text_is_refused_in_every_free_text_field(app, api, text, named):
    """Notes and the inspection's findings, recommendations and follow-up: rejected, nothing saved,
    the Vietnamese message names what to remove."""
    token = api.token()
    batch = [api.entry(notes=text)] + [api.entry(kind="inspection", **{name: text})
                                       for name in ("findings", "recommendations", "follow_up")]
    results = api.sync_ok(token, batch)
    assert [r["status"] for r in results] == ["rejected"] * 4
    for result, field in zip(results, ("notes", "findings", "recommendations", "follow_up")):
        assert named in result["errors"][field] and "Hãy xóa" in result["errors"][field]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 0


@pytest.mark.parametrize("text", MUST_PASS)
def test_ordinary_notes_are_accepted(app, api, text):
    """Ordinary notes, dates, amounts, years and decree numbers are saved as written."""
    token = api.token()
    [result] = api.sync_ok(token, [api.entry(notes=text)])
    assert result["status"] == "created", result["errors"]


def test_the_html_form_refuses_with_the_message(app, client, auth, commune):
    """The entry form (same validation): 400 and the message beside the field."""
    auth.login("canbo1")
    with app.app_context():
        data = factories.entry_data()
    data["notes"] = "Nạn nhân: chị Nguyễn Thị B, 34 tuổi"
    response = client.post("/entries/new/outreach", data={k: v for k, v in data.items() if v is not None})
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400) and "Hãy xóa tên “chị Nguyễn Thị B”" in page
    assert "Hãy xóa tuổi “34 tuổi”" in page


@pytest.mark.parametrize("text, named", [MUST_REFUSE[0], MUST_REFUSE[1], MUST_REFUSE[10], MUST_REFUSE[24]])
def test_review_comments_are_checked_too(app, api, text, named):
    """A return comment with a victim's identity is a 400 naming the comment; the entry stays waiting."""
    with app.app_context():
        entry_uuid = factories.make_entry("canbo1").uuid
    token = api.token("duyet")
    response = api.client.post(f"/api/v1/entries/{entry_uuid}/review",
                               json={"action": "return", "comment": text, "revision": 1}, headers=api.auth(token))
    assert response.status_code == 400 and named in response.get_json()["error"]["fields"]["comment"]
    with app.app_context():
        assert db.session.scalar(sa.select(Entry.status).where(Entry.uuid == entry_uuid)) == "submitted"


def test_the_server_and_the_phone_apply_the_same_rules(app, client, auth, commune):
    """Every corpus sentence gets the same verdict from the browser's script as from the server."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM

    auth.login("canbo1")
    page_html = client.get("/entries/new/outreach").get_data(as_text=True)
    start = page_html.index('<script type="application/json" id="identity-rules">')
    rules_tag = page_html[start:page_html.index("</script>", start) + len("</script>")]
    source = (Path(app.static_folder) / "js" / "identity-check.js").read_text(encoding="utf-8")
    source = source.replace("export function", "function")
    texts = [text for text, _named in MUST_REFUSE] + MUST_PASS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.set_content(f"<html><body>{rules_tag}</body></html>")
        verdicts = page.evaluate(f"(texts) => {{ {source}; return texts.map((t) => problems(t).length > 0); }}", texts)
        browser.close()
    with app.test_request_context():
        assert verdicts == [bool(identities.find_all(text)) for text in texts]
    assert verdicts == [True] * len(MUST_REFUSE) + [False] * len(MUST_PASS)


@pytest.mark.parametrize("text, named", [MUST_REFUSE[0], MUST_REFUSE[2], MUST_REFUSE[11], MUST_REFUSE[19],
                                         MUST_REFUSE[26], MUST_REFUSE[-3]])
def test_the_reports_narrative_texts_are_checked_too(app, client, auth, commune, text, named):
    """The officer's texts of the report (printed in the DOCX): 400 naming what to remove beside the
    section, nothing saved, the typed text kept in the form; an ordinary text with an amount is saved."""
    from webapp.reports.models import ReportText

    auth.login("tonghop")
    response = client.post("/reports/text?period=year-2023", data={
        "direction": "Đã tổ chức hội nghị triển khai.", "assessment": f"Trong kỳ: {text}", "next": "",
        "recommendations": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Chưa lưu" in page
    assert named in page and "Hãy xóa" in page and f"Trong kỳ: {text}" in page.replace("&#34;", '"')
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportText)) == 0
    ordinary = client.post("/reports/text?period=year-2023", data={
        "direction": "Chi 125.000.000 cho mô hình; hỗ trợ nạn nhân theo quy trình.", "assessment": "",
        "next": "", "recommendations": ""})
    assert ordinary.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(ReportText.section)).all() == ["direction"]
