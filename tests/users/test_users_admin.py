"""The users pages: list and search, create, edit, several roles, scope, deactivate, reset, sessions, audit."""
import sqlalchemy as sa

from tests.users.conftest import admin_events, login, unit_id, user_id
from webapp.auth.models import ApiToken, LoginSession, RoleAssignment, User
from webapp.extensions import db

BRANCH = "chi-hoi-pn-thon-ha-xa"
STRONG = "may-bay-qua-dong-lua"


def _count_users(app) -> int:
    """How many accounts exist."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(User.id)))


def _new_user(app, client, **fields):
    """POST the create form with valid values, overridden by ``fields``."""
    data = {"username": "canbo7", "full_name": "Hoàng Thị Mai", "phone": "0912 345 678",
            "role": "field_staff", "unit_id": unit_id(app, BRANCH), "password": STRONG}
    data.update(fields)
    return client.post("/users/new", data=data)


def test_list_searches_without_diacritics_and_filters(app, two_communes):
    """"nguyen thi hoa" finds "Nguyễn Thị Hoa"; role, unit and state filters narrow the list."""
    admin = login(app, "quantri")
    page = admin.get("/users/?q=nguyen+thi+hoa").data.decode()
    assert 'data-username="canbo1"' in page and 'data-username="canbo2"' not in page
    by_role = admin.get("/users/?role=supervisor").data.decode()
    assert 'data-username="duyet"' in by_role and 'data-username="canbo1"' not in by_role
    by_unit = admin.get(f"/users/?unit_id={unit_id(app, 'chi-hoi-pn-thon-le-xa')}").data.decode()
    assert 'data-username="canbo2"' in by_unit and 'data-username="canbo1"' not in by_unit
    admin.post(f"/users/{user_id(app, 'canbo2')}/deactivate")
    inactive = admin.get("/users/?active=0").data.decode()
    assert 'data-username="canbo2"' in inactive and 'data-username="canbo1"' not in inactive
    assert 'data-username="canbokhac"' in admin.get("/users/?q=khac").data.decode()


def test_officer_lists_only_own_commune_up_to_supervisor(app, two_communes):
    """The commune officer sees field staff and supervisors of their commune, not admins or other communes."""
    page = login(app, "tonghop").get("/users/").data.decode()
    assert 'data-username="canbo1"' in page and 'data-username="duyet"' in page
    for hidden in ("quantri", "tonghop", "canbokhac", "canbokhac-ql"):
        assert f'data-username="{hidden}"' not in page


def test_create_then_sign_in(app, two_communes):
    """An officer adds a field staff member of the commune, who signs in with the chosen password."""
    officer = login(app, "tonghop")
    response = _new_user(app, officer)
    assert response.status_code == 302
    login(app, "canbo7", STRONG)
    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.username == "canbo7"))
        assert person.phone == "0912 345 678" and not person.must_change_password
    event = admin_events(app, "user_create")[-1]
    assert event.changes["subject"] == "canbo7" and event.user_id == user_id(app, "tonghop")
    assert STRONG not in str(event.changes)


def test_bad_input_per_field_saves_nothing(app, two_communes):
    """Each bad field gets its own Vietnamese error, status 400, and no account is created."""
    officer = login(app, "tonghop")
    before = _count_users(app)
    cases = [
        ({"username": ""}, "Hãy nhập tên đăng nhập"),
        ({"username": "có dấu"}, "chữ không dấu"),
        ({"username": "canbo1"}, "đã có người dùng"),
        ({"username": "CANBO1"}, "đã có người dùng"),
        ({"full_name": "  "}, "Hãy nhập họ và tên"),
        ({"full_name": "x" * 201}, "tối đa 200 ký tự"),
        ({"phone": "12ab"}, "Số điện thoại"),
        ({"role": "chief"}, "Vai trò không hợp lệ"),
        ({"role": "officer"}, "không có quyền cấp vai trò"),
        ({"role": "admin"}, "không có quyền cấp vai trò"),
        ({"unit_id": "999999"}, "Mã đơn vị không tồn tại"),
        ({"unit_id": str(two_communes["branch"])}, "Mã đơn vị không tồn tại"),
        ({"password": "12345678"}, "phổ biến"),
        ({"password": "canbo7-2024"}, "không được tạo từ tên đăng nhập"),
    ]
    for fields, message in cases:
        response = _new_user(app, officer, **fields)
        assert response.status_code == 400, fields
        assert message.encode() in response.data, (fields, message)
        assert "Chưa lưu gì".encode() in response.data
    assert _count_users(app) == before


def test_create_without_password_shows_a_temporary_one_that_must_be_changed(app, two_communes):
    """No password given: a temporary one is shown once; signing in with it leads to the change form."""
    admin = login(app, "quantri")
    response = _new_user(app, admin, password="")
    assert response.status_code == 200
    page = response.data.decode()
    temporary = page.split("data-temporary-password>")[1].split("<")[0]
    assert len(temporary) == 14
    person = app.test_client()
    signed_in = person.post("/login", data={"username": "canbo7", "password": temporary})
    assert signed_in.headers["Location"] == "/profile"
    assert person.get("/entries/").headers["Location"] == "/profile"


def test_several_roles_add_and_remove(app, two_communes):
    """A person holds several roles (role × unit); the last one cannot be removed; audited."""
    officer = login(app, "tonghop")
    canbo1 = user_id(app, "canbo1")
    response = officer.post(f"/users/{canbo1}/roles", data={"role": "supervisor",
                                                             "unit_id": unit_id(app, "hlhpn-thanh-xa")})
    assert response.status_code == 302
    again = officer.post(f"/users/{canbo1}/roles", data={"role": "supervisor",
                                                          "unit_id": unit_id(app, "hlhpn-thanh-xa")})
    assert again.status_code == 400 and "đã có vai trò này".encode() in again.data
    outside = officer.post(f"/users/{canbo1}/roles", data={"role": "field_staff",
                                                            "unit_id": two_communes["branch"]})
    assert outside.status_code == 400
    above = officer.post(f"/users/{canbo1}/roles", data={"role": "officer", "unit_id": two_communes["commune"]})
    assert above.status_code == 400 and "không có quyền cấp".encode() in above.data
    with app.app_context():
        roles = sorted((a.role, a.unit.code) for a in db.session.get(User, canbo1).roles)
        first = db.session.scalar(sa.select(RoleAssignment.id).where(
            RoleAssignment.user_id == canbo1, RoleAssignment.role == "field_staff"))
    assert roles == [("field_staff", "chi-hoi-pn-thon-thanh-xa"), ("supervisor", "hlhpn-thanh-xa")]
    assert officer.post(f"/users/{canbo1}/roles/{first}/remove").status_code == 302
    with app.app_context():
        only = db.session.scalar(sa.select(RoleAssignment.id).where(RoleAssignment.user_id == canbo1))
    last = officer.post(f"/users/{canbo1}/roles/{only}/remove")
    assert last.status_code == 400 and "ít nhất một vai trò".encode() in last.data
    actions = [e.action for e in admin_events(app)]
    assert actions.count("user_role_add") == 1 and actions.count("user_role_remove") == 1


def test_other_communes_users_and_admins_are_404_for_an_officer(app, two_communes):
    """Another commune's user, or one above supervisor, is not found for the officer (every route)."""
    officer = login(app, "tonghop")
    for username in ("canbokhac", "canbokhac-ql", "quantri", "tonghop"):
        target = user_id(app, username)
        assert officer.get(f"/users/{target}").status_code == 404
        for action in ("edit", "deactivate", "reactivate", "reset-password"):
            assert officer.post(f"/users/{target}/{action}", data={"full_name": "X"}).status_code == 404
    with app.app_context():
        assert all(u.active for u in db.session.scalars(sa.select(User)))


def test_field_staff_and_supervisors_have_no_users_pages(app, two_communes):
    """Only administrators and commune officers reach /users and /admin."""
    for username in ("canbo1", "duyet"):
        person = login(app, username)
        assert person.get("/users/").status_code == 403
        assert person.get("/admin/").status_code == 403
        assert "Quản trị".encode() not in person.get("/entries/").data
    assert "Quản trị".encode() in login(app, "tonghop").get("/entries/").data
    landing = login(app, "quantri").get("/admin/")
    assert landing.status_code == 200 and b'href="/users/"' in landing.data


def test_deactivation_ends_cookie_and_token_at_once(app, two_communes):
    """Deactivated: the copied cookie and the token are refused on the next request; sign-in refused."""
    person = login(app, "canbo1")
    copied = app.test_client()
    copied.set_cookie("session", person.get_cookie("session").value)
    assert copied.get("/entries/").status_code == 200
    token = app.test_client().post("/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo",
                                                           "device_name": "Điện thoại"}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    admin = login(app, "quantri")
    assert admin.post(f"/users/{user_id(app, 'canbo1')}/deactivate").status_code == 302
    assert person.get("/entries/").status_code == 302
    assert copied.get("/entries/").headers["Location"].startswith("/login")
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    refused = app.test_client().post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    assert refused.status_code == 400
    assert app.test_client().post("/api/v1/tokens", json={"username": "canbo1",
                                                          "password": "thanhxa-demo"}).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginSession.id)).where(
            LoginSession.user_id == user_id(app, "canbo1"), LoginSession.revoked_at.is_(None))) == 0
    admin.post(f"/users/{user_id(app, 'canbo1')}/reactivate")
    login(app, "canbo1")
    assert [e.action for e in admin_events(app)][-2:] == ["user_deactivate", "user_reactivate"]
    assert admin.post(f"/users/{user_id(app, 'quantri')}/deactivate").status_code == 400


def test_reset_forces_a_change_at_next_sign_in(app, two_communes):
    """Reset: old password and sessions dead; the temporary one only opens the change form; API 403."""
    person = login(app, "canbo1")
    officer = login(app, "tonghop")
    response = officer.post(f"/users/{user_id(app, 'canbo1')}/reset-password")
    temporary = response.data.decode().split("data-temporary-password>")[1].split("<")[0]
    assert person.get("/entries/").status_code == 302
    assert app.test_client().post("/login", data={"username": "canbo1", "password": "thanhxa-demo"}).status_code == 400
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "canbo1", "password": temporary}).headers["Location"] == "/profile"
    assert fresh.get("/entries/new/outreach").headers["Location"] == "/profile"
    api = fresh.get("/api/v1/me")
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "password_change_required"
    weak = fresh.post("/profile", data={"current": temporary, "new": "12345678", "confirm": "12345678"})
    assert weak.status_code == 400
    changed = fresh.post("/profile", data={"current": temporary, "new": STRONG, "confirm": STRONG})
    assert changed.status_code == 302
    assert fresh.get("/entries/").status_code == 200
    assert [e.action for e in admin_events(app)][-2:] == ["user_password_reset", "user_password_change"]
    assert all(temporary not in str(e.changes) and STRONG not in str(e.changes) for e in admin_events(app))


def test_account_page_lists_and_ends_browser_sessions_and_tokens(app, two_communes):
    """The admin sees the person's browsers (with the browser's name) and tokens, and ends each."""
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = ("Mozilla/5.0 (Linux; Android 13; SM-A146P) AppleWebKit/537.36 "
                                             "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36")
    phone.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    token = app.test_client().post("/api/v1/tokens", json={"username": "canbo1", "password": "thanhxa-demo",
                                                           "device_name": "Máy tính bảng"}).get_json()["token"]
    admin = login(app, "quantri")
    page = admin.get(f"/users/{user_id(app, 'canbo1')}").data.decode()
    assert "Chrome Mobile 120 · Android 13" in page and "Máy tính bảng" in page
    with app.app_context():
        session_id = db.session.scalar(sa.select(LoginSession.id).where(
            LoginSession.user_id == user_id(app, "canbo1")))
        token_id = db.session.scalar(sa.select(ApiToken.id))
    other = user_id(app, "canbo2")
    assert admin.post(f"/users/{other}/sessions/{session_id}/end").status_code == 404
    assert admin.post(f"/users/{user_id(app, 'canbo1')}/sessions/{session_id}/end").status_code == 302
    assert phone.get("/entries/").status_code == 302
    assert admin.post(f"/users/{user_id(app, 'canbo1')}/tokens/{token_id}/revoke").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert [e.action for e in admin_events(app)][-2:] == ["user_session_end", "user_token_revoke"]


def test_my_devices_lists_this_browser_marked(app, two_communes):
    """"My devices" lists my browser sessions too, this one marked; ending another signs it out."""
    other = login(app, "canbo1")
    me = login(app, "canbo1")
    page = me.get("/devices").data.decode()
    assert page.count("data-session-id=") == 2 and page.count("data-this-device") == 1
    with app.app_context():
        first = db.session.scalar(sa.select(sa.func.min(LoginSession.id)))
    assert me.post(f"/devices/sessions/{first}/end").status_code == 302
    assert other.get("/entries/").status_code == 302 and me.get("/entries/").status_code == 200
    stranger = login(app, "canbo2")
    with app.app_context():
        mine = db.session.scalar(sa.select(sa.func.max(LoginSession.id)).where(
            LoginSession.user_id == user_id(app, "canbo1")))
    assert stranger.post(f"/devices/sessions/{mine}/end").status_code == 404


def test_audit_page_shows_admin_events_in_vietnamese(app, two_communes):
    """The officer's audit page shows who changed which user, with before → after, in Vietnamese."""
    officer = login(app, "tonghop")
    officer.post(f"/users/{user_id(app, 'canbo1')}/edit", data={"full_name": "Nguyễn Thị Hoa B", "phone": ""})
    officer.post(f"/users/{user_id(app, 'canbo2')}/deactivate")
    page = officer.get("/audit/").data.decode()
    assert "Sửa người dùng" in page and "Khóa tài khoản" in page
    assert "Họ và tên: Nguyễn Thị Hoa → Nguyễn Thị Hoa B" in page
    assert "canbo2" in page
    filtered = officer.get("/audit/?action=user_deactivate").data.decode()
    assert 'data-action="user_deactivate"' in filtered and 'data-action="user_edit"' not in filtered
    other = login(app, "canbokhac-ql", "song-nui-may-troi-9").get("/audit/").data.decode()
    assert "canbo2" not in other
