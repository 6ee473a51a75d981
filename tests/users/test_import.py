"""Importing users from CSV/XLSX: the preview shows exactly the bad rows and saves nothing; confirm adds all;
the same file again changes nothing; the ``flask users`` commands share the same checks."""
import io
import json

import sqlalchemy as sa
from openpyxl import Workbook

from tests.users.conftest import admin_events, login, user_id
from webapp.auth.models import User
from webapp.extensions import db

HEADER = "username,full_name,unit_code,role,password"
GOOD = [
    "hoa.nt,Nguyễn Thị Hoa,chi-hoi-pn-thon-ha-xa,field_staff,lua-chin-vang-dong",
    "lan.tt,Trần Thị Lan,chi-hoi-pn-thon-binh-lao,field_staff,",
    "thu.pt,Phạm Thị Thu,hlhpn-thanh-xa,supervisor,may-trang-bay-xa-xa",
]


def csv_bytes(lines: list[str]) -> bytes:
    """A UTF-8 CSV with the contract's header."""
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def usernames(app) -> set[str]:
    """Every username in the database."""
    with app.app_context():
        return set(db.session.scalars(sa.select(User.username)))


def upload(client, content: bytes, name: str = "users.csv"):
    """POST the file to the preview."""
    return client.post("/users/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def payload_of(page: str) -> str:
    """The hidden rows the confirm button sends back."""
    import html

    return html.unescape(page.split('name="payload" value="')[1].split('"')[0])


def test_preview_shows_exactly_the_bad_rows_and_saves_nothing(app, two_communes):
    """Every kind of bad row is listed with its reason; good rows are not; no user is added."""
    before = usernames(app)
    bad = [
        "hoa.nt,Nguyễn Thị Hoa 2,chi-hoi-pn-thon-ha-xa,field_staff,",      # 4: repeats row 1
        "canbo1,Someone Else,chi-hoi-pn-thon-ha-xa,field_staff,",          # 5: taken in the database
        "moi1,Người Mới,khong-co-don-vi,field_staff,",                     # 6: unknown unit
        "moi2,Người Mới,chi-hoi-pn-thon-ha-xa,chief,",                     # 7: unknown role
        "moi3,Người Mới,chi-hoi-pn-thon-ha-xa,field_staff,12345678",       # 8: weak password
        "moi4,Người Mới,xa-thanh-xa,officer,",                             # 9: above the officer
        "moi5,Người Mới,chi-hoi-khac,field_staff,",                        # 10: another commune
        "moi6,,chi-hoi-pn-thon-ha-xa,field_staff,",                        # 11: no name
    ]
    response = upload(login(app, "tonghop"), csv_bytes(GOOD + bad))
    assert response.status_code == 400
    page = response.data.decode()
    assert page.count('data-status="error"') == len(bad)
    for number in range(4, 12):
        assert f'data-row="{number}" data-status="error"' in page
    for number in (1, 2, 3):
        assert f'data-row="{number}" data-status="new"' in page
    for reason in ("trùng với dòng 1", "đã có người dùng", "Mã đơn vị không tồn tại", "Vai trò không hợp lệ",
                   "phổ biến", "không có quyền cấp vai trò", "Hãy nhập họ và tên"):
        assert reason in page, reason
    assert "data-confirm-import" not in page
    assert usernames(app) == before


def test_confirm_imports_all_and_the_same_file_again_changes_nothing(app, two_communes):
    """Confirm adds every row; a generated password is shown once and must be changed; re-import: no change."""
    officer = login(app, "tonghop")
    preview = upload(officer, csv_bytes(GOOD))
    assert preview.status_code == 200 and "data-confirm-import" in preview.data.decode()
    assert "hoa.nt" not in usernames(app)
    done = officer.post("/users/import/confirm", data={"payload": payload_of(preview.data.decode()),
                                                       "filename": "users.csv"})
    page = done.data.decode()
    assert done.status_code == 200 and "3 người được thêm, 0 người đã có sẵn" in page
    temporary = page.split("<td>lan.tt</td><td><code>")[1].split("<")[0]
    login(app, "hoa.nt", "lua-chin-vang-dong")
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "lan.tt", "password": temporary}).headers["Location"] == "/profile"
    events = len(admin_events(app))
    again = upload(officer, csv_bytes(GOOD))
    assert again.data.decode().count('data-status="unchanged"') == 3
    repeat = officer.post("/users/import/confirm", data={"payload": payload_of(again.data.decode())})
    assert "0 người được thêm, 3 người đã có sẵn" in repeat.data.decode()
    assert len(admin_events(app)) == events
    login(app, "hoa.nt", "lua-chin-vang-dong")


def test_tampered_confirmation_is_checked_again(app, two_communes):
    """A confirm form edited to grant "admin" is checked again and refused; nothing is added."""
    officer = login(app, "tonghop")
    rows = [{"number": 1, "values": {"username": "x1", "full_name": "X", "unit_code": "xa-thanh-xa",
                                     "role": "admin", "password": "", "phone": ""}}]
    response = officer.post("/users/import/confirm", data={"payload": json.dumps(rows)})
    assert response.status_code == 400 and "không có quyền cấp vai trò".encode() in response.data
    garbage = officer.post("/users/import/confirm", data={"payload": "{not json"})
    assert garbage.status_code == 400
    assert "x1" not in usernames(app)


def test_xlsx_import_and_unreadable_files(app, two_communes):
    """An XLSX with phone numbers imports like a CSV; a broken file or missing column: one clear error."""
    book = Workbook()
    sheet = book.active
    sheet.append(["username", "full_name", "phone", "unit_code", "role"])
    sheet.append(["mai.lt", "Lê Thị Mai", 912345678, "chi-hoi-pn-thon-le-xa", "field_staff"])
    buffer = io.BytesIO()
    book.save(buffer)
    admin = login(app, "quantri")
    preview = upload(admin, buffer.getvalue(), "users.xlsx")
    assert preview.status_code == 200 and 'data-row="1" data-status="new"' in preview.data.decode()
    admin.post("/users/import/confirm", data={"payload": payload_of(preview.data.decode())})
    with app.app_context():
        assert db.session.scalar(sa.select(User.phone).where(User.username == "mai.lt")) == "912345678"
    for content, name, message in [(b"PK\x03\x04broken", "x.xlsx", "Không đọc được tệp XLSX"),
                                   (b"username,full_name\nab,cd\n", "x.csv", "thiếu các cột: unit_code, role"),
                                   ("username".encode("utf-16"), "x.csv", "UTF-8"),
                                   (HEADER.encode(), "x.csv", "không có dòng dữ liệu")]:
        response = upload(admin, content, name)
        assert response.status_code == 400 and message.encode() in response.data, name


def test_cli_import_all_or_nothing_and_idempotent(app, runner, two_communes, tmp_path):
    """``flask users import``: ``row N:`` per bad row and exit 1 with nothing added; then all; then no change."""
    bad_file = tmp_path / "bad.csv"
    bad_file.write_bytes(csv_bytes(GOOD + ["canbo1,X,chi-hoi-pn-thon-ha-xa,field_staff,",
                                           "moi,Y,nowhere,field_staff,"]))
    result = runner.invoke(args=["users", "import", str(bad_file)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0] for line in lines] == ["row 4", "row 5"]
    assert "hoa.nt" not in usernames(app)
    good_file = tmp_path / "good.csv"
    good_file.write_bytes(csv_bytes(GOOD))
    first = runner.invoke(args=["users", "import", str(good_file)])
    assert first.exit_code == 0 and "3 users added" in first.output
    assert "lan.tt\t" in first.output  # the generated temporary password is printed
    count = len(usernames(app))
    events = len(admin_events(app))
    second = runner.invoke(args=["users", "import", str(good_file)])
    assert second.exit_code == 0 and "0 users added, 3 unchanged" in second.output
    assert len(usernames(app)) == count and len(admin_events(app)) == events


def test_cli_deactivate_add_role_list_reset(app, runner, two_communes):
    """``users deactivate`` ends the token at once; ``add-role``, ``list``, ``reset-password``, ``reactivate``."""
    token = app.test_client().post("/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo"}
                                   ).get_json()["token"]
    result = runner.invoke(args=["users", "deactivate", "canbo1"])
    assert result.exit_code == 0
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert runner.invoke(args=["users", "deactivate", "nobody"]).exit_code != 0
    listing = runner.invoke(args=["users", "list", "--inactive"]).output
    assert listing.startswith("canbo1\tinactive") and "canbo2" not in listing
    assert runner.invoke(args=["users", "reactivate", "canbo1"]).exit_code == 0
    added = runner.invoke(args=["users", "add-role", "canbo1", "--role", "supervisor", "--unit", "hlhpn-thanh-xa"])
    assert added.exit_code == 0
    assert "supervisor@hlhpn-thanh-xa" in runner.invoke(args=["users", "list", "--search", "nguyen thi hoa"]).output
    twice = runner.invoke(args=["users", "add-role", "canbo1", "--role", "supervisor", "--unit", "hlhpn-thanh-xa"])
    assert twice.exit_code != 0
    temporary = runner.invoke(args=["users", "reset-password", "canbo2"]).output.strip()
    response = app.test_client().post("/login", data={"username": "canbo2", "password": temporary})
    assert response.headers["Location"] == "/profile"
    assert {e.device for e in admin_events(app)} == {"cli"}
    assert user_id(app, "canbo1") is not None
