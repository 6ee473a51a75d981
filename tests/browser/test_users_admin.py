"""In Chromium at 360 px: an admin imports 20 users from a CSV (the preview first shows exactly its 3 bad
rows), one imported user signs in on a fresh phone and logs an entry offline that syncs, then the admin
deactivates that user and the copied cookie and the token are refused at once.

The import journey (taps and seconds, from the entry list to "users imported") is printed, not asserted:
``pytest tests/browser/test_users_admin.py -s``.
"""
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import Chromium
from tests.browser.helpers import login, open_form_offline, save_outreach, set_network, wait_offline_ready

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
NEW_PASSWORD = "hoa-sen-no-giua-ao"
BAD_ROWS = [
    "canbo1,Trùng Tên,chi-hoi-pn-thon-ha-xa,field_staff,",          # taken in the database
    "nguoi.moi,Người Mới,khong-co-don-vi,field_staff,",             # unknown unit
    "nguoi.moi2,Người Mới,chi-hoi-pn-thon-ha-xa,field_staff,123456",  # weak password
]


def good_rows() -> list[str]:
    """20 valid users of the demo commune; the first signs in later with a password of its own."""
    villages = ["thanh-xa", "le-xa", "binh-lao", "phu-tinh", "ha-xa", "dong-linh"]
    rows = [f"moi01,Nguyễn Thị Mới,chi-hoi-pn-thon-ha-xa,field_staff,{NEW_PASSWORD}"]
    for number in range(2, 21):
        rows.append(f"moi{number:02d},Cán bộ {number},chi-hoi-pn-thon-{villages[number % 6]},field_staff,")
    return rows


def write_csv(folder: Path, name: str, rows: list[str]) -> Path:
    """A CSV file with the contract's header."""
    path = folder / name
    path.write_text("username,full_name,unit_code,role,password\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def fits_the_phone(page) -> bool:
    """No horizontal scrolling of the page at 360 px."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


class Taps:
    """Counts what the admin does with a finger (taps, file picks)."""

    def __init__(self, page):
        """Count on ``page``."""
        self.page, self.count = page, 0

    def tap(self, selector: str) -> None:
        """Tap an element."""
        self.count += 1
        self.page.click(selector)

    def pick_file(self, selector: str, path: Path) -> None:
        """Choose a file in the picker (one tap on the input, one on the file)."""
        self.count += 2
        self.page.set_input_files(selector, str(path))


def test_import_sign_in_offline_sync_then_deactivate(live_server, chromium, playwright_driver, tmp_path):
    """The whole administration journey of issue 8 for users, at 360 px."""
    base = live_server.url
    admin = chromium.start().new_page()
    admin.set_viewport_size(PHONE)
    admin.on("dialog", lambda dialog: dialog.accept())
    login(admin, base, "quantri")
    taps, started = Taps(admin), time.monotonic()
    assert admin.url == f"{base}/admin/"  # an admin lands on administration (issue 11): no tap to get there
    assert fits_the_phone(admin)
    taps.tap("a.kind-tile[href='/users/']")
    admin.wait_for_url(f"{base}/users/")
    assert fits_the_phone(admin)
    taps.tap("a[href='/users/import']")
    taps.pick_file("input[name=file]", write_csv(tmp_path, "users.csv", good_rows() + BAD_ROWS))
    taps.tap("button[type=submit]:has-text('Kiểm tra tệp')")
    admin.wait_for_selector(".import-preview")
    bad = admin.eval_on_selector_all("li[data-status=error]", "rows => rows.map(r => Number(r.dataset.row))")
    assert bad == [21, 22, 23]
    assert admin.locator("li[data-status=new]").count() == 20
    assert admin.locator("[data-confirm-import]").count() == 0
    assert fits_the_phone(admin)
    assert _usernames(live_server, "moi") == set()
    # The admin corrects the file (drops the 3 bad rows) and uploads it again.
    taps.tap("a.crumbs, p.crumbs a")
    taps.pick_file("input[name=file]", write_csv(tmp_path, "users-fixed.csv", good_rows()))
    taps.tap("button[type=submit]:has-text('Kiểm tra tệp')")
    taps.tap("[data-confirm-import]")
    admin.wait_for_selector("[data-import-result]")
    seconds = time.monotonic() - started
    assert "20 người được thêm" in admin.inner_text("[data-import-result]")
    assert len(_usernames(live_server, "moi")) == 20
    print(f"\nimport journey at 360 px: {taps.count} taps, {seconds:.1f} s (20 users, one correction)")

    # The imported user on a fresh phone: signs in, logs an entry offline, it syncs.
    phone_browser = Chromium(playwright_driver, Path(tempfile.mkdtemp(prefix="binhdang-phone-")))
    try:
        phone_context = phone_browser.start()
        phone = phone_context.new_page()
        phone.set_viewport_size(PHONE)
        phone.goto(f"{base}/login")
        phone.fill("input[name=username]", "moi01")
        phone.fill("input[name=password]", NEW_PASSWORD)
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{base}/entries/")
        wait_offline_ready(phone)
        set_network(phone_context, live_server, online=False)
        open_form_offline(phone, base)
        save_outreach(phone, "Sinh hoạt chi hội, ghi ngoại tuyến")
        set_network(phone_context, live_server, online=True)
        phone.wait_for_function("document.querySelector('[data-outbox-count]').textContent === '0'")
        assert [e.notes for e in live_server.entries()] == ["Sinh hoạt chi hội, ghi ngoại tuyến"]
        cookie = next(c["value"] for c in phone_context.cookies() if c["name"] == "session")
        token = requests.post(f"{base}/api/v1/tokens", json={"username": "moi01", "password": NEW_PASSWORD,
                                                             "device_name": "Điện thoại"}, timeout=10).json()["token"]
        assert requests.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10).ok
        assert requests.get(f"{base}/entries/", cookies={"session": cookie}, allow_redirects=False,
                            timeout=10).status_code == 200

        # The admin deactivates that user: the copied cookie and the token are refused at once.
        admin.goto(f"{base}/users/?q=moi01")
        admin.click("li[data-username=moi01] a")
        admin.click("[data-deactivate]")
        admin.wait_for_selector("[data-state=inactive]")
        copied = requests.get(f"{base}/entries/", cookies={"session": cookie}, allow_redirects=False, timeout=10)
        assert copied.status_code == 302 and "/login" in copied.headers["Location"]
        assert requests.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                            timeout=10).status_code == 401
        phone.goto(f"{base}/entries/")
        assert "/login" in phone.url
    finally:
        phone_browser.stop()
        shutil.rmtree(phone_browser.profile, ignore_errors=True)


def _usernames(server, prefix: str) -> set[str]:
    """Usernames starting with ``prefix`` in the database now."""
    import sqlalchemy as sa

    from webapp.auth.models import User
    from webapp.extensions import db

    with server.app.app_context():
        names = set(db.session.scalars(sa.select(User.username).where(User.username.startswith(prefix))))
        db.session.remove()
        return names
